"""Placement pages shared by the caseworker and employer blueprints."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from webapp.extensions import db
from webapp.models import Candidate, Placement, PlacementStatus, Slot, Suggestion, SuggestionStatus
from webapp.services import audit, pseudonyms
from webapp.services import placements as placement_service
from webapp.services.errors import DomainError
from webapp.services.work_queue import PLACEMENT_QUEUES, placement_condition
from webapp.ui.decision_forms import EndPlacementForm, FollowUpForm, StartPlacementForm
from webapp.ui.match_text import explanation
from webapp.ui.params import arg_choice, paginate

PER_PAGE = 20
FINISHED = (PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY)


# One whole sentence per action: "er nå %(state)s" read "er nå pågår" for a started placement.
PLACEMENT_DONE = {
    "start": lambda: _("Praksisplassen er startet."),
    "complete": lambda: _("Praksisplassen er fullført."),
    "end_early": lambda: _("Praksisplassen er avsluttet før tiden."),
}


# Reasons an employer may read: about the slot's needs, never the candidate's home or texts.
CARD_REASONS = ("occupation_match", "occupation_concept", "shared_skills", "hours_fit", "start_fit")


def proposal_card(suggestion: Suggestion) -> dict | None:
    """What an employer may see of a proposed candidate: only what the match needs.

    Never the name, notes, programme or other proposals; nothing at all without consent. Once
    the employer has said yes, ``contact`` adds the candidate's first name and how to reach the
    caseworker: what the two need to arrange the start (the consent covers sharing the profile
    with this employer; withdrawing it hides the card, contact included).
    """
    candidate = suggestion.candidate
    if not candidate.has_consent:
        return None
    slot = suggestion.slot
    offered = {a.code for a in slot.adaptations}
    caseworker = suggestion.proposed_by or candidate.caseworker
    contact = None
    if suggestion.status == SuggestionStatus.ACCEPTED:
        contact = {
            "first_name": (candidate.display_name or "").split(" ")[0],
            "caseworker_name": caseworker.name if caseworker else "",
            "email": caseworker.email if caseworker else "",
            "phone": candidate.organisation.contact_phone or "",
        }
    return {
        "pseudonym": _("Kandidat %(name)s", name=pseudonyms.of_suggestion(suggestion.id)),
        "skills": [s.label for s in candidate.skills],
        "shared_skills": [s.label for s in candidate.skills if s in slot.skills],
        "norwegian_level": candidate.norwegian_level,
        "hours_per_week": candidate.hours_per_week,
        "available_from": candidate.available_from,
        "adaptations": [a.label for a in candidate.adaptation_needs if a.code in offered],
        "caseworker": caseworker,
        "organisation": candidate.organisation.name,
        "note": suggestion.employer_note or "",
        "why": explanation([r for r in suggestion.reasons or [] if r.get("key") in CARD_REASONS]),
        "contact": contact,
    }


def record_contact_shown(card: dict | None, suggestion: Suggestion) -> None:
    """Audit each time an employer is shown a candidate's first name and the contact details."""
    if card and card["contact"]:
        audit.record_view(
            current_user, "candidate.contact_shown", suggestion, candidate=suggestion.candidate_id
        )


def add_placement_routes(bp, side: str, owner_column) -> None:
    """The placement pages of one side. ``owner_column`` is the organisation that follows them:
    ``Slot.organisation_id`` for employers, ``Candidate.organisation_id`` for caseworkers."""

    def owned(placement_id: int) -> Placement:
        placement = db.session.get(Placement, placement_id)
        # Another organisation's placement answers 404, so its existence does not leak.
        if placement is None or not placement_service.may_follow(current_user, placement):
            abort(404)
        return placement

    @bp.route("/praksis", endpoint="placements")
    def placements_list():
        stmt = (
            select(Placement)
            .join(Slot, Slot.id == Placement.slot_id)
            .join(Candidate, Candidate.id == Placement.candidate_id)
            .options(contains_eager(Placement.slot), contains_eager(Placement.candidate))
            .where(owner_column == current_user.organisation_id)
            .order_by(Placement.status.in_(FINISHED), Placement.start_date, Placement.id)
        )
        # The caseworker's work queue links here with ?vis=<queue> for one queue's placements.
        queue = arg_choice("vis", PLACEMENT_QUEUES) if side == "caseworker" else ""
        if queue:
            stmt = stmt.where(placement_condition(queue, date.today()))
        page = paginate(stmt, per_page=PER_PAGE)
        return render_template(
            "placements/list.html",
            page=page,
            endpoint=f"{side}.placement",
            list_endpoint=f"{side}.placements",
            queue=queue,
            queue_label=PLACEMENT_QUEUES.get(queue),
        )

    @bp.route("/praksis/<int:placement_id>", endpoint="placement")
    def placement_detail(placement_id: int):
        placement = owned(placement_id)
        audit.record_view(current_user, "placement.viewed", placement, side=side)
        return placement_page(placement, side)

    @bp.route(
        "/praksis/<int:placement_id>/<any(start, complete, end_early):action>",
        methods=["POST"],
        endpoint="placement_change_state",
    )
    def placement_change_state(placement_id: int, action: str):
        return placement_action(owned(placement_id), action, side)

    if side == "caseworker":  # follow-up dates are the caseworker's

        @bp.route(
            "/praksis/<int:placement_id>/oppfolging",
            methods=["POST"],
            endpoint="placement_follow_up",
        )
        def placement_follow_up(placement_id: int):
            return follow_up(owned(placement_id), side)


def placement_page(placement: Placement, side: str):
    card = None
    if placement.suggestion and side == "employer":
        card = proposal_card(placement.suggestion)
        record_contact_shown(card, placement.suggestion)
    end_form = EndPlacementForm()
    start_form = StartPlacementForm()
    follow_form = FollowUpForm(follow_up_date=placement.follow_up_date)
    return render_template(
        "placements/detail.html",
        placement=placement,
        side=side,
        end_form=end_form,
        start_form=start_form,
        starts_early=placement.start_date is not None and placement.start_date > date.today(),
        follow_form=follow_form,
        status_labels=placement_service.STATUS_LABELS,
        outcomes=placement_service.OUTCOMES,
        card=card,
    )


def placement_action(placement: Placement, action: str, side: str):
    ending = action in placement_service.ENDINGS
    form = EndPlacementForm() if ending else StartPlacementForm()
    if not form.validate_on_submit():
        errors = [str(e) for messages in form.errors.values() for e in messages]
        flash(" ".join(errors) or _("Velg utfallet av praksisplassen."), "danger")
        return redirect(url_for(f"{side}.placement", placement_id=placement.id))
    try:
        placement_service.change_state(
            current_user,
            placement,
            action,
            outcome=form.outcome.data if ending else None,
            notes=form.notes.data if ending else "",
            early_start_reason="" if ending else form.early_start_reason.data or "",
        )
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(PLACEMENT_DONE[action](), "success")
    return redirect(url_for(f"{side}.placement", placement_id=placement.id))


def follow_up(placement: Placement, side: str):
    form = FollowUpForm()
    if not form.validate_on_submit():
        flash(" ".join(map(str, form.follow_up_date.errors)) or _("Velg en dato."), "danger")
        return redirect(url_for(f"{side}.placement", placement_id=placement.id))
    try:
        placement_service.set_follow_up(current_user, placement, form.follow_up_date.data)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(_("Oppfølgingsdatoen er lagret."), "success")
    return redirect(url_for(f"{side}.placement", placement_id=placement.id))
