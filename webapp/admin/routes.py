"""The municipality's administration: organisations, users, the audit log and the figures."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager
from wtforms.fields import SelectChoice

from webapp.admin.forms import DashboardFilterForm, InviteUserForm, OrganisationForm
from webapp.auth.access import role_required
from webapp.extensions import db
from webapp.models import (
    AuditEvent,
    Organisation,
    OrganisationKind,
    OutgoingMail,
    Role,
    User,
)
from webapp.scheduled import jobs
from webapp.school.admin_views import add_unmet_demand_route
from webapp.services import accounts, matchmaking, model_store, stats
from webapp.services.errors import DomainError
from webapp.services.stats import exports
from webapp.ui.forms import ConfirmForm
from webapp.ui.params import arg_choice, arg_text, paginate
from webapp.ui.views import invite_from, show_domain_error

bp = Blueprint("admin", __name__)
bp.add_app_template_global(format_decimal, "format_decimal")
OSLO = ZoneInfo("Europe/Oslo")


@bp.app_template_filter("oslo_time")
def oslo_time(moment) -> str:
    """A stored (naive UTC) timestamp as Norwegian local time, summer time included."""
    return moment.replace(tzinfo=UTC).astimezone(OSLO).strftime("%d.%m.%Y %H:%M:%S")


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
    return render_template(
        "admin/home.html",
        figures=stats.headline(),
        tables=stats.figures(filters) if filters is not None else [],
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


@bp.route("/organisasjoner")
def organisations():
    status = arg_choice("status", ("pending", "approved"))
    kind = arg_choice("kind", [k.value for k in OrganisationKind])
    query = arg_text("q")
    stmt = select(Organisation).order_by(Organisation.approved_at.is_not(None), Organisation.name)
    if status == "pending":
        stmt = stmt.where(Organisation.approved_at.is_(None))
    elif status == "approved":
        stmt = stmt.where(Organisation.approved_at.is_not(None))
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    if query:
        pattern = f"%{query}%"
        stmt = stmt.where(
            or_(Organisation.name.ilike(pattern), Organisation.org_number.ilike(pattern))
        )
    page = paginate(stmt, per_page=PER_PAGE)
    return render_template(
        "admin/organisations.html",
        page=page,
        status=status,
        kind=kind,
        q=query,
        confirm=ConfirmForm(),
    )


@bp.route("/organisasjoner/ny", methods=["GET", "POST"])
def organisation_new():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = accounts.create_organisation(
                current_user,
                kind=form.kind.data,
                name=form.name.data.strip(),
                org_number=form.org_number.data,
                municipality=form.municipality.data.strip(),
                contact_email=(form.contact_email.data or "").strip(),
                description=form.description.data or "",
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Organisasjonen er opprettet."), "success")
            return redirect(url_for("admin.organisation_detail", organisation_id=organisation.id))
    return render_template("admin/organisation_new.html", form=form)


@bp.route("/organisasjoner/<int:organisation_id>")
def organisation_detail(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    return render_template(
        "admin/organisation_detail.html", organisation=organisation, confirm=ConfirmForm()
    )


@bp.route("/organisasjoner/<int:organisation_id>/godkjenn", methods=["POST"])
def organisation_approve(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    if ConfirmForm().validate_on_submit():
        try:
            accounts.approve_organisation(current_user, organisation)
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(_("%(name)s er godkjent.", name=organisation.name), "success")
    return redirect(url_for("admin.organisation_detail", organisation_id=organisation.id))


def _invite_form() -> InviteUserForm:
    form = InviteUserForm()
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    form.organisation_id.choices = [SelectChoice(o.id, o.name) for o in organisations]
    return form


@bp.route("/brukere", methods=["GET", "POST"])
def users():
    form = _invite_form()
    if form.validate_on_submit():
        organisation = db.get_or_404(Organisation, form.organisation_id.data)
        if invite_from(form, organisation):
            return redirect(url_for("admin.users"))
    query = arg_text("q")
    stmt = (
        select(User)
        .join(User.organisation)
        .options(contains_eager(User.organisation))
        .order_by(Organisation.name, User.name)
    )
    if query:
        pattern = f"%{query}%"
        stmt = stmt.where(or_(User.name.ilike(pattern), User.email.ilike(pattern)))
    page = paginate(stmt, per_page=PER_PAGE)
    return render_template(
        "admin/users.html",
        form=form,
        page=page,
        q=query,
        confirm=ConfirmForm(),
    )


@bp.route("/brukere/<int:user_id>/aktiv", methods=["POST"])
def user_set_active(user_id: int):
    user = db.get_or_404(User, user_id)
    activate = request.form.get("active") == "1"
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        accounts.set_active(current_user, user, activate)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        message = _("%(name)s er aktivert.") if activate else _("%(name)s er deaktivert.")
        flash(message % {"name": user.name}, "success")
    return redirect(url_for("admin.users"))


@bp.route("/logg")
def audit_log():
    action = arg_text("action")
    stmt = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action))
    page = paginate(stmt, per_page=50)
    return render_template("admin/audit_log.html", page=page, action=action)


add_unmet_demand_route(bp)
