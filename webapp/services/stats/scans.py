"""Grouped scans that more than one figure reads, each made once per page.

Several figures slice the same facts: places by slot kind and by month, outcomes by slot kind and
by the candidate's organisation. Each scan reads its table once, grouped by every slice's key at
once (a few hundred groups at most), and the figures add up the groups they show: one pass over
the slots or the placements instead of one per figure. A ``Scans`` lives for one ``figures()`` or
``figure()`` call, so nothing it holds outlasts the page or the export that asked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import and_, case, func, select, text, true, tuple_

from webapp.extensions import db
from webapp.models import (
    OCCUPYING_STATUSES,
    Candidate,
    Organisation,
    Placement,
    PlacementOutcome,
    PlacementStatus,
    Slot,
    SlotStatus,
)
from webapp.services.stats.filters import PERIOD, Filters
from webapp.services.stats.sql import (
    count_where,
    days_between,
    dialect,
    driving,
    median_map,
    month_of,
)

WORK = (PlacementOutcome.EMPLOYMENT, PlacementOutcome.APPRENTICESHIP_CONTRACT)
EDUCATION = (PlacementOutcome.EDUCATION, PlacementOutcome.FURTHER_TRAINING)
ENDED = (PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY)
TOTAL = "*"  # the key of a figure's row for everything
Found = TypeVar("Found")


class Scans:
    """The filters of one page, and the scans already made for it."""

    def __init__(self, filters: Filters):
        self.filters = filters
        self._found: dict[str, object] = {}

    def once(self, scan: Callable[[Filters], Found]) -> Found:
        if scan.__name__ not in self._found:
            if not self._found:
                roomy_sorts()
            self._found[scan.__name__] = scan(self.filters)
        return self._found[scan.__name__]


def roomy_sorts() -> None:
    """Let this transaction's sorts and hash tables use 16 MB before they spill (PostgreSQL).

    The scans group every slot or placement by an expression whose distinct values the planner
    cannot know (the month of a date), so it plans for a group per row; with the default 4 MB
    that means a sort on disk. ``SET LOCAL`` ends with the transaction, that is with the request.
    """
    if dialect() == "postgresql":
        db.session.execute(text("SET LOCAL work_mem = '16MB'"))


def placement_date():
    return func.coalesce(Placement.start_date, func.date(Placement.created_at))


def slot_date():
    return func.coalesce(Slot.start_date, func.date(Slot.created_at))


def totals(found: dict, position: int) -> dict:
    """``found``'s values added up by one part of its keys (counts, or tuples of counts)."""
    summed: dict = defaultdict(int)
    for key, value in found.items():
        if isinstance(value, tuple):
            previous = summed.get(key[position]) or (0,) * len(value)
            summed[key[position]] = tuple(a + b for a, b in zip(previous, value, strict=True))
        else:
            summed[key[position]] += value
    return dict(summed)


def _when(conditions: list):
    """All of ``conditions`` (true when there are none)."""
    return and_(true(), *conditions)


def slot_places(filters: Filters) -> dict:
    """``{(slot kind, month): (slots offered, places offered, open slots, free places)}``.

    Offered: published slots starting in the period. Open and free: now, whatever the period.
    """
    taken = (
        select(Placement.slot_id, func.count().label("taken"))
        .where(Placement.status.in_(OCCUPYING_STATUSES))
        .group_by(Placement.slot_id)
        .subquery()
    )
    left = Slot.capacity - func.coalesce(taken.c.taken, 0)
    free = func.greatest(left, 0) if dialect() == "postgresql" else func.max(left, 0)
    month = month_of(slot_date())
    offered = _when([Slot.status != SlotStatus.DRAFT, *filters.period(slot_date())])
    is_open = Slot.status == SlotStatus.OPEN
    stmt = (
        select(
            Slot.kind,
            month,
            count_where(offered),
            func.coalesce(func.sum(case((offered, Slot.capacity), else_=0)), 0),
            count_where(is_open),
            func.coalesce(func.sum(case((is_open, free), else_=0)), 0),
        )
        .outerjoin(taken, taken.c.slot_id == Slot.id)
        .where(*filters.slots(Slot.id))
        .group_by(Slot.kind, month)
    )
    return {
        (kind, month): tuple(int(n) for n in counts)
        for kind, month, *counts in db.session.execute(stmt)
    }


@dataclass(frozen=True)
class Placed:
    # {(slot kind, candidate's organisation kind, month): (filled, ended, work, education)}
    counts: dict
    # {candidate's organisation kind, or TOTAL: (median days from registration, placements)}
    waits: dict


def placed(filters: Filters) -> Placed:
    """The placements, counted by slot kind, the candidate's organisation kind and month.

    Filled: placements starting in the period (the month they start). Ended: completed or ended
    early in the period, and how many of those went on to work or to education. Waits: days from
    the candidate's registration to placements made in the period, the median per organisation
    kind and in all; PostgreSQL finds them in the same pass (``GROUPING SETS``).
    """
    month = month_of(placement_date())
    filled = _when(filters.period(placement_date()))
    ended = _when(
        [
            Placement.status.in_(ENDED),
            *filters.period(func.coalesce(Placement.end_date, func.date(Placement.updated_at))),
        ]
    )
    made = _when(filters.period(Placement.created_at))
    stmt = (
        select(
            Slot.kind,
            Organisation.kind,
            month,
            count_where(filled),
            count_where(ended),
            count_where(ended & Placement.outcome.in_(WORK)),
            count_where(ended & Placement.outcome.in_(EDUCATION)),
        )
        .join(Slot, Slot.id == driving(Placement.slot_id))
        .join(Candidate, Candidate.id == driving(Placement.candidate_id))
        .join(Organisation, Organisation.id == Candidate.organisation_id)
        .where(*filters.matches(Placement.slot_id, Placement.candidate_id))
    )
    if PERIOD in filters.active:  # rows that count for nothing are left unread
        stmt = stmt.where(filled | ended | made)
    if dialect() != "postgresql":
        rows = db.session.execute(stmt.group_by(Slot.kind, Organisation.kind, month))
        counts = {(kind, owner, month): tuple(found) for kind, owner, month, *found in rows}
        return Placed(counts, _waits(filters))
    days = days_between(Placement.created_at, Candidate.created_at)
    stmt = stmt.add_columns(
        func.grouping(Slot.kind, Organisation.kind, month),
        count_where(made),
        func.percentile_cont(0.5).within_group(days).filter(made),
    ).group_by(
        func.grouping_sets(
            tuple_(Slot.kind, Organisation.kind, month), tuple_(Organisation.kind), tuple_()
        )
    )
    counts, waits = {}, {}
    for kind, owner, month, *found, level, people, median in db.session.execute(stmt):
        if level == 0:  # one slot kind, organisation kind and month
            counts[(kind, owner, month)] = tuple(found)
        elif people:  # one organisation kind (0b101), or every placement (0b111)
            waits[TOTAL if level == 0b111 else owner] = (median, people)
    return Placed(counts, waits)


def _waits(filters: Filters) -> dict:
    base = (
        select(
            days_between(Placement.created_at, Candidate.created_at).label("v"),
            Organisation.kind.label("g"),
        )
        .join(Candidate, Candidate.id == driving(Placement.candidate_id))
        .join(Organisation, Organisation.id == Candidate.organisation_id)
        .where(*filters.period(Placement.created_at))
        .where(*filters.matches(Placement.slot_id, Placement.candidate_id))
    )
    return median_map(base, total_key=TOTAL)
