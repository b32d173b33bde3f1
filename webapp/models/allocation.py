"""Allocation rounds: one proposed assignment of a team's candidates to a set of slots."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import utcnow


class AllocationRound(db.Model):
    """A round's filters and totals; its pairs are suggestions marked with the round's id.

    ``totals`` holds the round's and greedy top-1's figures (placed, score, slots used), the
    counts of candidates and places, notes about the round as a whole and why candidates were
    left without a slot; never names or ids of candidates (the admin sees this page too).
    """

    __tablename__ = "allocation_round"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The caseworker organisation whose candidates the round assigns.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    totals: Mapped[dict] = mapped_column(JSON, default=dict)
    model_version: Mapped[str] = mapped_column(String(40), default="")

    organisation = relationship("Organisation")
    started_by = relationship("User")
