"""Unmet school demand for the municipality's admins, added to the admin blueprint."""

from __future__ import annotations

from flask import render_template

from webapp.services.schools import demand
from webapp.services.stats.tables import suppress


def add_unmet_demand_route(bp) -> None:
    @bp.route("/skoler/udekket", endpoint="unmet_demand")
    def unmet_demand():
        # Across schools these are statistics: a cell of 1–4 students is suppressed (§5).
        counts = {
            group: [(key, needs, suppress(students)) for key, needs, students in rows]
            for group, rows in demand.unmet_counts().items()
        }
        return render_template("admin/unmet_demand.html", counts=counts)
