"""A caseworker's work queue: what waits for them, counted in SQL, each with its filtered list.

Each queue is a named condition on suggestions or placements of the caseworker's own
organisation. The home page counts every queue with one aggregate statement per table; the
lists filter by the same condition, so a count and its list always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import contains_eager

from webapp.extensions import db
from webapp.models import (
    Candidate,
    CandidateStatus,
    Placement,
    PlacementStatus,
    Slot,
    Suggestion,
    SuggestionStatus,
    User,
)

#: A suggestion at or above this score is "strong" (scores run 0–1).
STRONG_SCORE = 0.6
#: Answers and strong suggestions this recent are "new".
RECENT_DAYS = 14

SUGGESTION_QUEUES = {
    "svar": _l("Svar fra arbeidsgivere"),
    "venter": _l("Venter på svar fra arbeidsgiver"),
    "sterke": _l("Nye sterke forslag for dine kandidater"),
}
PLACEMENT_QUEUES = {
    "oppstart": _l("Starter denne uken"),
    "oppfolging": _l("Oppfølging nå"),
    "utfall": _l("Mangler utfall"),
}


@dataclass(frozen=True)
class WorkQueue:
    answers_received: int
    answers_due: int
    strong_suggestions: int
    starting_this_week: int
    follow_ups_due: int
    outcomes_missing: int

    @property
    def empty(self) -> bool:
        return not any(vars(self).values())


def _since(today: date) -> datetime:
    return datetime.combine(today - timedelta(days=RECENT_DAYS), time.min)


def suggestion_condition(queue: str, actor: User, today: date):
    """The SQL condition of one suggestion queue (``queue`` a key of SUGGESTION_QUEUES)."""
    if queue == "svar":
        return Suggestion.status.in_((SuggestionStatus.ACCEPTED, SuggestionStatus.DECLINED)) & (
            Suggestion.answered_at >= _since(today)
        )
    if queue == "venter":
        return Suggestion.status == SuggestionStatus.PROPOSED
    if queue == "sterke":
        return (
            (Suggestion.status == SuggestionStatus.SUGGESTED)
            & (Suggestion.score >= STRONG_SCORE)
            & (Suggestion.created_at >= _since(today))
            & (Candidate.caseworker_id == actor.id)
            & (Candidate.status == CandidateStatus.ACTIVE)
        )
    raise KeyError(queue)


def placement_condition(queue: str, today: date):
    """The SQL condition of one placement queue (``queue`` a key of PLACEMENT_QUEUES)."""
    if queue == "oppstart":
        # Up to Sunday, and planned starts already past: those still need starting.
        sunday = today + timedelta(days=6 - today.weekday())
        return (Placement.status == PlacementStatus.PLANNED) & (Placement.start_date <= sunday)
    if queue == "oppfolging":
        return (Placement.status == PlacementStatus.ACTIVE) & (Placement.follow_up_date <= today)
    if queue == "utfall":
        return (Placement.status == PlacementStatus.ACTIVE) & (Placement.end_date < today)
    raise KeyError(queue)


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def work_queue(actor: User, today: date | None = None) -> WorkQueue:
    """Every queue's count for ``actor``'s organisation: two statements, whatever the numbers."""
    today = today or date.today()
    own = Candidate.organisation_id == actor.organisation_id
    # Only rows some queue can count are read (the WHERE repeats the conditions), so the
    # count does not scan the organisation's 100,000 undecided suggestions.
    conditions = [suggestion_condition(q, actor, today) for q in SUGGESTION_QUEUES]
    suggestions = db.session.execute(
        select(*(_count_if(c) for c in conditions))
        .select_from(Suggestion)
        .join(Candidate, Candidate.id == Suggestion.candidate_id)
        .where(own, or_(*conditions))
    ).one()
    conditions = [placement_condition(q, today) for q in PLACEMENT_QUEUES]
    placements = db.session.execute(
        select(*(_count_if(c) for c in conditions))
        .select_from(Placement)
        .join(Candidate, Candidate.id == Placement.candidate_id)
        .where(own, or_(*conditions))
    ).one()
    return WorkQueue(*(int(n) for n in (*suggestions, *placements)))


def suggestions_statement(actor: User, queue: str, today: date | None = None):
    """The suggestions of one queue, the most pressing first, with what the list shows."""
    today = today or date.today()
    order = {
        "svar": (Suggestion.answered_at.desc(),),
        "venter": (Suggestion.answer_due,),
        "sterke": (Suggestion.score.desc(),),
    }[queue]
    return (
        select(Suggestion)
        .join(Candidate, Candidate.id == Suggestion.candidate_id)
        .join(Slot, Slot.id == Suggestion.slot_id)
        .options(
            contains_eager(Suggestion.candidate),
            contains_eager(Suggestion.slot).joinedload(Slot.organisation),
        )
        .where(
            Candidate.organisation_id == actor.organisation_id,
            suggestion_condition(queue, actor, today),
        )
        .order_by(*order, Suggestion.id)
    )
