"""A candidate's own history as decisions in words, for the caseworker's candidate page.

Registered, consent given or withdrawn, suggestions approved or rejected, proposals and the
employer's answers, placements started and ended: read from the audit log about the candidate,
their suggestions and their placements. Looks (``candidate.viewed`` and the like) are left out
here; they stay in the administrators' audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, or_, select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import AuditEvent, Candidate, Placement, Slot, Suggestion, User
from webapp.services.proposals import DECLINE_REASONS, EXPIRED, REJECT_REASONS

TIMELINE_LIMIT = 100

#: action → the words, with ``%(slot)s`` for the slot's title where there is one.
WORDS = {
    "candidate.created": _l("Registrert"),
    "candidate.consent_given": _l("Samtykke registrert"),
    "candidate.consent_withdrawn": _l("Samtykket trukket tilbake"),
    "candidate.updated": _l("Opplysningene endret"),
    "candidate.paused": _l("Satt på pause"),
    "candidate.reactivated": _l("Aktiv igjen"),
    "candidate.archived": _l("Arkivert"),
    "suggestion.approved": _l("Matchforslaget «%(slot)s» godkjent"),
    "suggestion.rejected": _l("Matchforslaget «%(slot)s» avvist"),
    "suggestion.proposed": _l("Foreslått for arbeidsgiveren: «%(slot)s»"),
    "suggestion.withdrawn": _l("Forslaget til «%(slot)s» trukket tilbake"),
    "suggestion.accepted": _l("Arbeidsgiveren takket ja til «%(slot)s»"),
    "suggestion.declined": _l("Arbeidsgiveren takket nei til «%(slot)s»"),
    "placement.start": _l("Praksisplassen i «%(slot)s» startet"),
    "placement.complete": _l("Praksisplassen i «%(slot)s» fullført"),
    "placement.end_early": _l("Praksisplassen i «%(slot)s» avsluttet før tiden"),
}
EXPIRED_WORDS = _l("Forslaget til «%(slot)s» gikk ut uten svar fra arbeidsgiveren")

CANDIDATE_ACTIONS = [a for a in WORDS if a.startswith("candidate.")]
SUGGESTION_ACTIONS = [a for a in WORDS if a.startswith("suggestion.")]
PLACEMENT_ACTIONS = [a for a in WORDS if a.startswith("placement.")]


@dataclass(frozen=True)
class Entry:
    at: datetime
    text: str
    actor: User | None
    reason: str = ""
    placement_id: int | None = None


def _statement(candidate: Candidate):
    def ids_of(model):
        return select(cast(model.id, String)).where(model.candidate_id == candidate.id)

    return (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(
            or_(
                and_(
                    AuditEvent.object_type == Candidate.__tablename__,
                    AuditEvent.object_id == str(candidate.id),
                    AuditEvent.action.in_(CANDIDATE_ACTIONS),
                ),
                and_(
                    AuditEvent.object_type == Suggestion.__tablename__,
                    AuditEvent.object_id.in_(ids_of(Suggestion)),
                    AuditEvent.action.in_(SUGGESTION_ACTIONS),
                ),
                and_(
                    AuditEvent.object_type == Placement.__tablename__,
                    AuditEvent.object_id.in_(ids_of(Placement)),
                    AuditEvent.action.in_(PLACEMENT_ACTIONS),
                ),
            )
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(TIMELINE_LIMIT)
    )


def _slot_titles(model, ids: set[str]) -> dict[str, str]:
    numbers = [int(i) for i in ids if i.isdigit()]
    if not numbers:
        return {}
    rows = db.session.execute(
        select(model.id, Slot.title)
        .join(Slot, Slot.id == model.slot_id)
        .where(model.id.in_(numbers))
    )
    return {str(row_id): title for row_id, title in rows}


def _reason(event: AuditEvent) -> str:
    detail = event.detail or {}
    code = detail.get("reason_code")
    labels = REJECT_REASONS if event.action == "suggestion.rejected" else DECLINE_REASONS
    parts = [str(labels[code])] if code in labels else []
    if detail.get("reason"):
        parts.append(str(detail["reason"]))
    if event.action in ("placement.complete", "placement.end_early") and detail.get("outcome"):
        from webapp.services.placements import OUTCOMES

        outcome = OUTCOMES.get(detail["outcome"])
        if outcome is not None:
            parts.append(str(outcome))
    return ": ".join(parts)


def timeline(candidate: Candidate) -> list[Entry]:
    """The candidate's decisions, newest first (at most :data:`TIMELINE_LIMIT`)."""
    events = db.session.scalars(_statement(candidate)).unique().all()
    titles = {
        "suggestion": _slot_titles(
            Suggestion, {e.object_id for e in events if e.object_type == "suggestion"}
        ),
        "placement": _slot_titles(
            Placement, {e.object_id for e in events if e.object_type == "placement"}
        ),
    }
    entries = []
    for event in events:
        words = WORDS[event.action]
        if (
            event.action == "suggestion.declined"
            and (event.detail or {}).get("reason_code") == EXPIRED
        ):
            words = EXPIRED_WORDS
        slot = titles.get(event.object_type, {}).get(event.object_id, "")
        entries.append(
            Entry(
                at=event.at,
                text=str(words) % {"slot": slot},
                actor=event.actor,
                reason=_reason(event),
                placement_id=int(event.object_id) if event.object_type == "placement" else None,
            )
        )
    return entries
