"""Placement dates follow the slot and the proposal: start within the slot's period, no start before
the start date without a reason, an end date on completion, a message for a bad acceptance date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import PASSWORD, approve_agreement
from sqlalchemy import select
from support import submit
from test_proposals import World

from webapp.models import AuditEvent, Placement, PlacementStatus, SuggestionStatus
from webapp.services import placements, proposals
from webapp.services.errors import DomainError


@pytest.fixture
def world(app_ctx, app):
    with app.test_request_context():
        yield World()


@pytest.mark.parametrize("offset", [-1, -365 * 2000, 365 * 3000])
def test_an_acceptance_date_outside_the_slots_period_is_refused(world, db, offset):
    world.slot.end_date = world.slot.start_date + timedelta(days=180)
    db.session.commit()
    suggestion = world.proposed(db)
    try:
        day = world.slot.start_date + timedelta(days=offset)
    except OverflowError:
        day = date.max
    with pytest.raises(DomainError) as refused:
        proposals.accept(world.employer, suggestion, day)
    assert refused.value.field == "start_date"
    assert db.session.get(type(suggestion), suggestion.id).status == SuggestionStatus.PROPOSED
    assert db.session.scalars(select(Placement)).first() is None


def test_an_acceptance_date_within_the_period_is_the_placements_start(world, db):
    suggestion = world.proposed(db)
    day = world.slot.start_date + timedelta(days=7)
    assert proposals.accept(world.employer, suggestion, day).start_date == day


def test_starting_before_the_start_date_needs_a_reason_kept_in_the_audit_trail(world, db):
    placement = proposals.accept(world.employer, world.proposed(db))
    approve_agreement(placement, world.employer, world.caseworker)
    assert placement.start_date > date.today()
    with pytest.raises(DomainError) as refused:
        placements.change_state(world.caseworker, placement, "start")
    assert refused.value.field == "early_start_reason"
    assert placement.status == PlacementStatus.PLANNED

    placements.change_state(
        world.caseworker, placement, "start", early_start_reason="Bedriften trengte folk nå."
    )
    assert (placement.status, placement.start_date) == (PlacementStatus.ACTIVE, date.today())
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "placement.start"))
    assert event.one().detail["early_start_reason"] == "Bedriften trengte folk nå."


def test_completing_a_placement_sets_its_end_date(world, db):
    placement = proposals.accept(world.employer, world.proposed(db))
    assert placement.end_date is None  # the slot has no end date
    approve_agreement(placement, world.employer, world.caseworker)
    start = placement.start_date
    placements.change_state(world.caseworker, placement, "start", today=start)
    done = start + timedelta(days=60)
    placements.change_state(world.employer, placement, "complete", outcome="employment", today=done)
    assert placement.end_date == done


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "ikke-en-dato"])
def test_an_invalid_acceptance_date_on_the_page_says_what_is_wrong(world, db, app, day):
    suggestion = world.proposed(db)
    client = app.test_client()
    submit(client, "/logg-inn", {"email": world.employer.email, "password": PASSWORD})
    url = f"/arbeidsgiver/forslag/{suggestion.id}"
    response = submit(client, f"{url}/godta", {"start_date": day}, form_url=url)
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'data-color="danger"' in page
    assert db.session.scalars(select(Placement)).first() is None


def test_a_follow_up_date_far_away_or_in_the_past_is_refused(world, db):
    placement = proposals.accept(world.employer, world.proposed(db))
    approve_agreement(placement, world.employer, world.caseworker)
    placements.change_state(world.caseworker, placement, "start", early_start_reason="Tidlig.")
    for day in (date.today() - timedelta(days=1), date.today() + timedelta(days=400)):
        with pytest.raises(DomainError):
            placements.set_follow_up(world.caseworker, placement, day)
