"""The dashboard's tables, kept for a minute per worker.

At 100,000 candidates and a million suggestions the tables take about a second to count; an
admin reloading the page, or a few admins at once, need not count them again within the
minute. The page says when they were counted. The headline above them (what is waiting for the
admin now) is always counted afresh, and so are the downloads. ``STATS_CACHE_SECONDS`` = 0
counts every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import get_locale

from webapp.models.base import utcnow
from webapp.services.stats.filters import Filters
from webapp.services.stats.tables import Table

MAX_KEPT = 64  # filter combinations kept per worker


@dataclass(frozen=True)
class Counted:
    tables: list[Table]
    at: datetime  # naive UTC, like the stored times


def recent_tables(filters: Filters, count) -> Counted:
    """``count(filters)``'s tables, counted at most ``STATS_CACHE_SECONDS`` ago."""
    seconds = current_app.config["STATS_CACHE_SECONDS"]
    kept = current_app.extensions.setdefault("arbeidsbro.recent_tables", {})
    key = (filters, str(get_locale()))  # the tables carry translated labels
    now = utcnow()
    found = kept.get(key)
    if found is not None and seconds > 0 and (now - found.at).total_seconds() < seconds:
        return found
    found = Counted(count(filters), now)
    if seconds > 0:
        if len(kept) >= MAX_KEPT:
            kept.clear()
        kept[key] = found
    return found
