"""Organisations: the list, a new one, approval or rejection, deactivation and reactivation.

Registered on the admin blueprint (imported by ``webapp.admin``), behind its admin check.
Rejecting and deactivating ask first on a page of their own.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from webapp.admin.forms import OrganisationForm, RejectOrganisationForm
from webapp.admin.routes import PER_PAGE, bp
from webapp.extensions import db
from webapp.models import Organisation, OrganisationKind, User
from webapp.services import accounts
from webapp.services import organisations as decisions
from webapp.services.errors import DomainError
from webapp.ui.forms import ConfirmForm
from webapp.ui.params import arg_choice, arg_text, paginate
from webapp.ui.views import show_domain_error

STATUSES = ("pending", "approved", "rejected", "inactive")


@bp.route("/organisasjoner")
def organisations():
    status = arg_choice("status", STATUSES)
    kind = arg_choice("kind", [k.value for k in OrganisationKind])
    query = arg_text("q")
    # Waiting registrations first: they are the admin's to-do list.
    waiting = Organisation.approved_at.is_(None) & Organisation.rejected_at.is_(None)
    stmt = select(Organisation).order_by(~waiting, Organisation.name, Organisation.id)
    if status == "pending":
        stmt = stmt.where(waiting)
    elif status == "approved":
        stmt = stmt.where(Organisation.approved_at.is_not(None))
    elif status == "rejected":
        stmt = stmt.where(Organisation.rejected_at.is_not(None))
    elif status == "inactive":
        stmt = stmt.where(Organisation.active.is_(False))
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    if query:
        pattern = f"%{query}%"
        stmt = stmt.where(
            or_(Organisation.name.ilike(pattern), Organisation.org_number.ilike(pattern))
        )
    page = paginate(stmt, per_page=PER_PAGE)
    return render_template("admin/organisations.html", page=page, status=status, kind=kind, q=query)


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


def _organisation(organisation_id: int) -> Organisation:
    return db.get_or_404(Organisation, organisation_id)


@bp.route("/organisasjoner/<int:organisation_id>")
def organisation_detail(organisation_id: int):
    organisation = _organisation(organisation_id)
    members = db.session.scalars(
        select(User).where(User.organisation_id == organisation.id).order_by(User.name, User.id)
    ).all()
    return render_template(
        "admin/organisation_detail.html",
        organisation=organisation,
        members=members,
        confirm=ConfirmForm(),
    )


def _back(organisation: Organisation):
    return redirect(url_for("admin.organisation_detail", organisation_id=organisation.id))


@bp.route("/organisasjoner/<int:organisation_id>/godkjenn", methods=["POST"])
def organisation_approve(organisation_id: int):
    organisation = _organisation(organisation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        decisions.approve(current_user, organisation)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(_("%(name)s er godkjent, og brukerne er varslet.", name=organisation.name), "success")
    return _back(organisation)


@bp.route("/organisasjoner/<int:organisation_id>/avvis", methods=["GET", "POST"])
def organisation_reject(organisation_id: int):
    """A page of its own: the reason is written to the employer, so it is asked for."""
    organisation = _organisation(organisation_id)
    if organisation.is_approved or organisation.rejected_at is not None:
        flash(_("Bare registreringer som venter, kan avvises."), "warning")
        return _back(organisation)
    form = RejectOrganisationForm()
    if form.validate_on_submit():
        try:
            decisions.reject(current_user, organisation, form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(
                _(
                    "Registreringen av %(name)s er avvist, og brukerne er varslet.",
                    name=organisation.name,
                ),
                "success",
            )
            return _back(organisation)
    return render_template("admin/organisation_reject.html", organisation=organisation, form=form)


@bp.route(
    "/organisasjoner/<int:organisation_id>/<any(deaktiver, aktiver):change>",
    methods=["GET", "POST"],
)
def organisation_set_active(organisation_id: int, change: str):
    """Deactivating asks on a confirmation page first; reactivating is a plain button."""
    organisation = _organisation(organisation_id)
    activate = change == "aktiver"
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            decisions.set_active(current_user, organisation, activate)
        except DomainError as error:
            flash(error.message, "danger")
        else:
            message = (
                _("%(name)s er aktivert igjen.")
                if activate
                else _("%(name)s er deaktivert. Brukerne er logget ut.")
            )
            flash(message % {"name": organisation.name}, "success")
        return _back(organisation)
    if activate:
        return _back(organisation)
    users = db.session.scalar(
        select(db.func.count()).select_from(User).where(User.organisation_id == organisation.id)
    )
    return render_template(
        "admin/organisation_deactivate.html", organisation=organisation, form=form, users=users
    )
