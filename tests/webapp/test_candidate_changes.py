"""Changing a candidate: editing the profile, pausing, reactivating and archiving."""

from __future__ import annotations

import pytest
from candidate_support import (
    events,
    field_error,
    form_data,
    login_caseworker,
    url,
)
from factories import make_candidate, make_user
from support import submit

from webapp.models import (
    OrganisationKind,
)
from webapp.services import candidates as service
from webapp.services.errors import DomainError


@pytest.fixture
def caseworker(db, auth):
    return login_caseworker(auth)


# --- editing -----------------------------------------------------------------------------------


def test_editing_changes_the_candidate_and_audits_the_field_names(client, caseworker, db):
    candidate = make_candidate(caseworker.organisation, reference_code="E-1", caseworker=caseworker)
    page = client.get(url(candidate, "/endre")).get_data(as_text=True)
    assert 'value="E-1"' in page
    assert [e.detail for e in events(db, "candidate.viewed", candidate)] == [{"page": "edit"}]
    data = form_data(caseworker, reference_code="E-1", display_name=candidate.display_name)
    data["kinds"] = ["work_training"]
    response = submit(client, url(candidate, "/endre"), data)
    assert response.status_code == 302
    db.session.refresh(candidate)
    assert candidate.hours_per_week == 30
    assert candidate.home_postal_code == "1470"
    (event,) = events(db, "candidate.updated", candidate)
    assert event.actor_id == caseworker.id
    assert "hours_per_week" in event.detail["fields"]
    assert "kinds" not in event.detail["fields"]
    assert "display_name" not in event.detail["fields"]
    assert "Ønsker formiddag." not in str(event.detail)  # names, never values


def test_editing_to_a_reference_code_already_used_is_refused(client, caseworker, db):
    make_candidate(caseworker.organisation, reference_code="TAKEN")
    candidate = make_candidate(caseworker.organisation, reference_code="MINE")
    response = submit(
        client, url(candidate, "/endre"), form_data(caseworker, reference_code="TAKEN")
    )
    assert response.status_code == 200
    assert "allerede brukt" in field_error(response.get_data(as_text=True), "reference_code")
    db.session.refresh(candidate)
    assert candidate.reference_code == "MINE"
    assert candidate.hours_per_week is None  # nothing else was saved either


def test_keeping_the_own_reference_code_is_fine(client, caseworker, db):
    candidate = make_candidate(caseworker.organisation, reference_code="SAME")
    response = submit(
        client, url(candidate, "/endre"), form_data(caseworker, reference_code="SAME")
    )
    assert response.status_code == 302


def test_an_archived_candidate_cannot_be_edited(client, caseworker, db):
    candidate = make_candidate(caseworker.organisation, status="archived")
    response = submit(client, url(candidate, "/endre"), form_data(caseworker))
    assert response.status_code == 200
    assert "arkivert kandidat kan ikke endres" in response.get_data(as_text=True)
    db.session.refresh(candidate)
    assert candidate.reference_code != "NAV-001"


# --- states ------------------------------------------------------------------------------------


def test_pause_reactivate_and_archive_with_a_confirmation_step(client, caseworker, db):
    candidate = make_candidate(caseworker.organisation)
    detail = url(candidate)
    assert submit(client, url(candidate, "/pause"), form_url=detail).status_code == 302
    db.session.refresh(candidate)
    assert candidate.status == "paused"
    assert submit(client, url(candidate, "/aktiver"), form_url=detail).status_code == 302
    db.session.refresh(candidate)
    assert candidate.status == "active"

    confirm_page = client.get(url(candidate, "/arkiver"))
    assert confirm_page.status_code == 200
    assert "Ja, arkiver kandidaten" in confirm_page.get_data(as_text=True)
    db.session.refresh(candidate)
    assert candidate.status == "active"  # asking is not doing
    assert submit(client, url(candidate, "/arkiver")).status_code == 302
    db.session.refresh(candidate)
    assert candidate.status == "archived"
    assert candidate.archived_at is not None
    actions = [e.action for e in events(db, "candidate.paused", candidate)]
    actions += [e.action for e in events(db, "candidate.reactivated", candidate)]
    actions += [e.action for e in events(db, "candidate.archived", candidate)]
    assert sorted(actions) == ["candidate.archived", "candidate.paused", "candidate.reactivated"]

    assert submit(client, url(candidate, "/aktiver"), form_url=detail).status_code == 302
    db.session.refresh(candidate)
    assert candidate.status == "active"
    assert candidate.archived_at is None


@pytest.mark.parametrize(
    ("status", "action"),
    [("paused", "pause"), ("active", "reactivate"), ("archived", "archive"), ("archived", "pause")],
)
def test_a_transition_the_state_does_not_allow_is_a_domain_error(db, status, action):
    user = make_user(kind=OrganisationKind.NAV_OFFICE)
    candidate = make_candidate(user.organisation, status=status)
    with pytest.raises(DomainError):
        service.change_status(user, candidate, action)
    db.session.refresh(candidate)
    assert candidate.status == status


def test_an_illegal_transition_through_the_page_is_a_message_not_a_change(client, caseworker, db):
    candidate = make_candidate(caseworker.organisation, status="paused")
    response = submit(
        client, url(candidate, "/pause"), form_url=url(candidate), follow_redirects=True
    )
    assert response.status_code == 200
    assert "går ikke når kandidaten har status" in response.get_data(as_text=True)
    db.session.refresh(candidate)
    assert candidate.status == "paused"


def test_state_actions_need_the_csrf_token(client, caseworker, db):
    candidate = make_candidate(caseworker.organisation)
    assert client.post(url(candidate, "/pause")).status_code == 400
    assert client.post(url(candidate, "/samtykke/trekk")).status_code == 400
    db.session.refresh(candidate)
    assert candidate.status == "active"
