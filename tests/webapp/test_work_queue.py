"""The caseworker's home as a work queue: counts in SQL, each linking to the list it counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import PASSWORD, make_candidate, make_organisation, make_slot, make_user

from webapp.models import (
    OrganisationKind,
    Placement,
    PlacementStatus,
    Suggestion,
    SuggestionStatus,
    utcnow,
)
from webapp.services import work_queue

# The pages count from today's date, so the world is built around it ("this week" ends Sunday).
TODAY = date.today()
SUNDAY = TODAY + timedelta(days=6 - TODAY.weekday())


class World:
    """One NAV office with something in every queue, and another office that must not count."""

    def __init__(self, db):
        employer = make_organisation(OrganisationKind.EMPLOYER)
        self.slots = [make_slot(employer, title=f"Plass {k}", capacity=5) for k in range(4)]
        self.nav = make_organisation(OrganisationKind.NAV_OFFICE)
        self.caseworker = make_user(self.nav, email="kari@nav.example.no")
        colleague = make_user(self.nav)
        mine = [
            make_candidate(self.nav, caseworker=self.caseworker, consent=True) for _ in range(4)
        ]
        theirs = make_candidate(self.nav, caseworker=colleague, consent=True)
        other_office = make_candidate(make_organisation(OrganisationKind.NAV_OFFICE))
        now = utcnow()
        old = now - timedelta(days=40)
        add = db.session.add

        def suggestion(candidate, slot, status, score=0.5, **values):
            row = Suggestion(candidate=candidate, slot=slot, score=score, status=status, **values)
            add(row)
            return row

        # Answers: two recent (one from a colleague's candidate), one old.
        suggestion(mine[0], self.slots[0], SuggestionStatus.ACCEPTED, answered_at=now)
        suggestion(theirs, self.slots[0], SuggestionStatus.DECLINED, answered_at=now)
        suggestion(mine[1], self.slots[0], SuggestionStatus.DECLINED, answered_at=old)
        suggestion(other_office, self.slots[0], SuggestionStatus.ACCEPTED, answered_at=now)
        # Waiting for an answer.
        suggestion(mine[2], self.slots[0], SuggestionStatus.PROPOSED, answer_due=TODAY)
        suggestion(other_office, self.slots[1], SuggestionStatus.PROPOSED, answer_due=TODAY)
        # Strong: only my candidates', new and above the threshold.
        self.strong = suggestion(mine[0], self.slots[1], SuggestionStatus.SUGGESTED, score=0.8)
        suggestion(mine[1], self.slots[1], SuggestionStatus.SUGGESTED, score=0.3)
        suggestion(theirs, self.slots[1], SuggestionStatus.SUGGESTED, score=0.9)
        suggestion(mine[2], self.slots[1], SuggestionStatus.SUGGESTED, score=0.9, created_at=old)
        suggestion(other_office, self.slots[2], SuggestionStatus.SUGGESTED, score=0.9)

        def placement(candidate, slot, status, **dates):
            add(Placement(candidate=candidate, slot=slot, status=status, **dates))

        placement(mine[0], self.slots[2], PlacementStatus.PLANNED, start_date=SUNDAY)
        placement(
            mine[1], self.slots[2], PlacementStatus.PLANNED, start_date=SUNDAY + timedelta(days=1)
        )
        placement(
            mine[2],
            self.slots[3],
            PlacementStatus.ACTIVE,
            start_date=TODAY - timedelta(days=30),
            end_date=TODAY - timedelta(days=1),
            follow_up_date=TODAY,
        )
        placement(
            mine[3],
            self.slots[3],
            PlacementStatus.ACTIVE,
            start_date=TODAY - timedelta(days=30),
            end_date=TODAY + timedelta(days=30),
            follow_up_date=TODAY + timedelta(days=1),
        )
        placement(
            other_office, self.slots[3], PlacementStatus.ACTIVE, end_date=TODAY - timedelta(days=5)
        )
        db.session.commit()


@pytest.fixture
def world(db):
    return World(db)


def test_counts_each_queue_of_the_own_office(world, db, count_queries):
    db.session.refresh(world.caseworker)  # loaded before counting, as the signed-in user is
    with count_queries() as counted:
        queue = work_queue.work_queue(world.caseworker, today=TODAY)
    assert queue == work_queue.WorkQueue(
        answers_received=2,
        answers_due=1,
        strong_suggestions=1,
        starting_this_week=1,
        follow_ups_due=1,
        outcomes_missing=1,
    )
    assert len(counted) == 1  # every queue in one statement


def test_each_list_holds_what_its_count_counts(world, db):
    for key in work_queue.SUGGESTION_QUEUES:
        rows = db.session.scalars(
            work_queue.suggestions_statement(world.caseworker, key, today=TODAY)
        ).all()
        assert all(s.candidate.organisation_id == world.nav.id for s in rows)
        expected = {"svar": 2, "venter": 1, "sterke": 1}[key]
        assert len(rows) == expected, key
    strong = db.session.scalars(
        work_queue.suggestions_statement(world.caseworker, "sterke", today=TODAY)
    ).one()
    assert strong.id == world.strong.id


@pytest.fixture
def signed_in(world, auth):
    auth.login(world.caseworker.email, PASSWORD)
    return world


def test_home_shows_counts_that_link_to_the_filtered_lists(signed_in, client):
    html = client.get("/veileder/").get_data(as_text=True)
    assert "Arbeidskø" in html
    assert "Ingenting venter på deg nå." not in html
    for href in (
        "/veileder/forslag?vis=svar",
        "/veileder/forslag?vis=venter",
        "/veileder/forslag?vis=sterke",
        "/veileder/praksis?vis=oppstart",
        "/veileder/praksis?vis=oppfolging",
        "/veileder/praksis?vis=utfall",
    ):
        assert f'href="{href}"' in html, href
    assert "60" in html and "%" in html  # the threshold, as a Norwegian percentage


def test_a_long_queue_is_counted_only_past_the_cap(signed_in, client, monkeypatch):
    monkeypatch.setattr(work_queue, "COUNT_CAP", 0)
    queue = work_queue.work_queue(signed_in.caseworker, today=TODAY)
    assert queue.answers_received == 1  # two answers, counted no further than cap + 1
    monkeypatch.setattr(work_queue, "COUNT_CAP", 1)
    html = client.get("/veileder/").get_data(as_text=True)
    card = html[html.index('id="queue-svar"') :]
    assert "over 1" in card[: card.index("</li>")]


def test_suggestion_queue_page_lists_strong_suggestions(signed_in, client):
    html = client.get("/veileder/forslag?vis=sterke").get_data(as_text=True)
    assert f"#suggestion-{signed_in.strong.id}" in html
    assert "80\xa0%" in html
    # An unknown queue falls back to the answers, never a 500.
    assert client.get("/veileder/forslag?vis=%00x").status_code == 200


def test_placement_list_filters_by_queue(signed_in, client):
    all_rows = client.get("/veileder/praksis").get_data(as_text=True)
    assert all_rows.count("<tr>") == 5  # the header and four own placements
    outcome = client.get("/veileder/praksis?vis=utfall").get_data(as_text=True)
    assert outcome.count("<tr>") == 2
    assert "Vis alle praksisplasser" in outcome


def test_slot_pages_link_to_ranked_candidates(signed_in, client):
    slot = signed_in.slots[0]
    href = f'href="/veileder/plasser/{slot.id}/kandidater"'
    assert href in client.get(f"/veileder/plasser/{slot.id}").get_data(as_text=True)
    assert href in client.get("/veileder/plasser").get_data(as_text=True)


def test_other_roles_cannot_see_the_queue(world, client, auth):
    employer = make_user(make_organisation(OrganisationKind.EMPLOYER))
    auth.login(employer.email, PASSWORD)
    assert client.get("/veileder/forslag?vis=svar").status_code in (403, 404)
