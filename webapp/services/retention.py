"""Retention: candidates archived longer than ``RETENTION_MONTHS`` are anonymised (DESIGN.md §5).

What identifies or describes the person goes: display name, reference code, free text, notes,
consent wording, home address, profile links, the match explanations, the free text of
suggestions, placements and audit events, and the reference code in notifications and the kept
copies of e-mails. What the statistics count stays: the candidate row (its organisation, kinds,
programme, dates), suggestions with their states and scores, placements with their outcomes, and
every audit event (its action and the codes in its detail). Safe to run any number of times: an
anonymised candidate is never picked again. ``run`` is the plain function the scheduler calls;
``flask retention run`` is the command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import String, cast, delete, func, or_, select, text, update

from webapp.extensions import db
from webapp.models import (
    AuditEvent,
    Candidate,
    CandidateStatus,
    Notification,
    OutgoingMail,
    Placement,
    Suggestion,
    utcnow,
)
from webapp.models.candidate import candidate_adaptation, candidate_occupation, candidate_skill
from webapp.models.search_index import CANDIDATE_INDEX

ANONYMOUS_NAME = "Anonymisert"
REPLACEMENT = "[anonymisert]"
# Audit detail keys that hold codes (states, reasons from a fixed list, outcomes), not free text.
CODED_DETAIL = {"before", "after", "from", "to", "outcome", "reason_code", "page", "placement"}


@dataclass
class Report:
    cutoff: datetime
    candidates: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, number: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + int(number or 0)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the 31st becomes the 28th–30th)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)  # unreachable: every month has a 28th


def due(cutoff: datetime):
    return select(Candidate).where(
        Candidate.status == CandidateStatus.ARCHIVED,
        Candidate.archived_at <= cutoff,
        Candidate.anonymised_at.is_(None),
    )


def run(now: datetime | None = None, months: int | None = None) -> Report:
    """Anonymise every candidate archived before the cutoff; one transaction, then commit."""
    now = now or utcnow()
    months = current_app.config["RETENTION_MONTHS"] if months is None else months
    report = Report(cutoff=months_before(now, months))
    for candidate in db.session.scalars(due(report.cutoff).order_by(Candidate.id)).all():
        _anonymise(candidate, now, report)
        report.candidates.append(candidate.id)
    report.add("candidates", len(report.candidates))
    if report.candidates and db.session.get_bind().dialect.name == "sqlite":
        # FTS5 keeps a deleted row's trigrams in its index segments until they are merged.
        fts = CANDIDATE_INDEX.fts_table
        # The table name is a constant of the code, not input.
        db.session.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('optimize')"))  # noqa: S608  # nosec B608
    db.session.commit()
    return report


def _anonymise(candidate: Candidate, now: datetime, report: Report) -> None:
    reference, name = candidate.reference_code, candidate.display_name
    suggestion_ids = select(Suggestion.id).where(Suggestion.candidate_id == candidate.id)
    placement_ids = select(Placement.id).where(Placement.candidate_id == candidate.id)

    candidate.reference_code = f"anonym-{candidate.id}"
    candidate.display_name = ANONYMOUS_NAME
    candidate.goals = candidate.experience = candidate.education = candidate.notes = ""
    candidate.consent_scope = ""
    candidate.home_postal_code = None
    candidate.max_commute_km = candidate.hours_per_week = None
    candidate.available_from = None
    candidate.norwegian_level = "none"
    candidate.anonymised_at = now
    db.session.flush()
    for table in (candidate_skill, candidate_occupation, candidate_adaptation):
        db.session.execute(delete(table).where(table.c.candidate_id == candidate.id))

    report.add(
        "suggestions",
        db.session.execute(
            update(Suggestion)
            .where(Suggestion.candidate_id == candidate.id)
            .values(reason="", answer_reason="", factors={}, reasons=[])
        ).rowcount,
    )
    report.add(
        "placements",
        db.session.execute(
            update(Placement).where(Placement.candidate_id == candidate.id).values(notes="")
        ).rowcount,
    )
    # The audit log is append-only for the app (its ORM events refuse changes); retention is the
    # one sanctioned rewrite, and it keeps every event, only dropping free text from the detail.
    events = db.session.execute(
        select(AuditEvent.id, AuditEvent.detail).where(
            or_(
                (AuditEvent.object_type == "candidate")
                & (AuditEvent.object_id == str(candidate.id)),
                (AuditEvent.object_type == "suggestion")
                & AuditEvent.object_id.in_(select(cast(suggestion_ids.subquery().c.id, String))),
                (AuditEvent.object_type == "placement")
                & AuditEvent.object_id.in_(select(cast(placement_ids.subquery().c.id, String))),
            )
        )
    ).all()
    for event_id, detail in events:
        kept = {k: v for k, v in (detail or {}).items() if k in CODED_DETAIL}
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.id == event_id)
            .values(detail={**kept, "anonymised": True})
            .execution_options(synchronize_session=False)
        )
    report.add("audit_events", len(events))

    for words in {reference, name} - {""}:
        mentioned = db.session.scalars(
            select(Notification).where(cast(Notification.params, String).contains(words))
        ).all()
        for notification in mentioned:
            notification.params = {
                key: REPLACEMENT if value in (reference, name) else value
                for key, value in notification.params.items()
            }
        report.add("notifications", len(mentioned))
        report.add(
            "mails",
            db.session.execute(
                update(OutgoingMail)
                .where(or_(OutgoingMail.body.contains(words), OutgoingMail.subject.contains(words)))
                .values(
                    body=func.replace(OutgoingMail.body, words, REPLACEMENT),
                    subject=func.replace(OutgoingMail.subject, words, REPLACEMENT),
                )
                .execution_options(synchronize_session=False)
            ).rowcount,
        )
