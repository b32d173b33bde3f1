"""Caseworkers decide on the engine's suggestions and follow placements.

Registered on the caseworker blueprint (imported by ``webapp.caseworker``), so the same
before-request role check guards every route here.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from webapp.auth.access import get_owned_or_404
from webapp.caseworker.routes import bp
from webapp.extensions import db
from webapp.models import Candidate, Slot, Suggestion, SuggestionStatus
from webapp.placements.views import add_placement_routes
from webapp.services import candidates, live_matching, matchmaking, proposals, why_not
from webapp.services import slots as slot_service
from webapp.services.errors import DomainError
from webapp.ui.decision_forms import ProposeForm, RejectForm
from webapp.ui.forms import ConfirmForm
from webapp.ui.match_text import explanation, factor_lines, headline
from webapp.ui.params import arg_text
from webapp.ui.views import show_domain_error

PER_PAGE = 20
# Waiting decisions first, then what is under way, then what is settled.
STATUS_ORDER = case(
    {
        SuggestionStatus.PROPOSED: 0,
        SuggestionStatus.APPROVED: 1,
        SuggestionStatus.SUGGESTED: 2,
        SuggestionStatus.ACCEPTED: 3,
    },
    value=Suggestion.status,
    else_=4,
)


def _own_suggestion(suggestion_id: int) -> Suggestion:
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None or suggestion.candidate.organisation_id != current_user.organisation_id:
        abort(404)
    return suggestion


def _visible_slot(slot_id: int) -> Slot:
    slot = db.session.get(Slot, slot_id)
    if slot is None or not slot_service.is_visible_to_others(slot):
        abort(404)
    return slot


@bp.route("/kandidater/<int:candidate_id>/forslag")
def candidate_suggestions(candidate_id: int):
    candidate = get_owned_or_404(Candidate, candidate_id)
    candidates.record_view(current_user, candidate, page="suggestions")
    rows = db.session.scalars(
        select(Suggestion)
        .options(joinedload(Suggestion.slot).joinedload(Slot.organisation))
        .where(Suggestion.candidate_id == candidate.id)
        .order_by(STATUS_ORDER, Suggestion.score.desc())
    ).all()
    open_rows = [s for s in rows if s.status != SuggestionStatus.OBSOLETE]
    blocked = live_matching.blocked_suggestions(open_rows)
    # Suggested pairs a hard rule blocks now are hidden; like obsolete ones, the page says why.
    suggestions = [
        s for s in open_rows if not (s.status == SuggestionStatus.SUGGESTED and s.id in blocked)
    ]
    gone = [
        (s, blocked.get(s.id) or [s.reason_code])
        for s in rows
        if s.status == SuggestionStatus.OBSOLETE
        or (s.status == SuggestionStatus.SUGGESTED and s.id in blocked)
    ]
    why_not_query = arg_text("hvorfor", max_length=80)
    try:
        verdicts = why_not.why_not(candidate, why_not_query)
    except DomainError as error:
        verdicts, why_not_error = [], error.message
    else:
        why_not_error = None
    return render_template(
        "caseworker/suggestions.html",
        candidate=candidate,
        suggestions=suggestions,
        why_not_query=why_not_query,
        verdicts=verdicts,
        why_not_error=why_not_error,
        suggested_slots={s.slot_id: s for s in rows},
        blocked=blocked,
        gone=gone,
        blocker_text=live_matching.blocker_text,
        updating=live_matching.updating(),
        explanation=explanation,
        headline=headline,
        factor_lines=factor_lines,
        max_km=candidate.max_commute_km,
        status_label=proposals.status_label,
        reject_reasons=proposals.REJECT_REASONS,
        decline_reasons=proposals.DECLINE_REASONS,
        confirm=ConfirmForm(),
        has_model=matchmaking.latest_version() is not None,
    )


@bp.route("/kandidater/<int:candidate_id>/forslag/oppdater", methods=["POST"])
def candidate_suggestions_refresh(candidate_id: int):
    candidate = get_owned_or_404(Candidate, candidate_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = matchmaking.refresh_for_candidate(candidate)
    flash(_("Forslagene er oppdatert (%(n)d).", n=count), "success")
    return redirect(url_for("caseworker.candidate_suggestions", candidate_id=candidate.id))


ACTIONS = {
    "approve": (
        proposals.approve,
        _l("Forslaget er godkjent. Du kan nå sende det til arbeidsgiveren."),
    ),
    "propose": (proposals.propose, _l("Forslaget er sendt til arbeidsgiveren.")),
    "withdraw": (proposals.withdraw, _l("Forslaget er trukket tilbake.")),
}


@bp.route("/forslag/<int:suggestion_id>/<any(approve, propose, withdraw):action>", methods=["POST"])
def suggestion_action(suggestion_id: int, action: str):
    suggestion = _own_suggestion(suggestion_id)
    form = ProposeForm() if action == "propose" else ConfirmForm()
    if not form.validate_on_submit():
        if not form.errors.keys() - {"employer_note"}:  # only the note: say what is wrong
            flash(" ".join(map(str, form.errors["employer_note"])), "danger")
            return redirect(_card_url(suggestion))
        abort(400)
    service, message = ACTIONS[action]
    extra = {"employer_note": form.employer_note.data} if action == "propose" else {}
    try:
        service(current_user, suggestion, **extra)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(str(message), "success")
    return redirect(_card_url(suggestion))


def _card_url(suggestion: Suggestion) -> str:
    return (
        url_for("caseworker.candidate_suggestions", candidate_id=suggestion.candidate_id)
        + f"#suggestion-{suggestion.id}"
    )


@bp.route("/forslag/<int:suggestion_id>/avvis", methods=["GET", "POST"])
def suggestion_reject(suggestion_id: int):
    suggestion = _own_suggestion(suggestion_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            proposals.reject(current_user, suggestion, form.reason_code.data, form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Forslaget er avvist."), "success")
            return redirect(
                url_for("caseworker.candidate_suggestions", candidate_id=suggestion.candidate_id)
            )
    return render_template("caseworker/reject.html", suggestion=suggestion, form=form)


@bp.route("/plasser/<int:slot_id>/kandidater")
def slot_candidates(slot_id: int):
    slot = _visible_slot(slot_id)
    ranked = matchmaking.rank_own_candidates(slot, current_user.organisation_id)
    return render_template(
        "caseworker/slot_candidates.html",
        slot=slot,
        ranked=ranked,
        explanation=explanation,
        headline=headline,
        confirm=ConfirmForm(),
        has_model=matchmaking.latest_version() is not None,
    )


@bp.route("/plasser/<int:slot_id>/kandidater/<int:candidate_id>", methods=["POST"])
def slot_candidate_pick(slot_id: int, candidate_id: int):
    """Take a ranked candidate for this slot into the candidate's suggestions, approved."""
    slot = _visible_slot(slot_id)
    candidate = get_owned_or_404(Candidate, candidate_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        suggestion = matchmaking.suggestion_for(candidate, slot)
        if suggestion.status == SuggestionStatus.SUGGESTED:
            proposals.approve(current_user, suggestion)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("caseworker.slot_candidates", slot_id=slot.id))
    flash(_("Matchen er godkjent og ligger under kandidatens forslag."), "success")
    return redirect(
        url_for("caseworker.candidate_suggestions", candidate_id=candidate.id)
        + f"#suggestion-{suggestion.id}"
    )


# --- placements --------------------------------------------------------------------------------

add_placement_routes(bp, "caseworker", Candidate.organisation_id)
