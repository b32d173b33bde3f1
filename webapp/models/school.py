"""School–business cooperation: a school's placement needs, its requests and partnerships with
employers, and the employer's school profile (what it offers schools)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin, utcnow


class PartnershipStatus(StrEnum):
    """DESIGN.md §4: ``requested → accepted | declined | withdrawn``; ``accepted → ended``."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    ENDED = "ended"


class NeedStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CooperationKind(StrEnum):
    PLACEMENT = "placement"
    COMPANY_VISIT = "company_visit"
    GUEST_LECTURE = "guest_lecture"
    ENTREPRENEURSHIP = "entrepreneurship"


class SchoolNeed(TimestampMixin, db.Model):
    __tablename__ = "school_need"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    program_area_code: Mapped[str] = mapped_column(ForeignKey("program_area.code"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # notes
    kind: Mapped[str] = mapped_column(String(20), default=CooperationKind.PLACEMENT)
    trades: Mapped[list] = mapped_column(JSON, default=list)  # occupation codes
    requirements: Mapped[str] = mapped_column(Text, default="")
    students: Mapped[int] = mapped_column(default=1)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default=NeedStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Set once, when the period started with students still not covered (unmet demand).
    unmet_recorded_at: Mapped[datetime | None]
    unmet_students: Mapped[int | None]

    school = relationship("Organisation")
    program_area = relationship("ProgramArea")
    created_by = relationship("User")


class Partnership(TimestampMixin, db.Model):
    """A request from a school to an employer, which becomes a partnership when accepted."""

    __tablename__ = "partnership"
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    school_need_id: Mapped[int | None] = mapped_column(ForeignKey("school_need.id"), index=True)
    program_area_code: Mapped[str | None] = mapped_column(ForeignKey("program_area.code"))
    kind: Mapped[str] = mapped_column(String(20), default=CooperationKind.PLACEMENT)
    students: Mapped[int] = mapped_column(default=1)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default=PartnershipStatus.REQUESTED)
    decided_at: Mapped[datetime | None]
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answer_reason_code: Mapped[str | None] = mapped_column(String(40))
    answer_reason: Mapped[str] = mapped_column(Text, default="")
    reminded_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    end_note: Mapped[str] = mapped_column(Text, default="")
    renewed_from_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id"))

    school = relationship("Organisation", foreign_keys=[school_id])
    employer = relationship("Organisation", foreign_keys=[employer_id])
    need = relationship("SchoolNeed")
    program_area = relationship("ProgramArea")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])
    messages: Mapped[list[PartnershipMessage]] = relationship(
        back_populates="partnership", order_by="PartnershipMessage.sent_at"
    )


class PartnershipMessage(db.Model):
    __tablename__ = "partnership_message"
    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    partnership: Mapped[Partnership] = relationship(back_populates="messages")
    author = relationship("User")


class SchoolProfile(TimestampMixin, db.Model):
    """What an employer offers schools; ``Organisation.open_to_schools`` switches it on."""

    __tablename__ = "school_profile"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    program_areas: Mapped[list] = mapped_column(JSON, default=list)  # program area codes
    trades: Mapped[list] = mapped_column(JSON, default=list)  # occupation codes
    kinds: Mapped[list] = mapped_column(JSON, default=list)  # CooperationKind values
    students_per_period: Mapped[int] = mapped_column(default=2)
    blackouts: Mapped[list] = mapped_column(JSON, default=list)  # [[start iso, end iso], …]
    description: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")

    organisation = relationship("Organisation")
