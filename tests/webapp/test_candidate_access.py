"""Who may see a candidate: scoping to the own organisation, the audit of every view, export."""

from __future__ import annotations

from datetime import date

import pytest
from candidate_support import (
    NEW,
    events,
    form_data,
    login_caseworker,
    other_caseworker,
    url,
)
from factories import PASSWORD, make_candidate, make_slot, make_user
from sqlalchemy import func, select
from support import submit

from webapp.models import (
    AuditEvent,
    OrganisationKind,
    Placement,
    Suggestion,
)


@pytest.fixture
def caseworker(db, auth):
    return login_caseworker(auth)


# --- scoping and audit --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("get", "/endre"),
        ("post", "/endre"),
        ("post", "/pause"),
        ("post", "/aktiver"),
        ("get", "/arkiver"),
        ("post", "/arkiver"),
        ("post", "/samtykke"),
        ("post", "/samtykke/trekk"),
        ("get", "/eksport"),
    ],
)
def test_another_organisations_candidate_answers_404(client, auth, db, method, suffix):
    candidate = make_candidate(consent=True)  # a NAV office of its own
    stranger = other_caseworker()
    auth.login(stranger.email, PASSWORD)
    if method == "get":
        response = client.get(url(candidate, suffix))
    else:
        response = submit(
            client, url(candidate, suffix), form_data(stranger), form_url="/veileder/"
        )
    assert response.status_code == 404
    db.session.refresh(candidate)
    assert candidate.status == "active"
    assert candidate.has_consent
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.object_type == "candidate")
        )
        == 0
    )


def test_a_missing_candidate_answers_404(client, caseworker):
    assert client.get("/veileder/kandidater/987654").status_code == 404


def test_the_list_shows_only_the_own_organisations_candidates(client, caseworker, db):
    make_candidate(caseworker.organisation, reference_code="OWN-1")
    make_candidate(reference_code="FOREIGN-1")
    page = client.get("/veileder/kandidater").get_data(as_text=True)
    assert "OWN-1" in page
    assert "FOREIGN-1" not in page
    page = client.get("/veileder/kandidater?q=FOREIGN").get_data(as_text=True)
    assert "FOREIGN-1" not in page
    assert "Ingen kandidater passer til søket." in page


@pytest.mark.parametrize("kind", [OrganisationKind.EMPLOYER, OrganisationKind.SCHOOL])
def test_other_roles_may_not_use_the_caseworker_pages(client, auth, db, kind):
    candidate = make_candidate()
    user = make_user(kind=kind)
    auth.login(user.email, PASSWORD)
    for path in ("/veileder/kandidater", url(candidate), url(candidate, "/eksport"), NEW):
        assert client.get(path).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, db):
    candidate = make_candidate()
    response = client.get(url(candidate))
    assert response.status_code == 302
    assert "/logg-inn" in response.headers["Location"]


def test_every_view_of_a_candidate_is_audited(client, caseworker, db):
    candidate = make_candidate(caseworker.organisation)
    client.get(url(candidate))
    client.get(url(candidate))
    viewed = events(db, "candidate.viewed", candidate)
    assert len(viewed) == 2
    assert {e.actor_id for e in viewed} == {caseworker.id}
    assert viewed[0].detail == {"page": "detail"}


def test_the_detail_page_shows_needs_consent_and_history(client, caseworker, db):
    candidate = make_candidate(
        caseworker.organisation,
        consent=True,
        adaptation_needs=["mentor"],
        home_postal_code="1470",
        notes="Hemmelig notat",
    )
    client.get(url(candidate))
    page = client.get(url(candidate)).get_data(as_text=True)
    assert "Fast mentor eller fadder" in page
    assert "1470 LØRENSKOG" in page
    assert "Hemmelig notat" in page
    assert "Trekk samtykket" in page
    # Looks are in the admin's audit log, not in the candidate's history of decisions.
    assert "candidate.viewed" not in page and "Så på" not in page
    assert "Ingen avgjørelser ennå." in page


def test_the_list_is_not_cached_by_the_browser(client, caseworker):
    assert client.get("/veileder/kandidater").headers["Cache-Control"] == "no-store"


# --- export (right of access) ---------------------------------------------------------------


def test_export_contains_everything_about_the_candidate(client, caseworker, db):
    candidate = make_candidate(
        caseworker.organisation,
        consent=True,
        skills=["matlaging"],
        notes="Notat",
        caseworker=caseworker,
    )
    slot = make_slot(title="Kokkelærling")
    suggestion = Suggestion(candidate=candidate, slot=slot, score=0.75, reasons=["skill"])
    db.session.add(suggestion)
    db.session.flush()
    db.session.add(
        Placement(
            suggestion_id=suggestion.id,
            candidate_id=candidate.id,
            slot_id=slot.id,
            start_date=date(2027, 1, 4),
        )
    )
    db.session.commit()
    client.get(url(candidate))

    response = client.get(url(candidate, "/eksport"))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert candidate.reference_code in disposition
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    exported = data["candidate"]
    assert exported["reference_code"] == candidate.reference_code
    assert exported["display_name"] == candidate.display_name
    assert exported["notes"] == "Notat"
    assert exported["skills"] == [{"code": "matlaging", "name": "Matlaging"}]
    assert exported["consent"]["in_force"] is True
    assert exported["responsible_caseworker"]["name"] == "Vera Veileder"
    for name in (
        "goals",
        "experience",
        "education",
        "norwegian_level",
        "home_postal_code",
        "max_commute_km",
        "hours_per_week",
        "available_from",
        "adaptation_needs",
        "kinds_wanted",
        "occupations_wanted",
        "programme",
        "status",
    ):
        assert name in exported
    assert [s["slot"]["title"] for s in data["suggestions"]] == ["Kokkelærling"]
    assert data["suggestions"][0]["score"] == 0.75
    assert [p["start_date"] for p in data["placements"]] == ["2027-01-04"]
    actions = [e["action"] for e in data["audit_events"]]
    assert actions[:1] == ["candidate.viewed"]
    assert "candidate.exported" in actions
    assert len(events(db, "candidate.exported", candidate)) == 1


def test_export_of_another_organisations_candidate_answers_404(client, caseworker, db):
    candidate = make_candidate()
    assert client.get(url(candidate, "/eksport")).status_code == 404
    assert events(db, "candidate.exported") == []
