"""School–business cooperation: a school's placement needs and its partnerships with employers."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin, utcnow


class PartnershipStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ENDED = "ended"


class SchoolNeed(TimestampMixin, db.Model):
    __tablename__ = "school_need"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    program_area_code: Mapped[str] = mapped_column(ForeignKey("program_area.code"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    students: Mapped[int] = mapped_column(default=1)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    school = relationship("Organisation")
    program_area = relationship("ProgramArea")


class Partnership(TimestampMixin, db.Model):
    __tablename__ = "partnership"
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    school_need_id: Mapped[int | None] = mapped_column(ForeignKey("school_need.id"))
    program_area_code: Mapped[str | None] = mapped_column(ForeignKey("program_area.code"))
    students: Mapped[int] = mapped_column(default=1)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default=PartnershipStatus.REQUESTED)
    decided_at: Mapped[datetime | None]

    school = relationship("Organisation", foreign_keys=[school_id])
    employer = relationship("Organisation", foreign_keys=[employer_id])
    need = relationship("SchoolNeed")
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
