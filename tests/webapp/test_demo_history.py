"""The demo's year of history: the dashboard tells a story on first login, the same every run."""

from __future__ import annotations

from sqlalchemy import func, select

from seeds.demo import seed_demo
from webapp.models import AuditEvent, Candidate, Placement, Suggestion
from webapp.services import stats


def _snapshot(db) -> dict:
    return {
        "figures": [(t.key, t.rows) for t in stats.figures()],
        "placements": db.session.execute(
            select(
                Placement.status, Placement.outcome, Placement.start_date, Placement.end_date
            ).order_by(Placement.id)
        ).all(),
        "answers": db.session.scalars(select(Suggestion.answered_at).order_by(Suggestion.id)).all(),
    }


def test_the_demo_history_has_placements_outcomes_declines_and_answer_times(db):
    seed_demo()
    placements = dict(
        db.session.execute(select(Placement.status, func.count()).group_by(Placement.status)).all()
    )
    assert placements.get("completed", 0) >= 20 and placements.get("ended_early", 0) >= 10
    assert placements.get("active", 0) >= 10
    funnel = {str(row[0]): row[1] for row in stats.figure("funnel").rows}
    assert funnel["Akseptert av arbeidsgiver"] >= 50  # no suppressed cell in the headline
    statuses = set(db.session.scalars(select(Suggestion.status).distinct()))
    assert {"declined", "rejected", "withdrawn", "accepted"} <= statuses
    answers = {str(row[0]): row for row in stats.figure("employer_answers").rows}
    assert 0 < answers["Alle typer"][3] < 100 and answers["Alle typer"][4] > 0
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "placement.complete")
        )
        == placements["completed"]
    )


def test_the_demo_history_is_the_same_every_run_and_made_once(db):
    seed_demo()
    first = _snapshot(db)
    people = db.session.scalar(select(func.count()).select_from(Candidate))
    seed_demo()
    assert db.session.scalar(select(func.count()).select_from(Candidate)) == people
    assert _snapshot(db) == first
