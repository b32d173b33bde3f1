"""`flask seed synthetic`: the large data set, with suggestions and placements, that someone
can sign in to and try."""

from __future__ import annotations

from sqlalchemy import func, select

from seeds.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from seeds.synthetic import seed_synthetic
from webapp.models import Candidate, Placement, Slot, Suggestion, SuggestionStatus, User


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_synthetic_seed_makes_suggestions_and_placements_within_capacity(db):
    counts = seed_synthetic(candidates=200, slots=80, suggestions=500, placements=30)
    assert (counts["suggestions"], counts["placements"]) == (500, 30)
    assert _count(db, Suggestion) == 500
    assert _count(db, Placement) == 30
    statuses = set(db.session.scalars(select(Suggestion.status).distinct()))
    assert {SuggestionStatus.SUGGESTED, SuggestionStatus.PROPOSED} <= statuses
    per_slot = db.session.execute(
        select(Placement.slot_id, func.count()).group_by(Placement.slot_id)
    ).all()
    assert max(n for _slot, n in per_slot) == 1
    accepted = _count(db, Suggestion, Suggestion.status == SuggestionStatus.ACCEPTED)
    assert accepted == 30


def test_without_the_demo_it_makes_logins_for_every_role(client, auth, db):
    counts = seed_synthetic(candidates=30, slots=10)
    assert counts["attached_to_demo"] is False
    assert len(counts["logins"]) == 4
    caseworker = next(email for email in counts["logins"] if ".caseworker." in email)
    auth.login(caseworker, DEMO_PASSWORD)
    page = client.get("/veileder/kandidater").get_data(as_text=True)
    assert "30 kandidater" in page


def test_after_the_demo_it_belongs_to_the_demo_organisations(runner, db):
    seed_demo()
    demo_caseworker = db.session.scalar(
        select(User).where(User.email == DEMO_LOGINS["caseworker"][0])
    )
    before = _count(db, Candidate, Candidate.organisation_id == demo_caseworker.organisation_id)
    result = runner.invoke(
        args=["seed", "synthetic", "--candidates", "40", "--slots", "12", "--suggestions", "50"]
    )
    assert result.exit_code == 0, result.output
    assert DEMO_LOGINS["caseworker"][0] in result.output
    assert "demo" in result.output
    after = _count(db, Candidate, Candidate.organisation_id == demo_caseworker.organisation_id)
    assert after == before + 40
    demo_employer = db.session.scalar(select(User).where(User.email == DEMO_LOGINS["employer"][0]))
    assert _count(db, Slot, Slot.organisation_id == demo_employer.organisation_id) >= 12


def test_large_sets_spread_over_offices_and_employers_like_a_county(db, monkeypatch):
    """Ten times the data is ten times the offices: the first office (the one with logins) keeps
    one caseload, so the benchmark measures pages against the tables, not one giant office."""
    import seeds.synthetic as synthetic

    monkeypatch.setattr(synthetic, "CASELOAD", 50)
    monkeypatch.setattr(synthetic, "SLOTS_PER_EMPLOYER", 20)
    counts = seed_synthetic(candidates=120, slots=50, suggestions=100)
    assert (counts["offices"], counts["employers"]) == (3, 3)
    per_office = sorted(
        n
        for (n,) in db.session.execute(
            select(func.count()).select_from(Candidate).group_by(Candidate.organisation_id)
        )
    )
    assert per_office == [20, 50, 50]
    per_employer = sorted(
        n
        for (n,) in db.session.execute(
            select(func.count()).select_from(Slot).group_by(Slot.organisation_id)
        )
    )
    assert per_employer == [10, 20, 20]
    first = db.session.scalar(select(User).where(User.email == counts["logins"][0]))
    mine = _count(db, Candidate, Candidate.organisation_id == first.organisation_id)
    assert mine == 50
    assert _count(db, Candidate, Candidate.caseworker_id == first.id) == 50
