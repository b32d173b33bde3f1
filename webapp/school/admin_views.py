"""Unmet school demand for the municipality's admins, added to the admin blueprint."""

from __future__ import annotations

from flask import render_template

from webapp.services.schools import demand


def add_unmet_demand_route(bp) -> None:
    @bp.route("/skoler/udekket", endpoint="unmet_demand")
    def unmet_demand():
        return render_template("admin/unmet_demand.html", counts=demand.unmet_counts())
