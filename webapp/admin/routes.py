"""The municipality's administration: the dashboard, the matching model and the mail sent.

Organisations, users and the audit log have modules of their own on this blueprint
(``organisations``, ``users``, ``audit``), imported by ``webapp.admin``.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields import SelectChoice

from webapp.admin.forms import DashboardFilterForm
from webapp.auth.access import role_required
from webapp.models import (
    OutgoingMail,
    Role,
)
from webapp.scheduled import jobs
from webapp.school.admin_views import add_unmet_demand_route
from webapp.services import matchmaking, model_store, stats
from webapp.services.stats import exports
from webapp.services.stats.recent import recent_tables
from webapp.ui.forms import ConfirmForm
from webapp.ui.params import paginate

bp = Blueprint("admin", __name__)
bp.add_app_template_global(format_decimal, "format_decimal")


PER_PAGE = 25


@bp.before_request
@role_required(Role.ADMIN)
def require_admin():
    """Every page here is for the municipality's administrators."""


def _dashboard_filters() -> tuple[DashboardFilterForm, stats.Filters | None]:
    """The filter form from the query string, and the filters (None when the form has errors)."""
    form = DashboardFilterForm(request.args)
    options = stats.filter_options()
    everything = SelectChoice("", _("Alle"))
    form.organisation.choices = [everything] + [
        SelectChoice(id_, name) for id_, name in options["organisations"]
    ]
    form.slot_kind.choices = [everything] + [
        SelectChoice(kind.code, kind.label) for kind in options["slot_kinds"]
    ]
    form.municipality.choices = [everything] + [
        SelectChoice(name, name) for name in options["municipalities"]
    ]
    if not request.args:
        return form, stats.Filters()
    if not form.validate():
        return form, None
    return form, stats.make_filters(
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        organisation_id=form.organisation.data,
        slot_kind=form.slot_kind.data,
        municipality=form.municipality.data,
    )


@bp.route("/")
def home():
    artifacts = model_store.versions(limit=5)  # the payload column stays unloaded
    form, filters = _dashboard_filters()
    counted = recent_tables(filters, stats.figures) if filters is not None else None
    return render_template(
        "admin/home.html",
        figures=stats.headline(),
        tables=counted.tables if counted else [],
        counted_at=counted.at if counted else None,
        filters=filters,
        filter_form=form,
        artifacts=artifacts,
        refit=matchmaking.latest_refit(),
        confirm=ConfirmForm(),
    )


@bp.route("/tall/<key>.<any(csv, xlsx):fmt>")
def export_figure(key: str, fmt: str):
    """One dashboard table, with the same filters, as a download (aggregates only)."""
    _form, filters = _dashboard_filters()
    if filters is None:
        abort(400)
    try:
        table = stats.figure(key, filters)
    except stats.UnknownFigure:
        abort(404)
    if fmt == "csv":
        body, mimetype = exports.to_csv(table), "text/csv; charset=utf-8"
    else:
        body, mimetype = exports.to_xlsx(table), exports.XLSX_MIMETYPE
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="arbeidsbro-{key}.{fmt}"'},
    )


@bp.route("/matchmodell", methods=["POST"])
def rebuild_model():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job_id = jobs.start_rebuild()
    if job_id:
        flash(_("Ny matchmodell bygges i bakgrunnen (jobb %(id)s).", id=job_id[:8]), "info")
    else:
        flash(_("Matchmodellen er bygget og forslagene er oppdatert."), "success")
    return redirect(url_for("admin.home"))


@bp.route("/e-post")
def outgoing_mail():
    """What the app sent, or wrote to the log in the demo (no SMTP server configured)."""
    page = paginate(select(OutgoingMail).order_by(OutgoingMail.id.desc()), per_page=PER_PAGE)
    return render_template("admin/outgoing_mail.html", page=page)


add_unmet_demand_route(bp)
