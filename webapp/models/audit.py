"""The append-only audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    # One object's history (a candidate's page, the export), one action's or one person's
    # events (the admin's filters): each newest first, straight from an index.
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id", "at"),
        Index("ix_audit_event_action_at", "action", "at"),
        Index("ix_audit_event_actor_at", "actor_id", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User")


class AuditLogIsAppendOnly(Exception):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target):  # noqa: ARG001 - SQLAlchemy's signature
    raise AuditLogIsAppendOnly("audit events are never changed or deleted")
