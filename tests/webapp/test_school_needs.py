"""A school's needs: the rules of the need form, the list with filters and paging, coverage."""

from __future__ import annotations

import re
from datetime import date

import pytest
from factories import PASSWORD, make_user
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from school_factories import (
    make_coordinator,
    make_need,
    make_open_employer,
    make_request,
    make_school,
)
from support import submit

from webapp.models import AuditEvent, OrganisationKind, PartnershipStatus, SchoolNeed
from webapp.services.errors import DomainError, NotAllowed
from webapp.services.schools import needs

GOOD = {
    "title": "Utplassering Vg1 helse",
    "program_area_code": "HO",
    "trades": "helsearbeiderfaget",
    "kind": "placement",
    "students": "4",
    "period_start": "2027-03-08",
    "period_end": "2027-03-26",
    "requirements": "Arbeidsklær",
}


def fields(**changes) -> needs.NeedFields:
    values = dict(
        title="Utplassering",
        program_area_code="HO",
        trades=["helsearbeiderfaget"],
        kind="placement",
        students=4,
        period_start=date(2027, 3, 8),
        period_end=date(2027, 3, 26),
    )
    values.update(changes)
    return needs.NeedFields(**values)


@pytest.fixture
def coordinator(db):
    return make_coordinator()


@pytest.fixture
def logged_in(client, auth, coordinator):
    auth.login(coordinator.email, PASSWORD)
    return client


def count_needs(db) -> int:
    return db.session.query(SchoolNeed).count()


def test_a_coordinator_posts_a_need_and_it_is_audited(db, logged_in, coordinator):
    response = submit(logged_in, "/skole/behov/ny", GOOD)
    assert response.status_code == 302
    need = db.session.query(SchoolNeed).one()
    assert (need.program_area_code, need.trades, need.students) == (
        "HO",
        ["helsearbeiderfaget"],
        4,
    )
    assert need.organisation_id == coordinator.organisation_id
    assert db.session.query(AuditEvent).filter_by(action="school_need.created").count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"period_end": "2027-03-01"}, "period_end", "Perioden kan ikke slutte før den begynner."),
        ({"students": "0"}, "students", "Antall elever må være mellom 1 og 200."),
        ({"students": "201"}, "students", "Antall elever må være mellom 1 og 200."),
        ({"students": "99999999999999999999"}, "students", "Antall elever må være mellom"),
        ({"program_area_code": "XX"}, "program_area_code", "Ukjent utdanningsprogram."),
        ({"trades": "no_such_trade"}, "trades", "Ukjent lærefag."),
        ({"kind": "party"}, "kind", "Velg bare blant"),
        (
            {"period_start": "0001-01-01"},
            "period_start",
            "Velg en dato mellom 01.01.2000 og 31.12.2100.",
        ),
        ({"title": ""}, "title", "Gi behovet en tittel."),
    ],
)
def test_bad_need_input_gets_a_message_next_to_the_field_and_saves_nothing(
    db, logged_in, change, field, message
):
    response = submit(logged_in, "/skole/behov/ny", {**GOOD, **change})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">([^<]*)<', page)
    assert error, f"no message next to {field}"
    assert message in error.group(1).replace("&#34;", '"')
    assert count_needs(db) == 0


def test_the_service_refuses_an_unknown_programme_area_even_past_the_form(db, coordinator):
    with pytest.raises(DomainError) as raised:
        needs.create(coordinator, fields(program_area_code="XX"))
    assert raised.value.field == "program_area_code"
    assert count_needs(db) == 0


def test_a_nul_byte_in_the_title_is_dropped_not_a_server_error(db, logged_in):
    response = submit(logged_in, "/skole/behov/ny", {**GOOD, "title": "Helse\x00fag"})
    assert response.status_code in (302, 422)
    assert all("\x00" not in n.title for n in db.session.query(SchoolNeed))


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    title=st.text(max_size=250),
    area=st.sampled_from(["HO", "BA", "", "XX", "ho"]),
    students=st.one_of(st.integers(-10, 300), st.text(max_size=5)),
    start=st.dates(date(1, 1, 1), date(9999, 12, 31)),
    end=st.dates(date(1, 1, 1), date(9999, 12, 31)),
    kind=st.sampled_from(["placement", "company_visit", "guest_lecture", "x"]),
)
def test_need_form_never_fails_and_saves_only_valid_needs(
    db, logged_in, title, area, students, start, end, kind
):
    before = count_needs(db)
    data = {
        **GOOD,
        "title": title,
        "program_area_code": area,
        "students": str(students),
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "kind": kind,
    }
    response = submit(logged_in, "/skole/behov/ny", data)
    assert response.status_code in (302, 422)
    saved = count_needs(db) - before
    valid = (
        title.replace("\x00", "").strip() != ""
        and len(title) <= 200
        and area in ("HO", "BA")
        and isinstance(students, int)
        and 1 <= students <= 200
        and 2000 <= start.year <= 2100
        and 2000 <= end.year <= 2100
        and end >= start
        and kind != "x"
    )
    assert saved == (1 if valid and response.status_code == 302 else 0)
    assert (response.status_code == 302) == valid


def test_editing_and_closing_a_need(db, logged_in, coordinator):
    need = make_need(coordinator.organisation)
    response = submit(
        logged_in, f"/skole/behov/{need.id}/endre", {**GOOD, "students": "6", "title": "Ny"}
    )
    assert response.status_code == 302
    db.session.refresh(need)
    assert (need.title, need.students) == ("Ny", 6)
    response = submit(logged_in, f"/skole/behov/{need.id}/lukk", form_url=f"/skole/behov/{need.id}")
    db.session.refresh(need)
    assert need.status == "closed"
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert [a for a in actions if a.startswith("school_need")] == [
        "school_need.updated",
        "school_need.closed",
    ]


def test_the_list_filters_and_pages_and_shows_coverage(db, logged_in, coordinator):
    school = coordinator.organisation
    employer = make_open_employer()
    covered = make_need(school, title="Dekket behov", students=5)
    make_request(covered, employer, status=PartnershipStatus.ACCEPTED, students=3)
    make_request(covered, make_open_employer("Annen"), status=PartnershipStatus.DECLINED)
    for n in range(22):
        make_need(school, title=f"Tømrer {n}", program_area_code="BA", trades=[])
    page = logged_in.get("/skole/behov?program_area=HO").get_data(as_text=True)
    assert "Dekket behov" in page and "3 av 5 elever dekket" in page
    assert "Tømrer" not in page
    first = logged_in.get("/skole/behov?program_area=BA").get_data(as_text=True)
    assert first.count("Tømrer ") == 20
    second = logged_in.get("/skole/behov?program_area=BA&page=2").get_data(as_text=True)
    assert second.count("Tømrer ") == 2
    assert "Tømrer" not in logged_in.get("/skole/behov?q=helse").get_data(as_text=True)


def test_a_school_never_sees_another_schools_needs(db, client, auth):
    mine = make_coordinator()
    other_need = make_need(make_school("Annen skole"), title="Hemmelig behov")
    auth.login(mine.email, PASSWORD)
    assert client.get(f"/skole/behov/{other_need.id}").status_code == 404
    assert client.get(f"/skole/behov/{other_need.id}/bedrifter").status_code == 404
    assert "Hemmelig behov" not in client.get("/skole/behov?status=all").get_data(as_text=True)
    with pytest.raises(NotAllowed):
        needs.close(mine, other_need)


def test_a_coordinator_gets_no_candidate_or_caseworker_pages(db, client, auth):
    coordinator = make_coordinator()
    auth.login(coordinator.email, PASSWORD)
    for url in ("/veileder/", "/veileder/kandidater", "/arbeidsgiver/", "/admin/"):
        assert client.get(url).status_code == 403


def test_only_schools_post_needs(db):
    employer_user = make_user(kind=OrganisationKind.EMPLOYER)
    with pytest.raises(NotAllowed):
        needs.create(employer_user, fields())
