"""The audit trail records employers looking at candidate cards and placements, and every
refusal (403/404) of an object route to a logged-in user."""

from __future__ import annotations

from sqlalchemy import select
from test_access_matrix import World, _client_as

from webapp.models import AuditEvent


def _events(db, action):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def test_an_employer_viewing_a_candidate_card_is_audited(app, db):
    world = World()
    employer = world.users["employer"]
    url = f"/arbeidsgiver/forslag/{world.values['suggestion_id']}"
    assert _client_as(app, world, "employer").get(url).status_code == 200
    (event,) = _events(db, "candidate.card_viewed")
    assert (event.actor_id, event.object_type) == (employer.id, "suggestion")
    assert event.object_id == str(world.values["suggestion_id"])


def test_an_employer_viewing_a_placement_is_audited(app, db):
    world = World()
    url = f"/arbeidsgiver/praksis/{world.values['placement_id']}"
    assert _client_as(app, world, "employer").get(url).status_code == 200
    (event,) = _events(db, "placement.viewed")
    assert (event.actor_id, event.object_id) == (
        world.users["employer"].id,
        str(world.values["placement_id"]),
    )


def test_another_organisations_object_is_refused_and_audited(app, db):
    world = World()
    url = f"/arbeidsgiver/praksis/{world.values['placement_id']}"
    assert _client_as(app, world, "employer_b").get(url).status_code == 404
    assert _client_as(app, world, "caseworker_a").get(url).status_code == 403
    refusals = _events(db, "access.refused")
    assert [(e.actor_id, e.detail["status"], e.detail["endpoint"]) for e in refusals] == [
        (world.users["employer_b"].id, 404, "employer.placement"),
        (world.users["caseworker_a"].id, 403, "employer.placement"),
    ]
    assert refusals[0].detail["args"] == {"placement_id": str(world.values["placement_id"])}
    assert not _events(db, "placement.viewed")


def test_anonymous_visitors_and_unknown_pages_leave_no_refusal(app, db):
    world = World()
    _client_as(app, world, "anonymous").get(f"/arbeidsgiver/praksis/{world.values['placement_id']}")
    _client_as(app, world, "employer").get("/finnes-ikke")
    assert not _events(db, "access.refused")
