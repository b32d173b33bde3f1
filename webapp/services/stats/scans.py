"""Grouped scans that more than one figure reads, each made once per page.

Several figures slice the same facts: places by slot kind and by month, outcomes by slot kind and
by the candidate's organisation. Each scan reads its table once, grouped by every slice's key at
once (a few dozen groups), and the figures add up the groups they show: one pass over the slots
or the placements instead of one per figure. A ``Scans`` lives for one ``figures()`` or
``figure()`` call, so nothing it holds outlasts the page or the export that asked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import (
    Candidate,
    Organisation,
    Placement,
    PlacementOutcome,
    PlacementStatus,
    Slot,
    SlotStatus,
)
from webapp.services.stats.filters import Filters
from webapp.services.stats.sql import count_where, driving, month_of

WORK = (PlacementOutcome.EMPLOYMENT, PlacementOutcome.APPRENTICESHIP_CONTRACT)
EDUCATION = (PlacementOutcome.EDUCATION, PlacementOutcome.FURTHER_TRAINING)
ENDED = (PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY)


class Scans:
    """The filters of one page, and the scans already made for it."""

    def __init__(self, filters: Filters):
        self.filters = filters
        self._found: dict[str, dict] = {}

    def once(self, scan: Callable[[Filters], dict]) -> dict:
        if scan.__name__ not in self._found:
            self._found[scan.__name__] = scan(self.filters)
        return self._found[scan.__name__]


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


def offered(filters: Filters) -> dict:
    """``{(slot kind, month): places}`` of published slots starting in the period."""
    month = month_of(slot_date())
    stmt = (
        select(Slot.kind, month, func.coalesce(func.sum(Slot.capacity), 0))
        .where(Slot.status != SlotStatus.DRAFT, *filters.period(slot_date()))
        .where(*filters.slots(Slot.id))
        .group_by(Slot.kind, month)
    )
    return {(kind, month): int(places) for kind, month, places in db.session.execute(stmt)}


def filled(filters: Filters) -> dict:
    """``{(slot kind, month): placements}`` starting in the period."""
    month = month_of(placement_date())
    stmt = (
        select(Slot.kind, month, func.count(Placement.id))
        .join(Slot, Slot.id == driving(Placement.slot_id))
        .where(*filters.period(placement_date()))
        .where(*filters.matches(Placement.slot_id, Placement.candidate_id))
        .group_by(Slot.kind, month)
    )
    return {(kind, month): people for kind, month, people in db.session.execute(stmt)}


def ended(filters: Filters) -> dict:
    """``{(slot kind, candidate's organisation kind): (ended, in work, in education)}``."""
    stmt = (
        select(
            Slot.kind,
            Organisation.kind,
            func.count(Placement.id),
            count_where(Placement.outcome.in_(WORK)),
            count_where(Placement.outcome.in_(EDUCATION)),
        )
        .join(Slot, Slot.id == driving(Placement.slot_id))
        .join(Candidate, Candidate.id == driving(Placement.candidate_id))
        .join(Organisation, Organisation.id == Candidate.organisation_id)
        .where(Placement.status.in_(ENDED))
        .where(*filters.period(func.coalesce(Placement.end_date, func.date(Placement.updated_at))))
        .where(*filters.matches(Placement.slot_id, Placement.candidate_id))
        .group_by(Slot.kind, Organisation.kind)
    )
    return {(kind, owner): (n, w, e) for kind, owner, n, w, e in db.session.execute(stmt)}
