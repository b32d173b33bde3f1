"""The placement agreement: what employer, candidate and caseworker agree before day one.

One agreement per placement. Every saved change is a new :class:`AgreementVersion` (the whole
text, and which fields changed, by whom). Signatures belong to the version they signed; an edit
after a signature voids them all (``voided_at``). The candidate has no account: the caseworker
records the candidate's confirmation, or sends a single-use link (:class:`AgreementLink`, stored
as a hash only).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin, utcnow


class AgreementStatus(StrEnum):
    DRAFT = "draft"  # no signature in force
    SIGNING = "signing"  # at least one party has signed this version
    APPROVED = "approved"  # the caseworker signed last: the placement may start


class Party(StrEnum):
    """The signing order is the order here: employer, then candidate, the caseworker last."""

    EMPLOYER = "employer"
    CANDIDATE = "candidate"
    CASEWORKER = "caseworker"


SIGNING_ORDER = (Party.EMPLOYER, Party.CANDIDATE, Party.CASEWORKER)


class Agreement(TimestampMixin, db.Model):
    __tablename__ = "agreement"
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placement.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(10), default=AgreementStatus.DRAFT, index=True)
    version: Mapped[int] = mapped_column(default=1)
    #: The candidate's language: the link page, the summary and the document ("nb" or "en").
    language: Mapped[str] = mapped_column(String(2), default="nb")
    # The employer's sections.
    tasks: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    hours_per_day: Mapped[float | None]
    hours_per_week: Mapped[float | None]
    mentor_name: Mapped[str] = mapped_column(String(200), default="")
    mentor_contact: Mapped[str] = mapped_column(String(200), default="")
    adaptations: Mapped[str] = mapped_column(Text, default="")
    workplace: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    insurance: Mapped[str] = mapped_column(Text, default="")
    # The caseworker's sections.
    programme_terms: Mapped[str] = mapped_column(Text, default="")
    follow_up_plan: Mapped[str] = mapped_column(Text, default="")
    benefit: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    approved_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]

    placement = relationship("Placement", backref=db.backref("agreement", uselist=False))
    versions = relationship(
        "AgreementVersion",
        order_by="AgreementVersion.number",
        cascade="all, delete-orphan",
        back_populates="agreement",
    )
    signatures = relationship(
        "AgreementSignature",
        order_by="AgreementSignature.id",
        cascade="all, delete-orphan",
        back_populates="agreement",
    )


class AgreementVersion(db.Model):
    """One saved state of the agreement: the whole text, who saved it, what changed."""

    __tablename__ = "agreement_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: "employer", "caseworker", or "system" (made when the proposal was accepted).
    side: Mapped[str] = mapped_column(String(12))
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    changed: Mapped[list] = mapped_column(JSON, default=list)
    #: This save voided signatures that were in force.
    voided_signatures: Mapped[bool] = mapped_column(default=False)

    agreement = relationship("Agreement", back_populates="versions")
    created_by = relationship("User")


class AgreementSignature(db.Model):
    __tablename__ = "agreement_signature"
    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    party: Mapped[str] = mapped_column(String(12))
    #: "account" (signed while logged in), "in_person" or "phone" (recorded by the caseworker),
    #: "link" (the candidate's single-use link).
    method: Mapped[str] = mapped_column(String(12))
    #: Who signed, or for the candidate's confirmation, the caseworker who recorded it.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: For a recorded confirmation: the day the candidate confirmed.
    confirmed_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(String(500), default="")
    voided_at: Mapped[datetime | None]

    agreement = relationship("Agreement", back_populates="signatures")
    user = relationship("User")


class AgreementLink(db.Model):
    """A single-use, expiring link for the candidate's confirmation; only its hash is kept."""

    __tablename__ = "agreement_link"
    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    #: A newer link, or an edit of the agreement, ends this one.
    revoked_at: Mapped[datetime | None]

    agreement = relationship("Agreement")
