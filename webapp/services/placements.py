"""Placements: planned → active → completed | ended_early, each ending with an outcome."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import (
    Placement,
    PlacementOutcome,
    PlacementStatus,
    Role,
    User,
)
from webapp.services import audit, matchmaking, notifications, pseudonyms, webhooks
from webapp.services.errors import DomainError, NotAllowed

STARTING_SOON_DAYS = 3
FIRST_FOLLOW_UP_DAYS = 14
EARLY_START_REASON_MAX = 500
FOLLOW_UP_MAX_DAYS = 366

TRANSITIONS = {
    "start": ({PlacementStatus.PLANNED}, PlacementStatus.ACTIVE),
    "complete": ({PlacementStatus.ACTIVE}, PlacementStatus.COMPLETED),
    "end_early": ({PlacementStatus.PLANNED, PlacementStatus.ACTIVE}, PlacementStatus.ENDED_EARLY),
}
ENDINGS = {"complete", "end_early"}

OUTCOMES = {
    PlacementOutcome.EMPLOYMENT: _l("Fast eller midlertidig jobb"),
    PlacementOutcome.APPRENTICESHIP_CONTRACT: _l("Lærekontrakt"),
    PlacementOutcome.EDUCATION: _l("Utdanning"),
    PlacementOutcome.FURTHER_TRAINING: _l("Videre tiltak eller opplæring"),
    PlacementOutcome.NONE: _l("Ingen overgang"),
    PlacementOutcome.OTHER: _l("Annet"),
}
STATUS_LABELS = {
    PlacementStatus.PLANNED: _l("planlagt"),
    PlacementStatus.ACTIVE: _l("pågår"),
    PlacementStatus.COMPLETED: _l("fullført"),
    PlacementStatus.ENDED_EARLY: _l("avsluttet tidlig"),
}


def may_follow(user: User, placement: Placement) -> bool:
    """The candidate's caseworkers and the slot's employer follow a placement."""
    if user.role == Role.CASEWORKER:
        return placement.candidate.organisation_id == user.organisation_id
    if user.role == Role.EMPLOYER:
        return placement.slot.organisation_id == user.organisation_id
    return False


def change_state(
    user: User,
    placement: Placement,
    action: str,
    *,
    outcome: str | None = None,
    notes: str = "",
    early_start_reason: str = "",
    today: date | None = None,
) -> None:
    """Move a placement on. Starting before its start date needs a reason (kept in the audit
    trail); completing it sets its end date to the day it ended."""
    today = today or date.today()
    if not may_follow(user, placement):
        raise NotAllowed(_("Du har ikke tilgang til denne praksisplassen."))
    if action not in TRANSITIONS:
        raise DomainError(_("Ukjent handling."))
    sources, target = TRANSITIONS[action]
    if placement.status not in sources:
        raise DomainError(
            _(
                "Praksisplassen er %(state)s og kan ikke endres slik.",
                state=STATUS_LABELS[placement.status],
            )
        )
    if action in ENDINGS:
        if outcome not in set(PlacementOutcome):
            raise DomainError(_("Velg utfallet av praksisplassen."), "outcome")
        placement.outcome = outcome
        # Ended on the day it is recorded, unless the planned end has already passed.
        if placement.end_date is None or placement.end_date > today or action == "end_early":
            placement.end_date = today
        placement.follow_up_date = None
    early_start = None
    if action == "start":
        if placement.start_date and placement.start_date > today:
            early_start = early_start_reason.strip()[:EARLY_START_REASON_MAX]
            if not early_start:
                raise DomainError(
                    _(
                        "Praksisplassen skal starte %(date)s. Skriv hvorfor den starter tidligere.",
                        date=placement.start_date.strftime("%d.%m.%Y"),
                    ),
                    "early_start_reason",
                )
            placement.start_date = today
        placement.start_date = placement.start_date or today
        placement.follow_up_date = today + timedelta(days=FIRST_FOLLOW_UP_DAYS)
    if notes.strip():
        placement.notes = (placement.notes + "\n" if placement.notes else "") + notes.strip()[:2000]
    before = placement.status
    placement.status = target
    extra = {"early_start_reason": early_start} if early_start else {}
    audit.record(
        user,
        f"placement.{action}",
        placement,
        before=before,
        after=str(target),
        outcome=outcome,
        **extra,
    )
    webhooks.placement_changed(placement)
    db.session.commit()
    if action in ENDINGS:  # the place is free again
        matchmaking.refresh_after_save(slot=placement.slot)


def set_follow_up(user: User, placement: Placement, when: date | None) -> None:
    if not may_follow(user, placement):
        raise NotAllowed(_("Du har ikke tilgang til denne praksisplassen."))
    if placement.status != PlacementStatus.ACTIVE:
        raise DomainError(_("Bare pågående praksisplasser følges opp."))
    today = date.today()
    if when is not None and not today <= when <= today + timedelta(days=FOLLOW_UP_MAX_DAYS):
        raise DomainError(_("Velg en dato fra i dag og høyst ett år fram i tid."), "follow_up_date")
    placement.follow_up_date = when
    audit.record(user, "placement.follow_up_set", placement, date=str(when))
    db.session.commit()


def send_reminders(today: date | None = None) -> dict[str, int]:
    """Placements starting in a few days, and follow-ups due: tell the people involved."""
    today = today or date.today()
    starting = db.session.scalars(
        select(Placement).where(
            Placement.status == PlacementStatus.PLANNED,
            Placement.start_date == today + timedelta(days=STARTING_SOON_DAYS),
        )
    ).all()
    for placement in starting:
        # The caseworker knows the candidate by reference code; the employer only by pseudonym.
        notifications.notify(
            notifications.caseworker_users(placement.candidate),
            "placement_starting",
            link=notifications.link("caseworker.placement", placement_id=placement.id),
            candidate=placement.candidate.reference_code,
            slot=placement.slot.title,
            start=placement.start_date.isoformat(),
        )
        notifications.notify(
            notifications.employer_users(placement.slot),
            "placement_starting_employer",
            link=notifications.link("employer.placement", placement_id=placement.id),
            number=pseudonyms.of_placement(placement),
            slot=placement.slot.title,
            start=placement.start_date.isoformat(),
        )
    follow_ups = db.session.scalars(
        select(Placement).where(
            Placement.status == PlacementStatus.ACTIVE, Placement.follow_up_date == today
        )
    ).all()
    for placement in follow_ups:
        notifications.notify(
            notifications.caseworker_users(placement.candidate),
            "followup_due",
            link=notifications.link("caseworker.placement", placement_id=placement.id),
            candidate=placement.candidate.reference_code,
            slot=placement.slot.title,
            date=today.isoformat(),
        )
    db.session.commit()
    return {"starting": len(starting), "follow_ups": len(follow_ups)}
