"""The employer's proposal card: a stable pseudonym, the caseworker's note, why the match was
made, and, once accepted, whom to call — only while the candidate's consent holds, audited."""

from __future__ import annotations

import pytest
from factories import PASSWORD
from sqlalchemy import select
from support import submit
from test_proposals import World

from webapp.models import AuditEvent, SuggestionStatus
from webapp.placements.views import proposal_card
from webapp.services import candidates, proposals, pseudonyms

NOTE = "Stødig og punktlig, har kjørt truck i praksis før."


@pytest.fixture
def world(app_ctx, app, db):
    with app.test_request_context():
        world = World()
        world.candidate.display_name = "Amina Hassan"
        world.nav.contact_phone = "22 33 44 55"
        db.session.commit()
        world.approved = world.suggestion(db)
        proposals.approve(world.caseworker, world.approved)
        yield world


def test_the_pseudonym_is_stable_and_not_the_id(world, app):
    with app.test_request_context():
        first = pseudonyms.of_suggestion(world.approved.id)
        assert first == pseudonyms.of_suggestion(world.approved.id)
        assert str(world.approved.id) not in first.split()[0]
        names = {pseudonyms.of_suggestion(n) for n in range(1, 200)}
        assert len(names) > 150  # different proposals read differently


def test_the_caseworker_writes_a_note_the_employer_reads(world, db, client, auth):
    auth.login(world.caseworker.email, PASSWORD)
    page = f"/veileder/kandidater/{world.candidate.id}/forslag"
    assert 'name="employer_note"' in client.get(page).get_data(as_text=True)
    submit(
        client,
        f"/veileder/forslag/{world.approved.id}/propose",
        {"employer_note": f"  {NOTE}  "},
        form_url=page,
    )
    db.session.refresh(world.approved)
    assert world.approved.status == SuggestionStatus.PROPOSED
    assert world.approved.employer_note == NOTE
    auth.logout()
    auth.login(world.employer.email, PASSWORD)
    html = client.get(f"/arbeidsgiver/forslag/{world.approved.id}").get_data(as_text=True)
    assert NOTE in html
    assert f"Kandidat {pseudonyms.of_suggestion(world.approved.id)}" in html
    assert "Hvorfor kandidaten passer plassen" in html
    assert "Amina" not in html and "22 33 44 55" not in html  # not before they say yes


def test_a_too_long_note_is_refused_and_nothing_is_sent(world, db, client, auth):
    auth.login(world.caseworker.email, PASSWORD)
    response = submit(
        client,
        f"/veileder/forslag/{world.approved.id}/propose",
        {"employer_note": "x" * 501},
        form_url=f"/veileder/kandidater/{world.candidate.id}/forslag",
        follow_redirects=True,
    )
    assert "500" in response.get_data(as_text=True)
    db.session.refresh(world.approved)
    assert world.approved.status == SuggestionStatus.APPROVED


def test_after_acceptance_the_employer_sees_first_name_and_contact_audited(
    world, db, client, auth, app
):
    proposals.propose(world.caseworker, world.approved, employer_note=NOTE)
    placement = proposals.accept(world.employer, world.approved)
    auth.login(world.employer.email, PASSWORD)
    for url in (
        f"/arbeidsgiver/forslag/{world.approved.id}",
        f"/arbeidsgiver/praksis/{placement.id}",
    ):
        html = client.get(url).get_data(as_text=True)
        assert "Amina" in html and "Hassan" not in html
        assert world.caseworker.email in html and "22 33 44 55" in html
    shown = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "candidate.contact_shown")
    ).all()
    assert len(shown) == 2 and {e.actor_id for e in shown} == {world.employer.id}
    # Consent withdrawn: the card, contact included, is gone.
    candidates.withdraw_consent(world.caseworker, world.candidate)
    with app.test_request_context():
        assert proposal_card(world.approved) is None
    assert "Amina" not in client.get(f"/arbeidsgiver/praksis/{placement.id}").get_data(as_text=True)
