"""API v1 resources: the pages' permissions and rules, JSON conventions, problem responses."""

from __future__ import annotations

import re

import pytest
from api_support import bearer, user_with_token
from factories import approve_agreement, make_candidate, make_organisation, make_site, make_slot
from support import next_year

from webapp.extensions import db as _db
from webapp.models import (
    Candidate,
    OrganisationKind,
    Placement,
    Slot,
    Suggestion,
    SuggestionStatus,
)

ISO_WITH_ZONE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")


def slot_body(site_id: int, **values) -> dict:
    return {
        "kind": "work_training",
        "title": "Lagermedarbeider",
        "description": "Plukk og pakk på lageret.",
        "site_id": site_id,
        "hours_per_week": 30,
        "start_date": next_year(2, 1).isoformat(),
        **values,
    }


@pytest.fixture
def employer(db):
    organisation = make_organisation(OrganisationKind.EMPLOYER)
    user, token = user_with_token("employer", organisation)
    return user, bearer(token), make_site(organisation)


@pytest.fixture
def caseworker(db):
    user, token = user_with_token("caseworker")
    return user, bearer(token)


# --- slots -------------------------------------------------------------------------------------


def test_an_employer_creates_reads_and_updates_a_slot_with_etags(client, employer):
    _user, headers, site = employer
    created = client.post("/api/v1/slots", json=slot_body(site.id), headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["status"] == "draft"
    assert created.headers["Location"] == f"/api/v1/slots/{created.json['id']}"
    assert ISO_WITH_ZONE.match(created.json["created_at"])
    url = created.headers["Location"]
    read = client.get(url, headers=headers)
    etag = read.headers["ETag"]
    assert client.patch(url, json={"title": "Ny"}, headers=headers).status_code == 428
    stale = client.patch(url, json={"title": "Ny"}, headers={**headers, "If-Match": '"old"'})
    assert stale.status_code == 412
    assert stale.content_type == "application/problem+json"
    changed = client.patch(url, json={"title": "Ny"}, headers={**headers, "If-Match": etag})
    assert changed.status_code == 200 and changed.json["title"] == "Ny"
    assert changed.headers["ETag"] != etag
    again = client.patch(url, json={"title": "Igjen"}, headers={**headers, "If-Match": etag})
    assert again.status_code == 412  # the second system read the old copy


def test_slot_state_actions_follow_the_state_machine(client, employer):
    _user, headers, site = employer
    slot = client.post("/api/v1/slots", json=slot_body(site.id), headers=headers).json
    published = client.post(f"/api/v1/slots/{slot['id']}/publish", headers=headers)
    assert published.status_code == 200 and published.json["status"] == "open"
    again = client.post(f"/api/v1/slots/{slot['id']}/publish", headers=headers)
    assert again.status_code == 409
    assert again.json["status"] == 409 and again.json["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"hours_per_week": 41}, "hours_per_week"),
        ({"capacity": 10**30}, "capacity"),
        ({"title": "a\x00b"}, "title"),
        ({"kind": "no_such_kind"}, "kind"),
        ({"skills": ["no-such-skill"]}, "skills"),
        ({"end_date": next_year(1, 1).isoformat()}, "end_date"),  # before the start
        ({"colour": "blue"}, "colour"),
        ({"hours_per_week": "30"}, "hours_per_week"),
        ({"start_date": "0001-13-01"}, "start_date"),
    ],
)
def test_invalid_slot_input_answers_422_with_the_field(client, employer, db, change, field):
    _user, headers, site = employer
    answer = client.post("/api/v1/slots", json=slot_body(site.id, **change), headers=headers)
    assert answer.status_code == 422, answer.json
    assert answer.content_type == "application/problem+json"
    assert field in {error["field"] for error in answer.json["errors"]}
    assert db.session.query(Slot).count() == 0


def test_another_organisations_site_is_a_field_error(client, employer, db):
    _user, headers, _site = employer
    foreign = make_site()
    answer = client.post("/api/v1/slots", json=slot_body(foreign.id), headers=headers)
    assert answer.status_code == 422
    assert answer.json["errors"][0]["field"] == "site_id"


def test_malformed_json_wrong_type_and_huge_bodies_are_problems(client, employer, db):
    _user, headers, _site = employer
    bad = client.post(
        "/api/v1/slots", data="{not json", headers={**headers, "Content-Type": "application/json"}
    )
    assert bad.status_code == 400 and bad.content_type == "application/problem+json"
    form = client.post("/api/v1/slots", data={"title": "x"}, headers=headers)
    assert form.status_code == 415
    huge = client.post(
        "/api/v1/slots",
        data=b"[" + b"1," * (5 * 1024 * 1024) + b"1]",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert huge.status_code == 413
    assert db.session.query(Slot).count() == 0


def test_other_organisations_slots_answer_404(client, employer):
    _user, headers, _site = employer
    foreign = make_slot(status="draft")
    assert client.get(f"/api/v1/slots/{foreign.id}", headers=headers).status_code == 404
    answer = client.post(f"/api/v1/slots/{foreign.id}/close", headers=headers)
    assert answer.status_code == 404


def test_caseworkers_read_open_slots_only_and_cannot_write(client, caseworker, employer):
    _user, headers = caseworker
    open_slot = make_slot(title="Kokk på kantina")
    draft = make_slot(status="draft")
    listed = client.get("/api/v1/slots?q=kokk", headers=headers)
    assert [s["id"] for s in listed.json["items"]] == [open_slot.id]
    assert client.get(f"/api/v1/slots/{draft.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/slots/{open_slot.id}", headers=headers).status_code == 200
    _e, _h, site = employer
    assert client.post("/api/v1/slots", json=slot_body(site.id), headers=headers).status_code == 403


def test_lists_are_paged_with_link_headers(client, caseworker):
    _user, headers = caseworker
    for _ in range(3):
        make_slot()
    first = client.get("/api/v1/slots?per_page=2", headers=headers)
    assert first.json["total"] == 3 and len(first.json["items"]) == 2
    assert first.headers["X-Total-Count"] == "3"
    assert 'rel="next"' in first.headers["Link"] and "page=2" in first.headers["Link"]
    second = client.get("/api/v1/slots?per_page=2&page=2", headers=headers)
    assert len(second.json["items"]) == 1 and 'rel="prev"' in second.headers["Link"]


def test_schools_and_admins_have_no_slot_access(client, db):
    for role in ("school", "admin"):
        _user, token = user_with_token(role)
        assert client.get("/api/v1/slots", headers=bearer(token)).status_code == 403


# --- candidates --------------------------------------------------------------------------------


def test_a_caseworker_registers_changes_and_archives_a_candidate(client, caseworker, db):
    _user, headers = caseworker
    body = {"reference_code": "NAV-1", "display_name": "Amina", "kinds": ["work_training"]}
    created = client.post("/api/v1/candidates", json=body, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["consent"]["in_force"] is False
    url = created.headers["Location"]
    etag = client.get(url, headers=headers).headers["ETag"]
    changed = client.patch(
        url, json={"goals": "Jobbe i butikk"}, headers={**headers, "If-Match": etag}
    )
    assert changed.status_code == 200 and changed.json["goals"] == "Jobbe i butikk"
    archived = client.post(url + "/archive", headers=headers)
    assert archived.json["status"] == "archived"


def test_a_duplicate_reference_code_is_a_field_error(client, caseworker, db):
    user, headers = caseworker
    make_candidate(user.organisation, reference_code="NAV-1")
    body = {"reference_code": "nav-1", "display_name": "Bo"}
    answer = client.post("/api/v1/candidates", json=body, headers=headers)
    assert answer.status_code == 422
    assert answer.json["errors"] == [
        {"in": "json", "field": "reference_code", "detail": answer.json["detail"]}
    ]


def test_national_identity_numbers_are_refused(client, caseworker, db):
    _user, headers = caseworker
    body = {"reference_code": "NAV-2", "display_name": "010190 12345"}
    answer = client.post("/api/v1/candidates", json=body, headers=headers)
    assert answer.status_code == 422 and answer.json["errors"][0]["field"] == "display_name"
    assert db.session.query(Candidate).count() == 0


def test_consent_is_given_and_withdrawn(client, caseworker):
    user, headers = caseworker
    candidate = make_candidate(user.organisation)
    url = f"/api/v1/candidates/{candidate.id}/consent"
    assert client.post(url, json={"scope": ""}, headers=headers).status_code == 422
    given = client.post(url, json={"scope": "Deling med arbeidsgivere"}, headers=headers)
    assert given.status_code == 200 and given.json["consent"]["in_force"] is True
    withdrawn = client.delete(url, headers=headers)
    assert withdrawn.status_code == 200 and withdrawn.json["consent"]["in_force"] is False
    assert client.delete(url, headers=headers).status_code == 409


def test_candidates_of_other_organisations_answer_404_and_employers_403(client, caseworker):
    _user, headers = caseworker
    foreign = make_candidate()
    assert client.get(f"/api/v1/candidates/{foreign.id}", headers=headers).status_code == 404
    _employer, token = user_with_token("employer")
    assert client.get("/api/v1/candidates", headers=bearer(token)).status_code == 403


# --- suggestions, proposals, placements --------------------------------------------------------


def test_from_suggestion_to_placement_over_the_api(client, caseworker, employer, db):
    user, headers = caseworker
    boss, boss_headers, site = employer
    slot = make_slot(boss.organisation, site=site, capacity=1)
    candidate = make_candidate(user.organisation, consent=True)
    suggestion = Suggestion(candidate=candidate, slot=slot, score=0.8)
    _db.session.add(suggestion)
    _db.session.commit()

    listed = client.get(f"/api/v1/suggestions?candidate_id={candidate.id}", headers=headers)
    assert [s["id"] for s in listed.json["items"]] == [suggestion.id]
    base = f"/api/v1/suggestions/{suggestion.id}"
    assert client.post(base + "/approve", headers=headers).json["status"] == "approved"
    assert client.post(base + "/propose", headers=headers).json["status"] == "proposed"

    inbox = client.get("/api/v1/proposals", headers=boss_headers).json["items"]
    assert [p["id"] for p in inbox] == [suggestion.id]
    assert inbox[0]["candidate"]["pseudonym"] and "display_name" not in inbox[0]["candidate"]
    assert candidate.display_name not in str(inbox)
    accepted = client.post(
        f"/api/v1/proposals/{suggestion.id}/accept", json={}, headers=boss_headers
    )
    assert accepted.status_code == 201, accepted.json
    placement_url = accepted.headers["Location"]
    assert "candidate_id" not in accepted.json

    mine = client.get("/api/v1/placements", headers=headers).json["items"]
    assert [p["candidate_id"] for p in mine] == [candidate.id]
    # Work training starts only on an approved agreement (its pages: test_agreement_pages.py).
    refused = client.post(placement_url + "/start", json={}, headers=headers)
    assert refused.status_code >= 400 and "avtalen" in str(refused.json)
    placement = _db.session.get(Placement, int(placement_url.rstrip("/").rsplit("/", 1)[1]))
    approve_agreement(placement, boss, user)
    started = client.post(placement_url + "/start", json={}, headers=headers)
    assert started.json["status"] == "active"
    no_outcome = client.post(placement_url + "/complete", json={}, headers=boss_headers)
    assert no_outcome.status_code == 422
    done = client.post(
        placement_url + "/complete", json={"outcome": "employment"}, headers=boss_headers
    )
    assert done.json["status"] == "completed" and done.json["outcome"] == "employment"
    assert _db.session.query(Placement).count() == 1


def test_rejecting_needs_a_known_reason(client, caseworker, db):
    user, headers = caseworker
    suggestion = Suggestion(
        candidate=make_candidate(user.organisation), slot=make_slot(), score=0.5
    )
    _db.session.add(suggestion)
    _db.session.commit()
    url = f"/api/v1/suggestions/{suggestion.id}/reject"
    assert client.post(url, json={"reason_code": "nope"}, headers=headers).status_code == 422
    other = client.post(url, json={"reason_code": "other"}, headers=headers)
    assert other.status_code == 422 and other.json["errors"][0]["field"] == "reason"
    done = client.post(url, json={"reason_code": "too_far"}, headers=headers)
    assert done.json["status"] == "rejected"


def test_proposing_without_consent_is_refused(client, caseworker, db):
    user, headers = caseworker
    suggestion = Suggestion(
        candidate=make_candidate(user.organisation),
        slot=make_slot(),
        score=0.5,
        status=SuggestionStatus.APPROVED,
    )
    _db.session.add(suggestion)
    _db.session.commit()
    answer = client.post(f"/api/v1/suggestions/{suggestion.id}/propose", headers=headers)
    assert answer.status_code == 409
    _db.session.refresh(suggestion)
    assert suggestion.status == SuggestionStatus.APPROVED


def test_employers_do_not_see_proposals_to_other_employers(client, employer, db):
    _user, headers, _site = employer
    foreign = Suggestion(
        candidate=make_candidate(consent=True),
        slot=make_slot(),
        score=0.5,
        status=SuggestionStatus.PROPOSED,
    )
    _db.session.add(foreign)
    _db.session.commit()
    assert client.get(f"/api/v1/proposals/{foreign.id}", headers=headers).status_code == 404
    assert client.get("/api/v1/proposals", headers=headers).json["items"] == []


# --- statistics, reference, spec ---------------------------------------------------------------


def test_statistics_are_for_admins_only(client, db):
    _admin, token = user_with_token("admin")
    answer = client.get("/api/v1/statistics", headers=bearer(token))
    assert answer.status_code == 200 and "slots_open" in answer.json["headline"]
    assert answer.json["tables"] and answer.json["tables"][0]["columns"]
    _user, other = user_with_token("caseworker")
    assert client.get("/api/v1/statistics", headers=bearer(other)).status_code == 403


@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01"])
def test_a_date_outside_the_window_is_a_field_problem_not_a_500(client, db, query):
    _admin, token = user_with_token("admin")
    answer = client.get(f"/api/v1/statistics?{query}", headers=bearer(token))
    assert answer.status_code == 422, answer.get_data(as_text=True)[:300]
    assert answer.mimetype == "application/problem+json"
    assert query.split("=")[0] in answer.get_data(as_text=True)


def test_taxonomies_list_the_codes_in_both_languages(client, caseworker):
    _user, headers = caseworker
    nb = client.get("/api/v1/taxonomies/slot-kinds", headers=headers).json["items"]
    en = client.get("/api/v1/taxonomies/slot-kinds?lang=en", headers=headers).json["items"]
    assert {i["code"] for i in nb} == {i["code"] for i in en} and "work_training" in {
        i["code"] for i in nb
    }
    assert nb != en


def test_the_openapi_document_is_3_1_and_public(client, db):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert spec.json["openapi"].startswith("3.1")
    assert "/api/v1/slots/{slot_id}" in spec.json["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in html and "<script>" not in html
    assert "https://" not in html.split("</header>", 1)[-1]


def test_unknown_api_routes_answer_problems(client, db):
    answer = client.get("/api/v1/nothing-here")
    assert answer.status_code == 404 and answer.content_type == "application/problem+json"
    assert answer.json["status"] == 404


def test_ids_beyond_32_bits_answer_404_not_an_overflow(client, caseworker):
    _user, headers = caseworker
    answer = client.get("/api/v1/candidates/9223372036854775808", headers=headers)
    assert answer.status_code == 404 and answer.content_type == "application/problem+json"
