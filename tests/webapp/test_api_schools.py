"""API v1, school side: needs, the company finder, requests and partnerships, the school profile.

The same services and permissions as the school pages; every bad input of issue 12 answers a
problem with the field and saves nothing.
"""

from __future__ import annotations

import re

import pytest
from api_support import bearer, token_for
from factories import PASSWORD, make_organisation, make_user
from school_factories import (
    make_coordinator,
    make_need,
    make_open_employer,
    make_request,
    make_school,
)

from webapp.models import (
    AuditEvent,
    OrganisationKind,
    Partnership,
    PartnershipStatus,
    SchoolNeed,
    SchoolProfile,
)
from webapp.services.schools.finder import find_companies

NEED = {
    "title": "Utplassering Vg1 helse",
    "program_area_code": "HO",
    "trades": ["helsearbeiderfaget"],
    "kind": "placement",
    "students": 4,
    "period_start": "2027-03-08",
    "period_end": "2027-03-26",
    "requirements": "Verneutstyr",
}


@pytest.fixture
def world(db):
    """A school with a coordinator; an employer open to schools (room for 4) with an admin."""
    school = make_school()
    coordinator = make_coordinator(school)
    employer = make_open_employer("Sykehjem AS", students_per_period=4)
    employer_user = make_user(employer, is_admin=True)
    return {
        "school": school,
        "coordinator": coordinator,
        "school_h": bearer(token_for(coordinator)),
        "employer": employer,
        "employer_user": employer_user,
        "employer_h": bearer(token_for(employer_user)),
    }


def problem_fields(answer) -> set[str]:
    assert answer.content_type == "application/problem+json", answer.get_data(as_text=True)
    return {error["field"] for error in answer.json.get("errors", [])}


# --- the happy path --------------------------------------------------------------------------


def test_school_need_finder_request_accept_partnership_visible_to_both(client, world, db):
    school_h, employer_h = world["school_h"], world["employer_h"]
    make_open_employer("Bygg AS", program_areas=["BA"], trades=["tomrerfaget"])

    created = client.post("/api/v1/school-needs", json=NEED, headers=school_h)
    assert created.status_code == 201, created.json
    need = created.json
    assert need["status"] == "open" and need["covered_students"] == 0
    assert created.headers["Location"] == f"/api/v1/school-needs/{need['id']}"
    listed = client.get("/api/v1/school-needs?q=helse", headers=school_h)
    assert [n["id"] for n in listed.json["items"]] == [need["id"]]

    found = client.get(f"/api/v1/school-needs/{need['id']}/companies", headers=school_h)
    assert found.status_code == 200, found.json
    best = found.json["items"][0]
    assert best["employer"]["name"] == "Sykehjem AS" and best["rank"] == 1
    assert "tilbyr Helse- og oppvekstfag" in best["reasons"]
    assert best["free_capacity"] == 4 and best["request"] is None

    sent = client.post(
        f"/api/v1/school-needs/{need['id']}/requests",
        json={"employers": [best["employer"]["id"]], "message": "Hei fra skolen"},
        headers=school_h,
    )
    assert sent.status_code == 201, sent.json
    (request,) = sent.json["items"]
    assert request["status"] == "requested" and request["need_id"] == need["id"]
    assert request["allowed_actions"] == ["withdraw"]
    url = f"/api/v1/partnerships/{request['id']}"
    assert sent.headers["Location"] == url

    inbox = client.get("/api/v1/partnerships?status=waiting", headers=employer_h)
    assert [p["id"] for p in inbox.json["items"]] == [request["id"]]
    seen = client.get(url, headers=employer_h)
    assert seen.json["messages"][0]["body"] == "Hei fra skolen"
    assert seen.json["allowed_actions"] == ["accept", "decline"]
    assert "need_id" not in seen.json  # the need is the school's own business
    accepted = client.post(
        url + "/accept",
        json={"students": 3, "period_start": "2027-03-08", "period_end": "2027-03-19"},
        headers={**employer_h, "If-Match": seen.headers["ETag"]},
    )
    assert accepted.status_code == 200, accepted.json
    assert (accepted.json["status"], accepted.json["students"]) == ("accepted", 3)

    for headers in (school_h, employer_h):
        agreed = client.get("/api/v1/partnerships?status=agreed", headers=headers)
        assert [p["id"] for p in agreed.json["items"]] == [request["id"]]
    assert client.get(url, headers=school_h).json["employer_contact"]["name"]
    need_now = client.get(f"/api/v1/school-needs/{need['id']}", headers=school_h).json
    assert need_now["covered_students"] == 3
    again = client.get(f"/api/v1/school-needs/{need['id']}/companies", headers=school_h).json
    mine = next(m for m in again["items"] if m["employer"]["name"] == "Sykehjem AS")
    assert mine["request"] == {"id": request["id"], "status": "accepted"}
    assert mine["free_capacity"] == 1

    calls = db.session.query(AuditEvent).filter_by(action="api.call").all()
    assert {c.detail["status"] for c in calls} >= {200, 201}
    assert all(c.object_id for c in calls)  # each call names its token
    assert "partnership.accepted" in {e.action for e in db.session.query(AuditEvent)}


def test_the_finder_ranks_and_explains_exactly_as_the_page(client, auth, world, db):
    make_open_employer("Bygg AS", program_areas=["BA"], trades=["tomrerfaget"])
    make_open_employer("Omsorg AS", postal_code="1478", description="Sykehjem med pleie")
    need = make_need(world["school"], students=2)
    expected = find_companies(need)
    answer = client.get(f"/api/v1/school-needs/{need.id}/companies", headers=world["school_h"])
    got = answer.json["items"]
    assert [(m["employer"]["id"], m["score"], m["reasons"]) for m in got] == [
        (m.employer.id, m.score, m.reasons) for m in expected
    ]
    assert [m["rank"] for m in got] == [1, 2, 3]
    auth.login(world["coordinator"].email, PASSWORD)
    page = client.get(f"/skole/behov/{need.id}/bedrifter").get_data(as_text=True)
    assert [int(i) for i in re.findall(r'id="company-(\d+)"', page)] == [
        m["employer"]["id"] for m in got
    ]
    filtered = client.get(
        f"/api/v1/school-needs/{need.id}/companies?program_area=BA&per_page=1",
        headers=world["school_h"],
    )
    assert [m["employer"]["name"] for m in filtered.json["items"]] == ["Bygg AS"]
    assert filtered.json["total"] == 1


def test_the_finder_pages_with_link_headers(client, world, db):
    for n in range(3):
        make_open_employer(f"Firma {n} AS")
    need = make_need(world["school"])
    url = f"/api/v1/school-needs/{need.id}/companies?per_page=2"
    first = client.get(url, headers=world["school_h"])
    assert first.json["total"] == 4 and len(first.json["items"]) == 2
    assert 'rel="next"' in first.headers["Link"] and first.headers["X-Total-Count"] == "4"
    second = client.get(url + "&page=2", headers=world["school_h"]).json
    assert [m["rank"] for m in second["items"]] == [3, 4]


def test_need_update_needs_if_match_and_close_ends_it(client, world, db):
    school_h = world["school_h"]
    need = client.post("/api/v1/school-needs", json=NEED, headers=school_h).json
    url = f"/api/v1/school-needs/{need['id']}"
    etag = client.get(url, headers=school_h).headers["ETag"]
    assert client.patch(url, json={"students": 5}, headers=school_h).status_code == 428
    changed = client.patch(url, json={"students": 5}, headers={**school_h, "If-Match": etag})
    assert changed.status_code == 200 and changed.json["students"] == 5
    stale = client.patch(url, json={"students": 6}, headers={**school_h, "If-Match": etag})
    assert stale.status_code == 412
    closed = client.post(url + "/close", headers=school_h)
    assert closed.json["status"] == "closed" and closed.json["allowed_actions"] == []
    assert client.post(url + "/close", headers=school_h).status_code == 409
    fresh = {**school_h, "If-Match": closed.headers["ETag"]}
    assert client.patch(url, json={"students": 2}, headers=fresh).status_code == 409
    open_list = client.get("/api/v1/school-needs", headers=school_h).json
    assert open_list["total"] == 0
    closed_list = client.get("/api/v1/school-needs?status=closed", headers=school_h).json
    assert [n["id"] for n in closed_list["items"]] == [need["id"]]
    found = client.get(url + "/companies", headers=school_h).json
    assert found["items"] == []  # a closed need finds no one, as on the page


def test_withdraw_end_with_a_note_and_renew(client, world, db):
    school_h, employer_h = world["school_h"], world["employer_h"]
    need = make_need(world["school"])
    waiting = make_request(need, world["employer"], requested_by=world["coordinator"])
    url = f"/api/v1/partnerships/{waiting.id}"
    assert client.post(url + "/withdraw", headers=employer_h).status_code == 403
    withdrawn = client.post(url + "/withdraw", headers=school_h)
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    assert client.post(url + "/withdraw", headers=school_h).status_code == 409

    agreed = make_request(need, world["employer"], status=PartnershipStatus.ACCEPTED)
    url = f"/api/v1/partnerships/{agreed.id}"
    blank = client.post(url + "/end", json={"note": "   "}, headers=employer_h)
    assert blank.status_code == 422 and problem_fields(blank) == {"note"}
    ended = client.post(url + "/end", json={"note": "Bytter avdeling"}, headers=employer_h)
    assert ended.status_code == 200, ended.json
    assert (ended.json["status"], ended.json["end_note"]) == ("ended", "Bytter avdeling")
    renewed = client.post(url + "/renew", headers=school_h)
    assert renewed.status_code == 201, renewed.json
    assert renewed.json["renewed_from_id"] == agreed.id
    assert renewed.json["period_start"] == "2028-03-06"  # 52 weeks on: the same weekday
    assert renewed.headers["Location"] == f"/api/v1/partnerships/{renewed.json['id']}"
    assert client.post(url + "/renew", headers=school_h).status_code == 409


def test_decline_needs_a_known_reason_and_a_text_with_other(client, world, db):
    employer_h = world["employer_h"]
    p = make_request(make_need(world["school"]), world["employer"])
    url = f"/api/v1/partnerships/{p.id}/decline"
    unknown = client.post(url, json={"reason_code": "busy"}, headers=employer_h)
    assert unknown.status_code == 422 and problem_fields(unknown) == {"reason_code"}
    bare = client.post(url, json={"reason_code": "other"}, headers=employer_h)
    assert bare.status_code == 422 and problem_fields(bare) == {"reason"}
    db.session.refresh(p)
    assert p.status == "requested"
    declined = client.post(
        url, json={"reason_code": "other", "reason": "Ombygging"}, headers=employer_h
    )
    assert declined.status_code == 200
    assert (declined.json["answer_reason_code"], declined.json["answer_reason"]) == (
        "other",
        "Ombygging",
    )
    school_view = client.get(f"/api/v1/partnerships/{p.id}", headers=world["school_h"]).json
    assert school_view["status"] == "declined" and school_view["allowed_actions"] == []


# --- bad input (issue 12): a problem with the field, nothing saved ---------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"period_end": "2027-03-01"}, "period_end"),  # ends before it starts
        ({"students": 0}, "students"),
        ({"students": 201}, "students"),
        ({"program_area_code": "XX"}, "program_area_code"),
        ({"trades": ["no-such-trade"]}, "trades"),
        ({"kind": "party"}, "kind"),
        ({"title": ""}, "title"),
        ({"period_start": "1999-12-31"}, "period_start"),
        ({"colour": "blue"}, "colour"),
        ({"students": "4"}, "students"),
    ],
)
def test_invalid_needs_answer_422_with_the_field_and_save_nothing(client, world, db, change, field):
    answer = client.post("/api/v1/school-needs", json={**NEED, **change}, headers=world["school_h"])
    assert answer.status_code == 422, answer.json
    assert field in problem_fields(answer)
    assert db.session.query(SchoolNeed).count() == 0


def test_an_invalid_change_to_a_need_saves_nothing(client, world, db):
    need = make_need(world["school"])
    url = f"/api/v1/school-needs/{need.id}"
    headers = {
        **world["school_h"],
        "If-Match": client.get(url, headers=world["school_h"]).headers["ETag"],
    }
    answer = client.patch(url, json={"period_end": "2027-01-01"}, headers=headers)
    assert answer.status_code == 422 and problem_fields(answer) == {"period_end"}
    db.session.expire_all()
    assert db.session.get(SchoolNeed, need.id).period_end.isoformat() == "2027-03-26"


def _send(client, world, need, employers):
    return client.post(
        f"/api/v1/school-needs/{need.id}/requests",
        json={"employers": employers},
        headers=world["school_h"],
    )


def test_a_request_to_a_company_not_open_to_schools_is_refused(client, world, db):
    need = make_need(world["school"])
    closed = make_organisation(OrganisationKind.EMPLOYER, name="Lukket AS", open_to_schools=False)
    answer = _send(client, world, need, [world["employer"].id, closed.id])
    assert answer.status_code == 422 and problem_fields(answer) == {"employers"}
    assert "Lukket AS" in answer.json["errors"][0]["detail"]
    assert db.session.query(Partnership).count() == 0  # all or none
    unknown = _send(client, world, need, [world["school"].id])  # a school is no company
    assert unknown.status_code == 422 and problem_fields(unknown) == {"employers"}


def test_a_duplicate_open_request_is_refused(client, world, db):
    need = make_need(world["school"])
    make_request(need, world["employer"])
    answer = _send(client, world, need, [world["employer"].id])
    assert answer.status_code == 422 and problem_fields(answer) == {"employers"}
    twice = _send(client, world, need, [world["employer"].id, world["employer"].id])
    assert twice.status_code == 422
    assert db.session.query(Partnership).count() == 1


def test_a_request_from_a_closed_need_is_a_conflict(client, world, db):
    need = make_need(world["school"], status="closed")
    answer = _send(client, world, need, [world["employer"].id])
    assert answer.status_code == 409 and answer.json["detail"]
    assert db.session.query(Partnership).count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"students": 5}, "students"),  # the school asked for 4
        ({"students": 0}, "students"),
        ({"period_end": "2027-03-01"}, "period_end"),
        ({"period_start": None}, "period_start"),
        ({"extra": 1}, "extra"),
    ],
)
def test_accepting_badly_answers_422_and_saves_nothing(client, world, db, body, field):
    p = make_request(make_need(world["school"], students=4), world["employer"])
    answer = client.post(
        f"/api/v1/partnerships/{p.id}/accept",
        json={"students": 4, "period_start": "2027-03-08", "period_end": "2027-03-26", **body},
        headers=world["employer_h"],
    )
    assert answer.status_code == 422, answer.json
    assert field in problem_fields(answer)
    db.session.expire_all()
    assert db.session.get(Partnership, p.id).status == "requested"


def test_accepting_more_than_the_school_profile_has_room_for_is_refused(client, world, db):
    school = world["school"]
    make_request(make_need(school, students=3), world["employer"], status="accepted")
    p = make_request(make_need(school, students=4), world["employer"])
    answer = client.post(
        f"/api/v1/partnerships/{p.id}/accept",
        json={"students": 2, "period_start": "2027-03-08", "period_end": "2027-03-26"},
        headers=world["employer_h"],
    )
    assert answer.status_code == 422 and problem_fields(answer) == {"students"}
    assert "1" in answer.json["errors"][0]["detail"]  # room for one more
    db.session.expire_all()
    assert db.session.get(Partnership, p.id).status == "requested"


# --- who sees what ---------------------------------------------------------------------------


def test_a_school_never_sees_another_schools_needs_or_requests(client, world, db):
    other = make_school("Annen skole")
    their_need = make_need(other)
    theirs = make_request(their_need, world["employer"])
    headers = world["school_h"]
    assert client.get(f"/api/v1/school-needs/{their_need.id}", headers=headers).status_code == 404
    for suffix in ("/companies",):
        url = f"/api/v1/school-needs/{their_need.id}{suffix}"
        assert client.get(url, headers=headers).status_code == 404
    for action in ("close", "requests"):
        url = f"/api/v1/school-needs/{their_need.id}/{action}"
        assert client.post(url, json={"employers": [1]}, headers=headers).status_code == 404
    assert client.get(f"/api/v1/partnerships/{theirs.id}", headers=headers).status_code == 404
    assert (
        client.post(f"/api/v1/partnerships/{theirs.id}/withdraw", headers=headers).status_code
        == 404
    )
    listed = client.get("/api/v1/school-needs?status=all", headers=headers).json
    assert listed["total"] == 0
    assert client.get("/api/v1/partnerships", headers=headers).json["total"] == 0
    by_need = client.get(f"/api/v1/partnerships?need_id={their_need.id}", headers=headers)
    assert by_need.status_code == 404
    assert db.session.get(Partnership, theirs.id).status == "requested"


def test_employers_see_only_requests_sent_to_them(client, world, db):
    need = make_need(world["school"])
    mine = make_request(need, world["employer"])
    other_employer = make_open_employer("Annen AS")
    theirs = make_request(need, other_employer)
    headers = world["employer_h"]
    listed = client.get("/api/v1/partnerships", headers=headers).json
    assert [p["id"] for p in listed["items"]] == [mine.id]
    assert client.get(f"/api/v1/partnerships/{theirs.id}", headers=headers).status_code == 404
    answer = client.post(
        f"/api/v1/partnerships/{theirs.id}/accept",
        json={"students": 1, "period_start": "2027-03-08", "period_end": "2027-03-26"},
        headers=headers,
    )
    assert answer.status_code == 404
    assert client.get(f"/api/v1/school-needs/{need.id}", headers=headers).status_code == 403
    assert client.get("/api/v1/school-needs", headers=headers).status_code == 403
    # a school cannot answer its own request
    school_try = client.post(
        f"/api/v1/partnerships/{mine.id}/decline",
        json={"reason_code": "no_capacity"},
        headers=world["school_h"],
    )
    assert school_try.status_code == 403


def test_other_roles_get_403_problems(client, world, db):
    need = make_need(world["school"])
    p = make_request(need, world["employer"])
    for kind in (OrganisationKind.NAV_OFFICE, OrganisationKind.MUNICIPALITY):
        headers = bearer(token_for(make_user(kind=kind, password=None)))
        for url in (
            "/api/v1/school-needs",
            f"/api/v1/school-needs/{need.id}",
            f"/api/v1/school-needs/{need.id}/companies",
            "/api/v1/partnerships",
            f"/api/v1/partnerships/{p.id}",
            "/api/v1/school-profile",
        ):
            answer = client.get(url, headers=headers)
            assert answer.status_code == 403, url
            assert answer.content_type == "application/problem+json"
    assert client.get("/api/v1/school-profile", headers=world["school_h"]).status_code == 403


def test_reads_need_the_read_scope_and_changes_the_write_scope(client, world, db):
    reader = bearer(token_for(world["coordinator"], write=False))
    assert client.get("/api/v1/school-needs", headers=reader).status_code == 200
    answer = client.post("/api/v1/school-needs", json=NEED, headers=reader)
    assert answer.status_code == 403 and "insufficient_scope" in answer.headers["WWW-Authenticate"]
    assert db.session.query(SchoolNeed).count() == 0
    assert client.get("/api/v1/school-needs").status_code == 401


# --- the employer's school profile -----------------------------------------------------------


def test_an_employer_admin_changes_the_school_profile(client, world, db):
    headers = world["employer_h"]
    read = client.get("/api/v1/school-profile", headers=headers)
    assert read.json["open_to_schools"] is True and read.json["students_per_period"] == 4
    change = {"students_per_period": 6, "blackouts": [{"start": "2027-07-01", "end": "2027-08-01"}]}
    assert client.patch("/api/v1/school-profile", json=change, headers=headers).status_code == 428
    changed = client.patch(
        "/api/v1/school-profile", json=change, headers={**headers, "If-Match": read.headers["ETag"]}
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["blackouts"] == [{"start": "2027-07-01", "end": "2027-08-01"}]
    assert changed.json["trades"] == ["helsearbeiderfaget"]  # the rest is kept
    bad = client.patch(
        "/api/v1/school-profile",
        json={"trades": ["no-such-trade"]},
        headers={**headers, "If-Match": changed.headers["ETag"]},
    )
    assert bad.status_code == 422 and problem_fields(bad) == {"trades"}
    backwards = client.patch(
        "/api/v1/school-profile",
        json={"blackouts": [{"start": "2027-08-01", "end": "2027-07-01"}]},
        headers={**headers, "If-Match": changed.headers["ETag"]},
    )
    assert backwards.status_code == 422 and problem_fields(backwards) == {"blackouts"}
    profile = db.session.query(SchoolProfile).filter_by(organisation_id=world["employer"].id).one()
    db.session.refresh(profile)
    assert profile.students_per_period == 6 and profile.trades == ["helsearbeiderfaget"]


def test_only_the_employers_admins_change_the_school_profile(client, world, db):
    colleague = make_user(world["employer"], password=None)
    headers = bearer(token_for(colleague))
    assert client.get("/api/v1/school-profile", headers=headers).status_code == 200
    answer = client.patch(
        "/api/v1/school-profile", json={"open_to_schools": False}, headers=headers
    )
    assert answer.status_code == 403
    db.session.refresh(world["employer"])
    assert world["employer"].open_to_schools is True
