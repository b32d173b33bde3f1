"""Writing the audit log. Every state change calls :func:`record` inside its own transaction."""

from __future__ import annotations

from webapp.extensions import db
from webapp.models import AuditEvent


def record(actor, action: str, obj=None, *, object_type: str | None = None, **detail) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type or (obj.__tablename__ if obj is not None else "system"),
        object_id=str(obj.id) if obj is not None and obj.id is not None else None,
        detail=detail,
    )
    db.session.add(event)
    return event
