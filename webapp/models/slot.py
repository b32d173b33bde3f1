"""Slots: the places an employer offers (apprenticeship, work training, …)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin


class SlotStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


slot_skill = Table(
    "slot_skill",
    db.metadata,
    Column("slot_id", ForeignKey("slot.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_code", ForeignKey("skill.code"), primary_key=True),
    # Text search matches skill names through their codes: slots having any of these codes.
    Index("ix_slot_skill_skill_code", "skill_code"),
)

slot_adaptation = Table(
    "slot_adaptation",
    db.metadata,
    Column("slot_id", ForeignKey("slot.id", ondelete="CASCADE"), primary_key=True),
    Column("adaptation_code", ForeignKey("adaptation.code"), primary_key=True),
)


class Slot(TimestampMixin, db.Model):
    __tablename__ = "slot"
    # A unique index (not a constraint): SQLite adds it without rebuilding the table, which would
    # drop the full-text triggers on it. Browsing open slots, newest first and by start date.
    __table_args__ = (
        Index("ix_slot_organisation_reference", "organisation_id", "reference_code", unique=True),
        Index("ix_slot_status_created_at", "status", "created_at"),
        Index("ix_slot_status_start_date", "status", "start_date", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # The employer's own code for the slot, so a re-import updates instead of duplicating.
    reference_code: Mapped[str | None] = mapped_column(String(40))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    kind: Mapped[str] = mapped_column(ForeignKey("slot_kind.code"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    occupation_code: Mapped[str | None] = mapped_column(ForeignKey("occupation.code"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    extra_skills: Mapped[list[str]] = mapped_column(JSON, default=list)  # free tags
    norwegian_level: Mapped[str] = mapped_column(ForeignKey("language_level.code"), default="none")
    hours_per_week: Mapped[int | None]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    capacity: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(10), default=SlotStatus.DRAFT, index=True)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    organisation = relationship("Organisation")
    site = relationship("Site")
    occupation = relationship("Occupation")
    skills = relationship("Skill", secondary=slot_skill, order_by="Skill.code")
    adaptations = relationship("Adaptation", secondary=slot_adaptation, order_by="Adaptation.code")
