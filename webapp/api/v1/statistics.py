"""Statistics for the municipality: aggregates only, small counts suppressed."""

from __future__ import annotations

from webapp.api.v1.common import SECURITY, make_blueprint, require_role
from webapp.api.v1.schemas import StatisticsSchema
from webapp.models import Role
from webapp.services import stats

bp = make_blueprint("api_statistics", __name__, "/statistics", "Statistikk (kommunen).")


@bp.route("")
@bp.doc(security=SECURITY)
@bp.response(200, StatisticsSchema)
def statistics():
    """The dashboard's figures; a count below 5 people is null. Admins."""
    require_role(Role.ADMIN)
    figures = stats.dashboard()
    placements = stats.placement_figures()
    return {
        **figures,
        "placements_filled": placements["filled"],
        "median_days_to_placement": placements["median_days_to_placement"],
        "outcomes": {str(code): value for code, value in placements["outcomes"].items()},
    }
