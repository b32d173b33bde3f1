"""Employers: home, company profile, workplaces (sites) and slots."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from webapp.auth.access import get_owned_or_404, role_required
from webapp.employer.forms import ProfileForm, SiteForm, SlotForm
from webapp.extensions import db
from webapp.models import (
    Placement,
    PlacementStatus,
    Role,
    Site,
    Slot,
    SlotStatus,
    Suggestion,
    SuggestionStatus,
)
from webapp.placements.views import add_placement_routes, proposal_card, record_contact_shown
from webapp.school.employer_views import add_school_routes, school_requests_waiting
from webapp.services import audit, proposals
from webapp.services import slots as slot_service
from webapp.services.errors import DomainError
from webapp.ui.decision_forms import AcceptForm, DeclineForm
from webapp.ui.forms import ConfirmForm
from webapp.ui.params import arg_choice, arg_text, paginate
from webapp.ui.views import flash_saved, show_domain_error

bp = Blueprint("employer", __name__)
PER_PAGE = 20


@bp.before_request
@role_required(Role.EMPLOYER)
def require_employer():
    """Every page here is for employers."""


@bp.route("/")
def home():
    organisation = current_user.organisation
    counts = dict(
        db.session.execute(
            select(Slot.status, func.count())
            .where(Slot.organisation_id == organisation.id)
            .group_by(Slot.status)
        ).all()
    )
    proposals_waiting = db.session.scalar(
        select(func.count())
        .select_from(Suggestion)
        .join(Slot, Slot.id == Suggestion.slot_id)
        .where(
            Slot.organisation_id == organisation.id,
            Suggestion.status == SuggestionStatus.PROPOSED,
        )
    )
    starting = db.session.scalars(
        select(Placement)
        .join(Slot, Slot.id == Placement.slot_id)
        .options(contains_eager(Placement.slot))
        .where(
            Slot.organisation_id == organisation.id,
            Placement.status == PlacementStatus.PLANNED,
        )
        .order_by(Placement.start_date)
        .limit(10)
    ).all()
    return render_template(
        "employer/home.html",
        organisation=organisation,
        counts=counts,
        proposals_waiting=proposals_waiting,
        starting=starting,
        school_requests_waiting=school_requests_waiting(organisation.id),
        has_sites=bool(slot_service.organisation_sites(organisation.id)),
    )


@bp.route("/virksomhet", methods=["GET", "POST"])
def profile():
    organisation = current_user.organisation
    form = ProfileForm(obj=organisation)
    if current_user.is_admin and form.validate_on_submit():
        try:
            slot_service.update_profile(
                current_user,
                organisation,
                name=form.name.data,
                contact_name=form.contact_name.data or "",
                contact_email=form.contact_email.data or "",
                contact_phone=form.contact_phone.data or "",
                description=form.description.data or "",
                open_to_schools=form.open_to_schools.data,
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash_saved()
            return redirect(url_for("employer.profile"))
    return render_template("employer/profile.html", form=form, organisation=organisation)


def _saved_site(form: SiteForm, site: Site | None) -> bool:
    """Save the site form (a new site when ``site`` is None); errors go next to their fields."""
    if not form.validate_on_submit():
        return False
    try:
        slot_service.save_site(
            current_user,
            site,
            name=form.name.data,
            address=form.address.data,
            postal_code=form.postal_code.data,
        )
    except DomainError as error:
        show_domain_error(form, error)
        return False
    return True


@bp.route("/steder", methods=["GET", "POST"])
def sites():
    form = SiteForm()
    if _saved_site(form, None):
        flash(_("Arbeidsstedet er lagt til."), "success")
        return redirect(url_for("employer.sites"))
    return render_template(
        "employer/sites.html",
        form=form,
        sites=slot_service.organisation_sites(current_user.organisation_id),
    )


@bp.route("/steder/<int:site_id>/endre", methods=["GET", "POST"])
def site_edit(site_id: int):
    site = get_owned_or_404(Site, site_id)
    form = SiteForm(obj=site)
    if _saved_site(form, site):
        flash_saved()
        return redirect(url_for("employer.sites"))
    return render_template("employer/site_edit.html", form=form, site=site)


@bp.route("/plasser")
def slots():
    status = arg_choice("status", [s.value for s in SlotStatus])
    query = arg_text("q")
    page = paginate(
        slot_service.employer_slots_query(current_user.organisation, status, query),
        per_page=PER_PAGE,
    )
    return render_template(
        "employer/slots.html",
        page=page,
        figures=slot_service.slot_figures(page.items),
        status=status,
        q=query,
        state_label=slot_service.state_label,
    )


def _slot_form(slot: Slot | None = None) -> SlotForm:
    sites = slot_service.organisation_sites(current_user.organisation_id)
    form = SlotForm(sites=sites)
    if slot is not None and request.method == "GET":
        form.fill_from(slot)
    elif slot is None and request.method == "GET":
        form.contact_name.data = current_user.name
    return form


@bp.route("/plasser/ny", methods=["GET", "POST"])
def slot_new():
    form = _slot_form()
    if form.validate_on_submit():
        try:
            slot = slot_service.create_slot(current_user, form.to_fields())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Plassen er lagret som utkast. Publiser den når den er klar."), "success")
            return redirect(url_for("employer.slot_detail", slot_id=slot.id))
    return render_template("employer/slot_form.html", form=form, slot=None)


@bp.route("/plasser/<int:slot_id>")
def slot_detail(slot_id: int):
    slot = get_owned_or_404(Slot, slot_id)
    return render_template(
        "employer/slot_detail.html",
        slot=slot,
        free=slot_service.free_capacity(slot),
        actions=slot_service.allowed_actions(slot),
        state_label=slot_service.state_label,
        confirm=ConfirmForm(),
    )


@bp.route("/plasser/<int:slot_id>/endre", methods=["GET", "POST"])
def slot_edit(slot_id: int):
    slot = get_owned_or_404(Slot, slot_id)
    form = _slot_form(slot)
    if form.validate_on_submit():
        try:
            slot_service.update_slot(current_user, slot, form.to_fields())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash_saved()
            return redirect(url_for("employer.slot_detail", slot_id=slot.id))
    return render_template("employer/slot_form.html", form=form, slot=slot)


@bp.route("/plasser/<int:slot_id>/kopier", methods=["POST"])
def slot_duplicate(slot_id: int):
    slot = get_owned_or_404(Slot, slot_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    copy = slot_service.duplicate_slot(current_user, slot)
    flash(_("Kopien er lagret som utkast."), "success")
    return redirect(url_for("employer.slot_edit", slot_id=copy.id))


@bp.route("/plasser/<int:slot_id>/lukk")
def slot_confirm_close(slot_id: int):
    """Closing cannot be undone, so it asks first."""
    slot = get_owned_or_404(Slot, slot_id)
    return render_template("employer/slot_close.html", slot=slot, confirm=ConfirmForm())


@bp.route("/plasser/<int:slot_id>/<any(publish, pause, reopen, close):action>", methods=["POST"])
def slot_change_state(slot_id: int, action: str):
    slot = get_owned_or_404(Slot, slot_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        slot_service.change_state(current_user, slot, action)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(_("Plassen er nå %(state)s.", state=slot_service.state_label(slot.status)), "success")
    return redirect(url_for("employer.slot_detail", slot_id=slot.id))


# --- proposals from caseworkers ----------------------------------------------------------------

EMPLOYER_SEES = (
    SuggestionStatus.PROPOSED,
    SuggestionStatus.ACCEPTED,
    SuggestionStatus.DECLINED,
)


def _own_proposal(suggestion_id: int) -> Suggestion:
    """A proposal to one of our slots; unproposed and withdrawn pairs do not exist for us."""
    suggestion = db.session.get(Suggestion, suggestion_id)
    if (
        suggestion is None
        or suggestion.slot.organisation_id != current_user.organisation_id
        or suggestion.status not in EMPLOYER_SEES
    ):
        abort(404)
    return suggestion


@bp.route("/forslag")
def inbox():
    status = arg_choice("status", ("proposed", "answered"), default="proposed")
    wanted = (
        [SuggestionStatus.PROPOSED]
        if status == "proposed"
        else [SuggestionStatus.ACCEPTED, SuggestionStatus.DECLINED]
    )
    stmt = (
        select(Suggestion)
        .join(Slot, Slot.id == Suggestion.slot_id)
        .options(contains_eager(Suggestion.slot))
        .where(Slot.organisation_id == current_user.organisation_id, Suggestion.status.in_(wanted))
        .order_by(Slot.title, Suggestion.answer_due, Suggestion.id)
    )
    page = paginate(stmt, per_page=PER_PAGE)
    return render_template("employer/inbox.html", page=page, status=status)


@bp.route("/forslag/<int:suggestion_id>")
def proposal(suggestion_id: int):
    suggestion = _own_proposal(suggestion_id)
    audit.record_view(
        current_user, "candidate.card_viewed", suggestion, candidate=suggestion.candidate_id
    )
    card = proposal_card(suggestion)
    record_contact_shown(card, suggestion)
    return render_template(
        "employer/proposal.html",
        suggestion=suggestion,
        card=card,
        accept_form=AcceptForm(),
        decline_form=DeclineForm(),
    )


@bp.route("/forslag/<int:suggestion_id>/godta", methods=["POST"])
def proposal_accept(suggestion_id: int):
    suggestion = _own_proposal(suggestion_id)
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            placement = proposals.accept(current_user, suggestion, form.start_date.data)
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(_("Dere har takket ja. Praksisplassen er planlagt."), "success")
            return redirect(url_for("employer.placement", placement_id=placement.id))
    else:
        errors = [str(e) for messages in form.errors.values() for e in messages]
        expired = _("Skjemaet var utløpt eller ugyldig. Last inn siden på nytt og prøv igjen.")
        flash(" ".join(errors) or expired, "danger")
    return redirect(url_for("employer.proposal", suggestion_id=suggestion_id))


@bp.route("/forslag/<int:suggestion_id>/avsla", methods=["POST"])
def proposal_decline(suggestion_id: int):
    suggestion = _own_proposal(suggestion_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            proposals.decline(current_user, suggestion, form.reason_code.data, form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Dere har takket nei. Veilederen får beskjed."), "success")
            return redirect(url_for("employer.inbox"))
    return render_template(
        "employer/proposal.html",
        suggestion=suggestion,
        card=proposal_card(suggestion),
        accept_form=AcceptForm(formdata=None),
        decline_form=form,
    ), 422


# --- placements --------------------------------------------------------------------------------

add_placement_routes(bp, "employer", Slot.organisation_id)
add_school_routes(bp)
