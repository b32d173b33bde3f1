"""Allocation rounds through the service and the pages: capacity, rules, scoping, messages."""

from __future__ import annotations

from datetime import date

import pytest
from factories import PASSWORD, make_candidate, make_organisation, make_slot, make_user
from sqlalchemy import select
from support import submit

from webapp.models import (
    AllocationRound,
    AuditEvent,
    OrganisationKind,
    Placement,
    Suggestion,
    SuggestionStatus,
)
from webapp.models.base import utcnow
from webapp.services import allocation, matchmaking
from webapp.services.errors import DomainError

GOALS = "Vil jobbe på lager med plukk og pakk og varemottak."


class Market:
    """One popular slot with one place, a wider slot with three, and four lager candidates."""

    def __init__(self):
        self.employer = make_organisation(OrganisationKind.EMPLOYER)
        self.popular = make_slot(
            self.employer,
            title="Lagermedarbeider plukk og pakk varemottak",
            description="Plukk og pakk og varemottak på lageret.",
            capacity=1,
            start_date=date(2026, 8, 10),
        )
        self.wide = make_slot(
            self.employer,
            title="Lager og butikk",
            description="Varemottak og lager, litt butikk.",
            capacity=3,
            start_date=date(2026, 8, 17),
        )
        self.other_kind = make_slot(self.employer, kind="apprenticeship", title="Lærling lager")
        self.nav = make_organisation(OrganisationKind.NAV_OFFICE)
        self.lead = make_user(self.nav, is_admin=True, email="leder@nav.example.no")
        self.caseworker = make_user(self.nav, email="veileder@nav.example.no")
        self.candidates = [
            make_candidate(self.nav, goals=GOALS, reference_code=f"LAGER-{i}") for i in range(4)
        ]
        self.blocked = make_candidate(
            self.nav, goals=GOALS, adaptation_needs=["step_free_access"], reference_code="RAMPE"
        )
        self.other_nav = make_organisation(OrganisationKind.NAV_OFFICE)
        self.outsider = make_candidate(self.other_nav, goals=GOALS)
        self.admin = make_user(kind=OrganisationKind.MUNICIPALITY, email="admin@kommune.example.no")
        matchmaking.rebuild()


@pytest.fixture
def market(db):
    return Market()


def test_a_round_places_everyone_it_can_without_exceeding_any_slots_capacity(market, db):
    found = allocation.start_round(market.lead, allocation.RoundFilters(kind="work_training"))
    pairs = db.session.scalars(
        select(Suggestion).where(Suggestion.allocation_round_id == found.id)
    ).all()
    per_slot = {}
    for pair in pairs:
        per_slot[pair.slot_id] = per_slot.get(pair.slot_id, 0) + 1
        assert pair.status == SuggestionStatus.SUGGESTED
        assert pair.candidate.organisation_id == market.nav.id
    assert per_slot == {market.popular.id: 1, market.wide.id: 3}
    assert found.totals["round"]["placed"] == 4
    assert found.totals["greedy"]["placed"] < 4  # everyone's top-1 is the popular slot
    assert found.totals["unplaced"] == {str(market.blocked.id): "no_feasible_slot"}
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "allocation_round.started")
    )


def test_a_round_counts_places_already_taken(market, db):
    db.session.add(
        Placement(candidate_id=market.outsider.id, slot_id=market.wide.id, status="active")
    )
    db.session.commit()
    found = allocation.start_round(market.lead, allocation.RoundFilters(kind="work_training"))
    assert found.totals["places"] == 3
    assert found.totals["round"]["placed"] == 3


def test_a_round_never_reopens_a_decided_pair(market, db):
    rejected = db.session.scalar(
        select(Suggestion).where(
            Suggestion.candidate_id == market.candidates[0].id,
            Suggestion.slot_id == market.wide.id,
        )
    ) or Suggestion(candidate_id=market.candidates[0].id, slot_id=market.wide.id, score=0.5)
    rejected.status = SuggestionStatus.REJECTED
    db.session.add(rejected)
    db.session.commit()
    found = allocation.start_round(market.lead, allocation.RoundFilters(kind="work_training"))
    db.session.refresh(rejected)
    assert rejected.status == SuggestionStatus.REJECTED
    assert rejected.allocation_round_id is None
    assert found.totals["round"]["placed"] == 4


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (allocation.RoundFilters(kind="school_placement"), "Ingen åpne plasser"),
        (allocation.RoundFilters(start_month=date(2030, 1, 1)), "Ingen åpne plasser"),
        (allocation.RoundFilters(municipality="Finnes ikke"), "Ingen åpne plasser"),
    ],
)
def test_a_round_over_zero_slots_is_refused_with_a_clear_message(market, db, filters, message):
    with pytest.raises(DomainError, match=message):
        allocation.start_round(market.lead, filters)
    assert db.session.scalar(select(AllocationRound)) is None


def test_a_round_where_every_slot_is_full_is_refused_with_a_clear_message(market, db):
    for slot, n in ((market.popular, 1), (market.wide, 3)):
        for _ in range(n):
            db.session.add(Placement(candidate_id=market.outsider.id, slot_id=slot.id))
    db.session.commit()
    with pytest.raises(DomainError, match="fulle"):
        allocation.start_round(market.lead, allocation.RoundFilters(kind="work_training"))


def test_a_round_without_a_model_is_refused(db):
    lead = make_user(make_organisation(OrganisationKind.NAV_OFFICE), is_admin=True)
    make_slot()
    with pytest.raises(DomainError, match="ikke bygget"):
        allocation.start_round(lead, allocation.RoundFilters())


def test_only_admins_and_caseworker_org_admins_start_rounds(market, db):
    with pytest.raises(PermissionError):
        allocation.start_round(market.caseworker, allocation.RoundFilters())
    with pytest.raises(DomainError):
        allocation.start_round(market.admin, allocation.RoundFilters())  # no team chosen
    found = allocation.start_round(
        market.admin, allocation.RoundFilters(kind="work_training"), market.nav.id
    )
    assert found.organisation_id == market.nav.id


def test_the_round_page_shows_totals_to_admins_and_pairs_only_to_the_team(market, app, db):
    found = allocation.start_round(market.lead, allocation.RoundFilters(kind="work_training"))
    url = f"/fordeling/{found.id}"
    team = app.test_client()
    submit(team, "/logg-inn", {"email": market.caseworker.email, "password": PASSWORD})
    page = team.get(url).get_data(as_text=True)
    assert "LAGER-0" in page and "RAMPE" in page
    admin = app.test_client()
    submit(admin, "/logg-inn", {"email": market.admin.email, "password": PASSWORD})
    page = admin.get(url).get_data(as_text=True)
    assert "Kandidater plassert" in page
    assert "LAGER-0" not in page and "RAMPE" not in page
    # The candidate's suggestions say where the pair came from.
    page = team.get(f"/veileder/kandidater/{market.candidates[0].id}/forslag").get_data(
        as_text=True
    )
    assert f"Fra fordelingsrunde {found.id}" in page


def test_starting_a_round_through_the_page_redirects_to_it_or_explains_why_not(market, app, db):
    client = app.test_client()
    submit(client, "/logg-inn", {"email": market.lead.email, "password": PASSWORD})
    form = {"kind": "work_training", "start_month": "", "municipality": ""}
    response = submit(client, "/fordeling/ny", form, form_url="/fordeling/")
    assert response.status_code == 302, response.get_data(as_text=True)
    response = submit(client, "/fordeling/ny", {"kind": "school_placement"}, form_url="/fordeling/")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ingen åpne plasser" in page, page[page.find("<main") :][:3000]
    response = submit(
        client, "/fordeling/ny", {**form, "start_month": "0001-13\x00"}, form_url="/fordeling/"
    )
    assert response.status_code == 422


def test_a_refit_keeps_the_pairs_a_round_proposed(market, db, monkeypatch):
    found = allocation.start_round(market.lead, allocation.RoundFilters(kind="work_training"))
    # Each candidate's own top list is now one slot long, so a refit ranks the round's pairs out
    # of most candidates' lists; the round chose them for the team, so they stay.
    monkeypatch.setattr(matchmaking, "SUGGESTIONS_PER_PROFILE", 1)
    matchmaking.rebuild()
    pairs = db.session.scalars(
        select(Suggestion).where(Suggestion.allocation_round_id == found.id)
    ).all()
    assert len(pairs) == found.totals["stored"] == 4
    assert {pair.status for pair in pairs} == {SuggestionStatus.SUGGESTED}


def test_a_candidate_who_withdrew_consent_takes_no_place_in_a_round(market, db):
    from webapp.services import candidates as candidate_service

    withdrawn = market.candidates[0]
    withdrawn.consent_at = utcnow()
    db.session.commit()
    candidate_service.withdraw_consent(market.caseworker, withdrawn)
    db.session.commit()
    found = allocation.start_round(market.lead, allocation.RoundFilters(kind="work_training"))
    pairs = db.session.scalars(
        select(Suggestion).where(Suggestion.allocation_round_id == found.id)
    ).all()
    assert withdrawn.id not in {pair.candidate_id for pair in pairs}
    assert found.totals["candidates"] == 4  # three of the four plus the one needing a ramp
    assert found.totals["round"]["placed"] == 3
    assert found.totals["already_decided"] == 0
