"""The employer's side of school cooperation: the school profile, the home page counting
requests waiting, the inbox, and the daily command that the scheduler already runs."""

from __future__ import annotations

import re

import pytest
from factories import PASSWORD, make_organisation, make_user
from school_factories import make_coordinator, make_need, make_request, make_school
from support import submit

from webapp.models import AuditEvent, OrganisationKind, SchoolProfile
from webapp.services.errors import NotAllowed
from webapp.services.schools import profiles

GOOD = {
    "open_to_schools": "y",
    "program_areas": ["HO", "SR"],
    "trades": ["helsearbeiderfaget"],
    "kinds": ["placement", "company_visit"],
    "students_per_period": "3",
    "blackouts-0-start": "2027-07-01",
    "blackouts-0-end": "2027-08-15",
    "contact_name": "Kari Kontakt",
    "contact_email": "kari@example.no",
}


@pytest.fixture
def employer_admin(db):
    return make_user(make_organisation(OrganisationKind.EMPLOYER), is_admin=True)


@pytest.fixture
def logged_in(client, auth, employer_admin):
    auth.login(employer_admin.email, PASSWORD)
    return client


def test_an_employer_admin_saves_a_school_profile(db, logged_in, employer_admin):
    response = submit(logged_in, "/arbeidsgiver/skoleprofil", GOOD)
    assert response.status_code == 302
    profile = db.session.query(SchoolProfile).one()
    assert profile.program_areas == ["HO", "SR"]
    assert profile.kinds == ["placement", "company_visit"]
    assert profile.blackouts == [["2027-07-01", "2027-08-15"]]
    assert employer_admin.organisation.open_to_schools is True
    assert db.session.query(AuditEvent).filter_by(action="school_profile.saved").count() == 1
    page = logged_in.get("/arbeidsgiver/skoleprofil").get_data(as_text=True)
    assert 'value="2027-07-01"' in page and "Kari Kontakt" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"program_areas": ["XX"]}, "program_areas", "Velg bare blant"),
        ({"students_per_period": "201"}, "students_per_period", "mellom 0 og 200"),
        ({"blackouts-0-end": "2027-06-01"}, "blackouts", "Perioden kan ikke slutte"),
        ({"blackouts-0-end": ""}, "blackouts", "både fra- og til-dato"),
        ({"contact_email": "ikke-en-adresse"}, "contact_email", "gyldig e-postadresse"),
    ],
)
def test_bad_school_profile_input_is_shown_and_nothing_is_saved(
    db, logged_in, change, field, message
):
    response = submit(logged_in, "/arbeidsgiver/skoleprofil", {**GOOD, **change})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', page)
    assert error and message in error.group(1)
    assert db.session.query(SchoolProfile).count() == 0


def test_only_the_employers_own_admins_change_the_school_profile(db, employer_admin):
    colleague = make_user(employer_admin.organisation, is_admin=False)
    stranger = make_user(make_organisation(OrganisationKind.EMPLOYER), is_admin=True)
    fields = profiles.ProfileFields(True, ["HO"], [], ["placement"], 2, [])
    for user in (colleague, stranger, make_coordinator()):
        with pytest.raises(NotAllowed):
            profiles.save(user, employer_admin.organisation, fields)


def test_the_employer_home_shows_school_requests_waiting(db, logged_in, employer_admin):
    employer = employer_admin.organisation
    employer.open_to_schools = True
    school = make_school()
    make_request(make_need(school), employer)
    make_request(make_need(school, title="Besøk"), employer)
    page = logged_in.get("/arbeidsgiver/").get_data(as_text=True)
    assert "2 forespørsler fra skoler venter på svar." in page
    inbox = logged_in.get("/arbeidsgiver/skoler").get_data(as_text=True)
    assert inbox.count(school.name) == 2


def test_the_daily_reminder_command_includes_the_school_work(runner, db):
    result = runner.invoke(args=["reminders", "run"])
    assert result.exit_code == 0
    assert "school requests reminded 0, unmet school needs 0" in result.output
