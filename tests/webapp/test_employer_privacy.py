"""Employers only ever see the pseudonym: no notification or e-mail to an employer names the
candidate (reference code, display name) or carries the caseworker's notes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import make_user
from flask_babel import force_locale
from sqlalchemy import select
from test_proposals import World

from webapp.models import Notification, OutgoingMail
from webapp.services import accounts, notifications, placements, proposals, pseudonyms

SECRET_NOTE = "Hemmelig notat som arbeidsgiveren aldri skal se."


@pytest.fixture
def world(app_ctx, app):
    with app.test_request_context():
        world = World()
        world.candidate.reference_code = "REF-HEMMELIG-77"
        world.candidate.display_name = "Navn Hemmeligsen"
        yield world


def _every_flow_that_reaches_an_employer(world, db):
    """Propose, remind, withdraw, propose again, accept, the start reminder, follow-up, invite."""
    suggestion = world.suggestion(db)
    proposals.approve(world.caseworker, suggestion)
    proposals.propose(world.caseworker, suggestion, answer_days=1)
    proposals.remind_and_expire()  # deadline_near
    proposals.withdraw(world.caseworker, suggestion, reason="Feil person")
    db.session.refresh(suggestion)
    suggestion.status = "approved"
    db.session.commit()
    proposals.propose(world.caseworker, suggestion)
    placement = proposals.accept(world.employer, suggestion)
    start = placement.start_date
    assert placements.send_reminders(start - timedelta(days=placements.STARTING_SOON_DAYS)) == {
        "starting": 1,
        "follow_ups": 0,
    }
    placements.change_state(world.caseworker, placement, "start", today=start)
    placements.send_reminders(placement.follow_up_date)
    accounts.invite_user(None, world.employer_org, email="ny@lager.example.no", name="Ny Ansatt")
    return placement


def test_no_notification_or_mail_to_an_employer_names_the_candidate(world, db, app):
    with app.test_request_context():
        _every_flow_that_reaches_an_employer(world, db)
    employer_ids = {u.id for u in world.employer_org.users}
    employer_mail = {u.email for u in world.employer_org.users}
    texts = []
    for note in db.session.scalars(select(Notification)):
        if note.user_id in employer_ids:
            for locale in ("nb", "en"):
                with app.test_request_context(), force_locale(locale):
                    texts.append(" ".join(notifications.render(note.kind, note.params)))
            texts.append(str(note.params))
    texts += [
        m.subject + m.body
        for m in db.session.scalars(select(OutgoingMail))
        if m.to in employer_mail
    ]
    kinds = {n.kind for n in db.session.scalars(select(Notification)) if n.user_id in employer_ids}
    assert kinds >= {
        "proposal_new",
        "deadline_near",
        "proposal_withdrawn",
        "placement_starting_employer",
    }
    for secret in ("REF-HEMMELIG-77", "Navn Hemmeligsen", SECRET_NOTE):
        assert not [t for t in texts if secret in t], secret


def test_the_start_reminder_names_the_pseudonym_to_the_employer_and_the_code_to_the_caseworker(
    world, db, app
):
    with app.test_request_context():
        placement = _every_flow_that_reaches_an_employer(world, db)
    by_user = {}
    for note in db.session.scalars(
        select(Notification).where(Notification.kind.like("placement_starting%"))
    ):
        by_user[note.user_id] = notifications.render(note.kind, note.params)[1]
    assert f"Kandidat {pseudonyms.of_placement(placement)}" in by_user[world.employer.id]
    assert "REF-HEMMELIG-77" in by_user[world.caseworker.id]


@pytest.mark.parametrize("param", sorted(notifications.CASEWORKER_ONLY_PARAMS))
def test_a_notification_naming_a_candidate_cannot_reach_an_employer(app, db, param):
    employer = make_user()
    with app.test_request_context(), pytest.raises(notifications.PrivacyError):
        notifications.notify([employer], "proposal_accepted", **{param: "REF-1"}, slot="X")
    assert db.session.scalars(select(Notification)).first() is None
