"""A candidate's records: history, suggestions and placements, and the right-of-access export.

Each list loads the rows it names (slot, employer, actor) with it, so a long history costs no
more statements than a short one.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import AuditEvent, Candidate, Placement, Slot, Suggestion, User, utcnow
from webapp.services import audit
from webapp.services.candidates import require_may_see


def _history_statement(candidate: Candidate):
    return (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(
            AuditEvent.object_type == Candidate.__tablename__,
            AuditEvent.object_id == str(candidate.id),
        )
    )


def suggestions_of(candidate: Candidate) -> list[Suggestion]:
    return list(
        db.session.scalars(
            select(Suggestion)
            .options(joinedload(Suggestion.slot).joinedload(Slot.organisation))
            .where(Suggestion.candidate_id == candidate.id)
            .order_by(Suggestion.score.desc(), Suggestion.id)
        )
    )


def placements_of(candidate: Candidate) -> list[Placement]:
    return list(
        db.session.scalars(
            select(Placement)
            .options(joinedload(Placement.slot).joinedload(Slot.organisation))
            .where(Placement.candidate_id == candidate.id)
            .order_by(Placement.id)
        )
    )


# --- right of access -------------------------------------------------------------------------

EXPORT_FORMAT_VERSION = 1


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def export(actor: User, candidate: Candidate) -> dict:
    """Everything Arbeidsbro holds about one candidate, as plain JSON-ready data (audited)."""
    require_may_see(actor, candidate)
    audit.record(actor, "candidate.exported", candidate)
    db.session.commit()

    def coded(rows) -> list[dict]:
        return [{"code": row.code, "name": row.label} for row in rows]

    caseworker = candidate.caseworker
    data = {
        "format": "arbeidsbro.candidate-export",
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": _iso(utcnow()),
        "exported_by": {"id": actor.id, "name": actor.name},
        "candidate": {
            "id": candidate.id,
            "organisation": {
                "id": candidate.organisation_id,
                "name": candidate.organisation.name,
            },
            "reference_code": candidate.reference_code,
            "display_name": candidate.display_name,
            "responsible_caseworker": (
                {"id": caseworker.id, "name": caseworker.name} if caseworker else None
            ),
            "programme": candidate.programme,
            "kinds_wanted": coded(candidate.kinds),
            "goals": candidate.goals,
            "skills": coded(candidate.skills),
            "experience": candidate.experience,
            "education": candidate.education,
            "occupations_wanted": coded(candidate.occupations),
            "norwegian_level": candidate.norwegian_level,
            "home_postal_code": candidate.home_postal_code,
            "home_place": candidate.home_place.place if candidate.home_place else None,
            "max_commute_km": candidate.max_commute_km,
            "hours_per_week": candidate.hours_per_week,
            "available_from": _iso(candidate.available_from),
            "adaptation_needs": coded(candidate.adaptation_needs),
            "notes": candidate.notes,
            "consent": {
                "in_force": candidate.has_consent,
                "given_at": _iso(candidate.consent_at),
                "scope": candidate.consent_scope,
                "withdrawn_at": _iso(candidate.consent_withdrawn_at),
            },
            "status": candidate.status,
            "archived_at": _iso(candidate.archived_at),
            "anonymised_at": _iso(candidate.anonymised_at),
            "created_at": _iso(candidate.created_at),
            "updated_at": _iso(candidate.updated_at),
        },
        "suggestions": [
            {
                "id": s.id,
                "slot": {"id": s.slot_id, "title": s.slot.title if s.slot else None},
                "employer": s.slot.organisation.name if s.slot else None,
                "score": s.score,
                "factors": s.factors,
                "reasons": s.reasons,
                "model_version": s.model_version,
                "status": s.status,
                "decided_at": _iso(s.decided_at),
                "reason_code": s.reason_code,
                "reason": s.reason,
                "proposed_at": _iso(s.proposed_at),
                "answer_due": _iso(s.answer_due),
                "answered_at": _iso(s.answered_at),
                "created_at": _iso(s.created_at),
            }
            for s in suggestions_of(candidate)
        ],
        "placements": [
            {
                "id": p.id,
                "suggestion_id": p.suggestion_id,
                "slot": {"id": p.slot_id, "title": p.slot.title if p.slot else None},
                "employer": p.slot.organisation.name if p.slot else None,
                "start_date": _iso(p.start_date),
                "end_date": _iso(p.end_date),
                "follow_up_date": _iso(p.follow_up_date),
                "status": p.status,
                "outcome": p.outcome,
                "notes": p.notes,
                "created_at": _iso(p.created_at),
            }
            for p in placements_of(candidate)
        ],
        "audit_events": [
            {
                "id": e.id,
                "at": _iso(e.at),
                "action": e.action,
                "actor": {"id": e.actor_id, "name": e.actor.name} if e.actor else None,
                "detail": e.detail,
            }
            for e in db.session.scalars(
                _history_statement(candidate).order_by(AuditEvent.at, AuditEvent.id)
            )
        ],
    }
    return data


def export_filename(candidate: Candidate) -> str:
    safe = re.sub(r"[^0-9A-Za-z._-]", "_", candidate.reference_code)
    return f"kandidat-{safe}-{date.today().isoformat()}.json"
