"""Places in a slot: its capacity minus the placements that hold one (planned or active).

"Full" is derived from this, never stored (DESIGN.md §4). Every count of taken places goes
through here, so the list pages, the search, the matching engine and the acceptance lock agree.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import OCCUPYING_STATUSES, Placement, Slot


def occupied_count(slot_id):
    """How many placements hold a place in the slot ``slot_id`` (a column), as a scalar subquery."""
    return (
        select(func.count())
        .where(Placement.slot_id == slot_id, Placement.status.in_(OCCUPYING_STATUSES))
        .scalar_subquery()
    )


def taken_places(slot_ids: Iterable[int]) -> dict[int, int]:
    """Taken places per slot id, in one query; slots with none are absent."""
    ids = list(slot_ids)
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(Placement.slot_id, func.count())
            .where(Placement.slot_id.in_(ids), Placement.status.in_(OCCUPYING_STATUSES))
            .group_by(Placement.slot_id)
        ).all()
    )


def free_capacity(slot: Slot) -> int:
    return max(slot.capacity - taken_places([slot.id]).get(slot.id, 0), 0)
