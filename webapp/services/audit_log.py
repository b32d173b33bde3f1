"""Reading the audit log: filters, the page's rows and the CSV export.

Every filter is a condition an index serves: the action and the actor have (column, at)
indexes, an object (type, id, at), the period ``at``; an organisation or a name becomes the
set of its users' ids (a small table), never a join over the events. Rows come newest first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import AuditEvent, User
from webapp.services.audit_labels import action_label, object_type_label
from webapp.services.stats.exports import neutralise

OSLO = ZoneInfo("Europe/Oslo")
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class Filters:
    actor: str = ""  # part of a name or e-mail address
    actor_id: int | None = None
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    organisation_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def as_args(self) -> dict:
        """The filters as query-string arguments (for paging and the export link)."""
        values = {
            "actor": self.actor,
            "actor_id": self.actor_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "organisation": self.organisation_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


def oslo_midnight_utc(day: date) -> datetime:
    """The start of a Norwegian calendar day as the naive UTC time the log stores."""
    return datetime.combine(day, time.min, tzinfo=OSLO).astimezone(UTC).replace(tzinfo=None)


def statement(filters: Filters):
    """The events the filters select, newest first, with their actors loaded."""
    stmt = select(AuditEvent).options(joinedload(AuditEvent.actor).joinedload(User.organisation))
    users = None
    if filters.actor:
        pattern = f"%{filters.actor}%"
        users = select(User.id).where(or_(User.name.ilike(pattern), User.email.ilike(pattern)))
    if filters.organisation_id is not None:
        users = (users if users is not None else select(User.id)).where(
            User.organisation_id == filters.organisation_id
        )
    if users is not None:
        stmt = stmt.where(AuditEvent.actor_id.in_(users))
    if filters.actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == filters.actor_id)
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.object_type:
        stmt = stmt.where(AuditEvent.object_type == filters.object_type)
        if filters.object_id:
            stmt = stmt.where(AuditEvent.object_id == filters.object_id)
    if filters.date_from:
        stmt = stmt.where(AuditEvent.at >= oslo_midnight_utc(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(AuditEvent.at < oslo_midnight_utc(filters.date_to + timedelta(days=1)))
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


# Norwegian forms write 06.12.2026 17:30:16; English readers get "6 Dec 2026, 17:30:16".
TIME_PATTERNS = {"nb": "dd.MM.yyyy HH:mm:ss", "en": "d MMM yyyy, HH:mm:ss"}


def local_time(moment: datetime) -> str:
    """A stored (naive UTC) time in Norwegian local time (summer time too), the reader's way."""
    locale = get_locale()
    pattern = TIME_PATTERNS.get(str(locale), TIME_PATTERNS["nb"])
    return format_datetime(moment.replace(tzinfo=UTC), pattern, tzinfo=OSLO, locale=locale)


# Objects the admin pages show; the rest link to their own history in the log.
ADMIN_PAGES = {
    "organisation": ("admin.organisation_detail", "organisation_id"),
    "user": ("admin.user_detail", "user_id"),
}


def object_link(event: AuditEvent) -> tuple[str, dict] | None:
    """(endpoint, values) of the page for the event's object, or None when it has none."""
    if not event.object_id or not event.object_id.isdigit():
        return None
    page = ADMIN_PAGES.get(event.object_type)
    if page is None:
        return None
    endpoint, argument = page
    return endpoint, {argument: int(event.object_id)}


# --- the CSV export --------------------------------------------------------------------------


def _csv_header() -> list[str]:
    return [
        _("Tid (norsk tid)"),
        _("Hvem"),
        _("Organisasjon"),
        _("Handling"),
        _("Handlingskode"),
        _("Objekt"),
        _("Objekt-id"),
    ]


def _csv_row(event: AuditEvent) -> list[str]:
    at = event.at.replace(tzinfo=UTC).astimezone(OSLO)
    actor = event.actor
    return [
        at.strftime("%Y-%m-%d %H:%M:%S"),
        actor.name if actor else _("systemet"),
        actor.organisation.name if actor else "",
        action_label(event.action),
        event.action,
        object_type_label(event.object_type),
        event.object_id or "",
    ]


def export_csv(filters: Filters) -> Iterator[bytes]:
    """The filtered log as CSV (semicolons, UTF-8 with BOM), streamed in batches.

    Names and organisation names are typed by people: a cell a spreadsheet would run as a
    formula is neutralised like the dashboard's exports.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    out.write("\ufeff")
    writer.writerow([neutralise(cell) for cell in _csv_header()])
    last: tuple | None = None
    while True:
        # Keyset paging (at, id) keeps each batch an index range, however deep the export.
        stmt = statement(filters)
        if last is not None:
            at, event_id = last
            stmt = stmt.where(
                or_(AuditEvent.at < at, (AuditEvent.at == at) & (AuditEvent.id < event_id))
            )
        events = db.session.scalars(stmt.limit(EXPORT_BATCH)).unique().all()
        for event in events:
            writer.writerow([neutralise(cell) for cell in _csv_row(event)])
        yield out.getvalue().encode("utf-8")
        out.seek(0)
        out.truncate()
        if len(events) < EXPORT_BATCH:
            return
        last = (events[-1].at, events[-1].id)
