"""A caseworker's work queue: what waits for them, counted in SQL, each with its filtered list.

Each queue is a named condition on suggestions or placements of the caseworker's own
organisation. The home page counts every queue in one statement, each count stopping past
``COUNT_CAP``; the lists filter by the same condition, so a count and its list always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
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
#: A queue is counted up to this many; the home page shows more as "999+".
COUNT_CAP = 999

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


def _capped_count(statement):
    """``count(*)`` of ``statement`` that stops at ``COUNT_CAP + 1`` rows."""
    bounded = statement.limit(COUNT_CAP + 1).subquery()
    return select(func.count()).select_from(bounded).scalar_subquery()


def work_queue(actor: User, today: date | None = None) -> WorkQueue:
    """Every queue's count for ``actor``'s organisation, in one statement whatever the numbers.

    Each count stops past ``COUNT_CAP``: an office with 200,000 suggestions waiting would
    otherwise pay a scan that grows with the table on every visit to its home page.
    """
    today = today or date.today()
    own = Candidate.organisation_id == actor.organisation_id
    counts = [
        _capped_count(
            select(Suggestion.id)
            .join(Candidate, Candidate.id == Suggestion.candidate_id)
            .where(own, suggestion_condition(queue, actor, today))
        )
        for queue in SUGGESTION_QUEUES
    ] + [
        _capped_count(
            select(Placement.id)
            .join(Candidate, Candidate.id == Placement.candidate_id)
            .where(own, placement_condition(queue, today))
        )
        for queue in PLACEMENT_QUEUES
    ]
    return WorkQueue(*(int(n) for n in db.session.execute(select(*counts)).one()))


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
