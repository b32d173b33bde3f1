"""Statistics for the municipality: the dashboard's aggregates, small counts suppressed."""

from __future__ import annotations

from webapp.api.v1.common import SECURITY, make_blueprint, require_role
from webapp.api.v1.schemas import StatisticsArgs, StatisticsSchema
from webapp.models import Role
from webapp.services import stats

bp = make_blueprint("api_statistics", __name__, "/statistics", "Statistikk (kommunen).")


@bp.route("")
@bp.doc(security=SECURITY)
@bp.arguments(StatisticsArgs, location="query")
@bp.response(200, StatisticsSchema)
def statistics(args):
    """The dashboard's tables with its filters; a count below 5 people is null. Admins."""
    require_role(Role.ADMIN)
    scans = stats.Scans(stats.make_filters(**args))  # the figures share their scans
    return {
        "headline": stats.headline(scans),
        "tables": [
            {
                "key": table.key,
                "title": str(table.title),
                "description": str(table.description),
                "columns": [
                    {"key": c.key, "label": str(c.label), "kind": c.kind} for c in table.columns
                ],
                "rows": [[_plain(value) for value in row] for row in table.rows],
            }
            for table in stats.figures(scans=scans)
        ],
    }


def _plain(value):
    return value if value is None or isinstance(value, int | float | str) else str(value)
