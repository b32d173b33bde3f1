"""Aggregate figures for the admin dashboard. Counts only: never a list of people."""

from __future__ import annotations

from statistics import median

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import (
    OCCUPYING_STATUSES,
    Candidate,
    CandidateStatus,
    Organisation,
    Placement,
    PlacementOutcome,
    PlacementStatus,
    Slot,
    SlotStatus,
)

# A cell that counts fewer people than this is suppressed (DESIGN.md §5).
SUPPRESS_BELOW = 5


def suppress(count: int) -> int | None:
    return count if count == 0 or count >= SUPPRESS_BELOW else None


def dashboard() -> dict:
    def count(stmt) -> int:
        return db.session.scalar(stmt) or 0

    return {
        "organisations_pending": count(
            select(func.count()).select_from(Organisation).where(Organisation.approved_at.is_(None))
        ),
        "slots_open": count(
            select(func.count()).select_from(Slot).where(Slot.status == SlotStatus.OPEN)
        ),
        "places_offered": count(
            select(func.coalesce(func.sum(Slot.capacity), 0)).where(Slot.status == SlotStatus.OPEN)
        ),
        "candidates_active": suppress(
            count(
                select(func.count())
                .select_from(Candidate)
                .where(Candidate.status == CandidateStatus.ACTIVE)
            )
        ),
        "placements_active": suppress(
            count(
                select(func.count())
                .select_from(Placement)
                .where(Placement.status.in_([PlacementStatus.PLANNED, PlacementStatus.ACTIVE]))
            )
        ),
    }


def placement_figures() -> dict:
    """Places filled, days from registration to placement (median), and outcomes.

    Every count of people below ``SUPPRESS_BELOW`` is hidden, and so is the median over fewer.
    """
    filled = (
        db.session.scalar(
            select(func.count())
            .select_from(Placement)
            .where(Placement.status.in_([*OCCUPYING_STATUSES, PlacementStatus.COMPLETED]))
        )
        or 0
    )
    waits = [
        (placed - registered).days
        for placed, registered in db.session.execute(
            select(Placement.created_at, Candidate.created_at).join(
                Candidate, Candidate.id == Placement.candidate_id
            )
        )
    ]
    outcomes = dict(
        db.session.execute(
            select(Placement.outcome, func.count())
            .where(Placement.outcome.is_not(None))
            .group_by(Placement.outcome)
        ).all()
    )
    return {
        "filled": suppress(filled),
        "median_days_to_placement": round(median(waits)) if len(waits) >= SUPPRESS_BELOW else None,
        "outcomes": {code: suppress(outcomes.get(code, 0)) for code in PlacementOutcome},
    }
