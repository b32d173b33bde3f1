"""Suggestions from the matching engine and the placements they turn into."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin, utcnow


class SuggestionStatus(StrEnum):
    SUGGESTED = "suggested"
    APPROVED = "approved"
    REJECTED = "rejected"
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    #: Was suggested, then a hard rule stopped holding (slot closed or full, candidate archived,
    #: consent withdrawn): hidden from the list, kept to say why (``reason_code``).
    OBSOLETE = "obsolete"


class PlacementStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"


# Placements that take up one of a slot's places.
OCCUPYING_STATUSES = (PlacementStatus.PLANNED, PlacementStatus.ACTIVE)


class PlacementOutcome(StrEnum):
    EMPLOYMENT = "employment"
    APPRENTICESHIP_CONTRACT = "apprenticeship_contract"
    EDUCATION = "education"
    FURTHER_TRAINING = "further_training"
    NONE = "none"
    OTHER = "other"


class Suggestion(TimestampMixin, db.Model):
    __tablename__ = "suggestion"
    __table_args__ = (
        UniqueConstraint("candidate_id", "slot_id"),
        # A candidate's suggestions by state; a slot's proposals (the employer's inbox).
        Index("ix_suggestion_candidate_status", "candidate_id", "status"),
        Index("ix_suggestion_slot_status", "slot_id", "status"),
        # The work queue's counts (strong suggestions, answers received) and the dashboard's
        # employer answers (proposed in a period) read only the rows they count (migration 0014).
        Index("ix_suggestion_status_score", "status", "score"),
        Index("ix_suggestion_status_answered_at", "status", "answered_at"),
        Index("ix_suggestion_proposed_at", "proposed_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidate.id", ondelete="CASCADE"), index=True
    )
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"), index=True)
    score: Mapped[float]
    factors: Mapped[dict] = mapped_column(JSON, default=dict)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    model_version: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(12), default=SuggestionStatus.SUGGESTED, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    proposed_at: Mapped[datetime | None]
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answer_due: Mapped[date | None]
    #: The caseworker's short note for the employer, written when proposing (shown on the card).
    employer_note: Mapped[str | None] = mapped_column(Text)
    reminded_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answered_at: Mapped[datetime | None]
    answer_reason_code: Mapped[str | None] = mapped_column(String(40))
    answer_reason: Mapped[str] = mapped_column(Text, default="")
    # When each side was last changed as this pair was decided: a rejected or declined pair is
    # suggested again only if one of them has changed since.
    candidate_changed_at: Mapped[datetime | None]
    slot_changed_at: Mapped[datetime | None]
    #: Set when the pair was proposed by an allocation round (shown as "from round N").
    allocation_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("allocation_round.id", ondelete="SET NULL"), index=True
    )

    candidate = relationship("Candidate")
    slot = relationship("Slot")
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    proposed_by = relationship("User", foreign_keys=[proposed_by_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])


class Placement(TimestampMixin, db.Model):
    __tablename__ = "placement"
    # Taken places per slot (capacity) and a slot's placements by state.
    __table_args__ = (Index("ix_placement_slot_status", "slot_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int | None] = mapped_column(ForeignKey("suggestion.id"), unique=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id"), index=True)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    follow_up_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(12), default=PlacementStatus.PLANNED, index=True)
    outcome: Mapped[str | None] = mapped_column(String(30))
    notes: Mapped[str] = mapped_column(Text, default="")

    candidate = relationship("Candidate")
    slot = relationship("Slot")
    suggestion = relationship("Suggestion")


class ModelArtifact(db.Model):
    """A fitted matching model, stored so every web process serves the same version."""

    __tablename__ = "model_artifact"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    payload: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The last ``MatchChange`` the fit already saw: processes replay the ones after it.
    changes_upto: Mapped[int] = mapped_column(default=0)


class MatchChange(db.Model):
    """A slot or candidate changed: every process applies it to its loaded model (live index).

    ``applied_at`` is set once the stored suggestions of the profiles it touches are refreshed
    (in the request itself, or by the RQ job when ``REDIS_URL`` is set).
    """

    __tablename__ = "match_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    object_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None]


class RefitRun(db.Model):
    """One full refit of the model, with its progress, for the admin."""

    __tablename__ = "refit_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    status: Mapped[str] = mapped_column(String(12), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    version: Mapped[str] = mapped_column(String(40), default="")
    error: Mapped[str] = mapped_column(Text, default="")
