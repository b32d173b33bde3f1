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


def record_view(actor, action: str, obj, **detail) -> None:
    """A look at something private (a candidate card, a placement), in its own transaction."""
    record(actor, action, obj, **detail)
    db.session.commit()


def record_refusal(actor, status: int, endpoint: str | None, args: dict) -> None:
    """A logged-in user was refused an object (403/404): who, which route, which ids.

    Runs in the error handler, so whatever the request had started is rolled back first.
    """
    db.session.rollback()
    record(
        actor,
        "access.refused",
        object_type="route",
        status=status,
        endpoint=endpoint or "",
        args={k: str(v)[:40] for k, v in args.items()},
    )
    db.session.commit()
