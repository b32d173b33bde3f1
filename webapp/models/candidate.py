"""Candidates: the people caseworkers help into a placement. Sensitive data, see DESIGN.md §5."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin


class CandidateStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


def _link_table(name: str, column: str, target: str) -> Table:
    return Table(
        name,
        db.metadata,
        Column("candidate_id", ForeignKey("candidate.id", ondelete="CASCADE"), primary_key=True),
        Column(column, ForeignKey(target), primary_key=True),
        # Filters and text search find candidates by code: "who has any of these codes".
        Index(f"ix_{name}_{column}", column),
    )


candidate_kind = _link_table("candidate_kind", "kind_code", "slot_kind.code")
candidate_skill = _link_table("candidate_skill", "skill_code", "skill.code")
candidate_occupation = _link_table("candidate_occupation", "occupation_code", "occupation.code")
candidate_adaptation = _link_table("candidate_adaptation", "adaptation_code", "adaptation.code")


class Candidate(TimestampMixin, db.Model):
    __tablename__ = "candidate"
    __table_args__ = (UniqueConstraint("organisation_id", "reference_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    reference_code: Mapped[str] = mapped_column(String(40))
    display_name: Mapped[str] = mapped_column(String(100))
    programme: Mapped[str] = mapped_column(String(40), default="other")
    goals: Mapped[str] = mapped_column(Text, default="")
    experience: Mapped[str] = mapped_column(Text, default="")
    education: Mapped[str] = mapped_column(Text, default="")
    norwegian_level: Mapped[str] = mapped_column(ForeignKey("language_level.code"), default="none")
    home_postal_code: Mapped[str | None] = mapped_column(ForeignKey("postal_place.postal_code"))
    max_commute_km: Mapped[int | None]
    hours_per_week: Mapped[int | None]
    available_from: Mapped[date | None]
    notes: Mapped[str] = mapped_column(
        Text, default=""
    )  # caseworker only, never shown to employers
    consent_at: Mapped[datetime | None]
    consent_scope: Mapped[str] = mapped_column(String(200), default="")
    consent_withdrawn_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(10), default=CandidateStatus.ACTIVE, index=True)
    archived_at: Mapped[datetime | None]
    anonymised_at: Mapped[datetime | None]

    organisation = relationship("Organisation")
    caseworker = relationship("User")
    home_place = relationship("PostalPlace")
    kinds = relationship("SlotKind", secondary=candidate_kind, order_by="SlotKind.sort_order")
    skills = relationship("Skill", secondary=candidate_skill, order_by="Skill.code")
    occupations = relationship(
        "Occupation", secondary=candidate_occupation, order_by="Occupation.code"
    )
    adaptation_needs = relationship(
        "Adaptation", secondary=candidate_adaptation, order_by="Adaptation.code"
    )

    @property
    def has_consent(self) -> bool:
        """Consent is in force when given and not withdrawn since."""
        if self.consent_at is None:
            return False
        return self.consent_withdrawn_at is None or self.consent_withdrawn_at < self.consent_at
