"""From suggestion to placement: the decisions people make on the engine's suggestions.

suggested → approved | rejected (caseworker); approved → proposed (needs consent);
proposed → accepted | declined (employer) or withdrawn (caseworker). Accepting creates a
placement and never pushes a slot past its capacity, also when people press at the same moment.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import (
    Candidate,
    Placement,
    PlacementStatus,
    Role,
    Slot,
    Suggestion,
    SuggestionStatus,
    User,
    utcnow,
)
from webapp.services import (
    agreements,
    audit,
    live_matching,
    matchmaking,
    notifications,
    webhooks,
)
from webapp.services.capacity import taken_places
from webapp.services.errors import DomainError, NotAllowed
from webapp.services.limits import DATE_MAX, DATE_MIN

ANSWER_DAYS = 7
EMPLOYER_NOTE_MAX = 500
REMIND_DAYS_BEFORE = 2

REJECT_REASONS = {
    "not_relevant": _l("Ikke relevant"),
    "too_far": _l("For langt unna"),
    "wrong_level": _l("Feil nivå"),
    "candidate_not_interested": _l("Kandidaten er ikke interessert"),
    "other": _l("Annet"),
}
DECLINE_REASONS = {
    "no_capacity": _l("Ikke kapasitet"),
    "profile_not_suitable": _l("Profilen passer ikke"),
    "timing": _l("Tidspunktet passer ikke"),
    "other": _l("Annet"),
}
EXPIRED = "expired"


class SlotFull(DomainError):
    pass


# --- who may act -----------------------------------------------------------------------------


def _require_caseworker_of(user: User, suggestion: Suggestion) -> None:
    if user.role != Role.CASEWORKER or suggestion.candidate.organisation_id != user.organisation_id:
        raise NotAllowed(_("Du har ikke tilgang til denne kandidaten."))


def _require_employer_of(user: User, suggestion: Suggestion) -> None:
    if user.role != Role.EMPLOYER or suggestion.slot.organisation_id != user.organisation_id:
        raise NotAllowed(_("Du har ikke tilgang til dette forslaget."))


def _require_status(suggestion: Suggestion, *allowed: SuggestionStatus) -> None:
    if suggestion.status not in allowed:
        raise DomainError(
            _(
                "Forslaget har status «%(state)s» og kan ikke endres slik.",
                state=status_label(suggestion.status),
            )
        )


def _reason(codes: dict, code: str | None, text: str) -> tuple[str, str]:
    if code not in codes:
        raise DomainError(_("Velg en begrunnelse."), "reason_code")
    text = (text or "").strip()
    if code == "other" and not text:
        raise DomainError(_("Skriv en begrunnelse når du velger «Annet»."), "reason")
    return code, text[:1000]


def _remember_versions(suggestion: Suggestion) -> None:
    # A rejected or declined pair returns only after one side changes (see suggestion_store).
    suggestion.candidate_changed_at = suggestion.candidate.updated_at
    suggestion.slot_changed_at = suggestion.slot.updated_at


# --- caseworker decisions --------------------------------------------------------------------


def _require_rules_hold_now(suggestion: Suggestion) -> None:
    # The hard rules as they hold now, not as they held when the pair was suggested (a slot
    # closed or filled since, or a refresh still queued, must not slip through).
    blockers = live_matching.pair_blockers(suggestion.candidate, suggestion.slot)
    if blockers:
        raise DomainError(live_matching.blocker_text(blockers))


def approve(user: User, suggestion: Suggestion) -> None:
    _require_caseworker_of(user, suggestion)
    _require_status(suggestion, SuggestionStatus.SUGGESTED)
    _require_rules_hold_now(suggestion)
    suggestion.status = SuggestionStatus.APPROVED
    suggestion.decided_by_id, suggestion.decided_at = user.id, utcnow()
    audit.record(user, "suggestion.approved", suggestion)
    db.session.commit()


def reject(user: User, suggestion: Suggestion, reason_code: str | None, reason: str = "") -> None:
    _require_caseworker_of(user, suggestion)
    _require_status(suggestion, SuggestionStatus.SUGGESTED, SuggestionStatus.APPROVED)
    code, text = _reason(REJECT_REASONS, reason_code, reason)
    suggestion.status = SuggestionStatus.REJECTED
    suggestion.decided_by_id, suggestion.decided_at = user.id, utcnow()
    suggestion.reason_code, suggestion.reason = code, text
    _remember_versions(suggestion)
    audit.record(user, "suggestion.rejected", suggestion, reason_code=code, reason=text)
    db.session.commit()


def propose(
    user: User,
    suggestion: Suggestion,
    *,
    answer_days: int = ANSWER_DAYS,
    employer_note: str | None = None,
) -> None:
    """Send an approved match to the employer: only with the candidate's consent in force.

    ``employer_note`` is the caseworker's short note for the employer, shown on the card.
    """
    _require_caseworker_of(user, suggestion)
    _require_status(suggestion, SuggestionStatus.APPROVED)
    candidate, slot = suggestion.candidate, suggestion.slot
    _require_rules_hold_now(suggestion)
    if not candidate.has_consent:
        raise DomainError(_("Kandidaten har ikke gitt samtykke. Registrer samtykke først."))
    note = (employer_note or "").strip()
    if len(note) > EMPLOYER_NOTE_MAX:
        raise DomainError(
            _("Notatet kan være høyst %(n)d tegn.", n=EMPLOYER_NOTE_MAX), "employer_note"
        )
    suggestion.status = SuggestionStatus.PROPOSED
    suggestion.employer_note = note or None
    suggestion.proposed_at, suggestion.proposed_by_id = utcnow(), user.id
    suggestion.answer_due = date.today() + timedelta(days=answer_days)
    audit.record(user, "suggestion.proposed", suggestion, answer_due=str(suggestion.answer_due))
    notifications.notify(
        notifications.employer_users(slot),
        "proposal_new",
        link=notifications.link("employer.proposal", suggestion_id=suggestion.id),
        slot=slot.title,
        due=suggestion.answer_due.isoformat(),
    )
    db.session.commit()


def withdraw(user: User, suggestion: Suggestion, reason: str = "") -> None:
    _require_caseworker_of(user, suggestion)
    _require_status(suggestion, SuggestionStatus.PROPOSED)
    _withdraw(user, suggestion, reason)
    db.session.commit()


def _withdraw(
    actor: User | None, suggestion: Suggestion, reason: str, reason_code: str | None = None
) -> None:
    suggestion.status = SuggestionStatus.WITHDRAWN
    suggestion.reason = (reason or "").strip()[:1000]
    suggestion.reason_code = reason_code
    suggestion.decided_by_id = actor.id if actor else None
    suggestion.decided_at = utcnow()
    audit.record(actor, "suggestion.withdrawn", suggestion, reason=reason_code or suggestion.reason)
    notifications.notify(
        notifications.employer_users(suggestion.slot),
        "proposal_withdrawn",
        link=notifications.link("employer.inbox"),
        slot=suggestion.slot.title,
    )


def withdraw_pending_for(actor: User, candidate: Candidate) -> int:
    """Consent withdrawn: every proposal still waiting is withdrawn at once (caller commits)."""
    pending = db.session.scalars(
        select(Suggestion).where(
            Suggestion.candidate_id == candidate.id,
            Suggestion.status == SuggestionStatus.PROPOSED,
        )
    ).all()
    for suggestion in pending:
        _withdraw(actor, suggestion, "", reason_code="consent_withdrawn")
    return len(pending)


# --- employer answers ------------------------------------------------------------------------


def _lock_slot(slot_id: int) -> None:
    """Serialise acceptances on one slot: a row lock on PostgreSQL, a write lock on SQLite."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(select(Slot.id).where(Slot.id == slot_id).with_for_update())
    elif connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:  # an open write transaction already holds the lock
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _start_within_slot(slot: Slot, start_date: date | None) -> date | None:
    """The placement's start: the slot's, or a day the employer chose within the slot's period."""
    if start_date is None:
        return slot.start_date
    too_early = slot.start_date is not None and start_date < slot.start_date
    too_late = slot.end_date is not None and start_date >= slot.end_date
    if too_early or too_late or not DATE_MIN <= start_date <= DATE_MAX:
        first = slot.start_date or DATE_MIN
        last = slot.end_date - timedelta(days=1) if slot.end_date else DATE_MAX
        raise DomainError(
            _(
                "Velg en startdato i plassens periode, fra %(first)s til %(last)s.",
                first=first.strftime("%d.%m.%Y"),
                last=last.strftime("%d.%m.%Y"),
            ),
            "start_date",
        )
    return start_date


def accept(user: User, suggestion: Suggestion, start_date: date | None = None) -> Placement:
    """Accept a proposal: a planned placement, unless the slot is full or consent is gone."""
    _require_employer_of(user, suggestion)
    slot_id = suggestion.slot_id
    try:
        _lock_slot(slot_id)
        db.session.refresh(suggestion)  # what others committed before we held the lock
        slot = db.session.get(Slot, slot_id, populate_existing=True)
        _require_status(suggestion, SuggestionStatus.PROPOSED)
        candidate = suggestion.candidate
        db.session.refresh(candidate)
        if not candidate.has_consent:
            raise DomainError(_("Kandidaten har trukket samtykket. Forslaget kan ikke godtas."))
        start_date = _start_within_slot(slot, start_date)
        taken = taken_places([slot_id]).get(slot_id, 0)
        if taken >= slot.capacity:
            raise SlotFull(_("Plassen er full. Alle %(n)d plassene er tatt.", n=slot.capacity))
        blockers = live_matching.pair_blockers(candidate, slot, taken)
        if blockers:
            raise DomainError(
                _("Forslaget kan ikke godtas nå:") + " " + live_matching.blocker_text(blockers)
            )
        suggestion.status = SuggestionStatus.ACCEPTED
        suggestion.answered_by_id, suggestion.answered_at = user.id, utcnow()
        placement = Placement(
            suggestion_id=suggestion.id,
            candidate_id=candidate.id,
            slot_id=slot_id,
            start_date=start_date,
            end_date=slot.end_date,
            status=PlacementStatus.PLANNED,
        )
        db.session.add(placement)
        db.session.flush()
        audit.record(user, "suggestion.accepted", suggestion, placement=placement.id)
        audit.record(user, "placement.created", placement)
        agreements.create_for(placement, user)  # the written agreement starts as a draft
        webhooks.proposal_answered(suggestion, "accepted", placement)
        webhooks.placement_changed(placement)
        notifications.notify(
            notifications.caseworker_users(candidate),
            "proposal_accepted",
            link=notifications.link("caseworker.placement", placement_id=placement.id),
            candidate=candidate.reference_code,
            slot=slot.title,
        )
        db.session.commit()
    except DomainError:
        db.session.rollback()
        raise
    matchmaking.refresh_after_save(slot=slot)  # one place fewer: full slots leave the lists
    return placement


def decline(user: User, suggestion: Suggestion, reason_code: str | None, reason: str = "") -> None:
    _require_employer_of(user, suggestion)
    _require_status(suggestion, SuggestionStatus.PROPOSED)
    code, text = _reason(DECLINE_REASONS, reason_code, reason)
    _answer_no(user, suggestion, code, text)
    db.session.commit()


def _answer_no(user: User | None, suggestion: Suggestion, code: str, text: str) -> None:
    suggestion.status = SuggestionStatus.DECLINED
    suggestion.answered_by_id = user.id if user else None
    suggestion.answered_at = utcnow()
    suggestion.answer_reason_code, suggestion.answer_reason = code, text
    _remember_versions(suggestion)
    audit.record(user, "suggestion.declined", suggestion, reason_code=code, reason=text)
    webhooks.proposal_answered(suggestion, "declined" if code != EXPIRED else "expired")
    notifications.notify(
        notifications.caseworker_users(suggestion.candidate),
        "proposal_declined" if code != EXPIRED else "proposal_expired",
        link=notifications.link(
            "caseworker.candidate_detail", candidate_id=suggestion.candidate_id
        ),
        candidate=suggestion.candidate.reference_code,
        slot=suggestion.slot.title,
    )


# --- scheduled work --------------------------------------------------------------------------


def remind_and_expire(today: date | None = None) -> dict[str, int]:
    """Remind employers of answers due soon; expire proposals past their deadline."""
    today = today or date.today()
    soon = today + timedelta(days=REMIND_DAYS_BEFORE)
    due_soon = db.session.scalars(
        select(Suggestion).where(
            Suggestion.status == SuggestionStatus.PROPOSED,
            Suggestion.reminded_at.is_(None),
            Suggestion.answer_due >= today,
            Suggestion.answer_due <= soon,
        )
    ).all()
    for suggestion in due_soon:
        suggestion.reminded_at = utcnow()
        audit.record(None, "suggestion.reminded", suggestion)
        notifications.notify(
            notifications.employer_users(suggestion.slot),
            "deadline_near",
            link=notifications.link("employer.proposal", suggestion_id=suggestion.id),
            slot=suggestion.slot.title,
            due=suggestion.answer_due.isoformat(),
        )
    overdue = db.session.scalars(
        select(Suggestion).where(
            Suggestion.status == SuggestionStatus.PROPOSED, Suggestion.answer_due < today
        )
    ).all()
    for suggestion in overdue:
        _answer_no(None, suggestion, EXPIRED, "")
    db.session.commit()
    return {"reminded": len(due_soon), "expired": len(overdue)}


def status_label(status: str) -> str:
    return str(
        {
            SuggestionStatus.SUGGESTED: _l("foreslått av systemet"),
            SuggestionStatus.APPROVED: _l("godkjent"),
            SuggestionStatus.REJECTED: _l("avvist"),
            SuggestionStatus.PROPOSED: _l("sendt til arbeidsgiver"),
            SuggestionStatus.ACCEPTED: _l("takket ja"),
            SuggestionStatus.DECLINED: _l("takket nei"),
            SuggestionStatus.WITHDRAWN: _l("trukket tilbake"),
            SuggestionStatus.OBSOLETE: _l("ikke lenger aktuelt"),
        }.get(status, status)
    )
