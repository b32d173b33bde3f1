"""Registering a candidate through the caseworker's form: fields, rules, the service's checks."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from candidate_support import (
    NEW,
    candidate_count,
    events,
    field_error,
    form_data,
    login_caseworker,
    other_caseworker,
    url,
)
from factories import make_candidate, make_organisation, make_user
from sqlalchemy import func, select
from support import submit

from webapp.models import (
    AuditEvent,
    Candidate,
    OrganisationKind,
)
from webapp.services import candidate_records
from webapp.services import candidates as service
from webapp.services.candidate_fields import CandidateFields
from webapp.services.errors import DomainError, NotAllowed


@pytest.fixture
def caseworker(db, auth):
    return login_caseworker(auth)


# --- registration ------------------------------------------------------------------------------


def test_caseworker_registers_a_candidate_with_every_field(client, caseworker, db):
    data = form_data(caseworker, consent="y", consent_scope="Deling med arbeidsgivere")
    response = submit(client, NEW, data)
    assert response.status_code == 302
    candidate = db.session.scalar(select(Candidate))
    assert response.headers["Location"] == url(candidate)
    assert candidate.organisation_id == caseworker.organisation_id
    assert candidate.reference_code == "NAV-001"
    assert candidate.display_name == "Amina K."
    assert candidate.caseworker_id == caseworker.id
    assert candidate.programme == "introduksjonsprogrammet"
    assert [k.code for k in candidate.kinds] == ["language_practice", "work_practice"]
    assert sorted(s.code for s in candidate.skills) == ["matlaging", "oppvask"]
    assert [o.code for o in candidate.occupations] == ["kokkfaget"]
    assert [a.code for a in candidate.adaptation_needs] == ["language_support"]
    assert candidate.goals == "Vil jobbe på kjøkken."
    assert candidate.experience == "Kokk i fem år."
    assert candidate.education == "Fagutdanning kokk"
    assert candidate.norwegian_level == "A2"
    assert candidate.home_postal_code == "1470"
    assert candidate.max_commute_km == 15
    assert candidate.hours_per_week == 30
    assert candidate.available_from == date.today() + timedelta(days=30)
    assert candidate.notes == "Ønsker formiddag."
    assert candidate.status == "active"
    assert candidate.has_consent
    assert candidate.consent_scope == "Deling med arbeidsgivere"
    assert [e.actor_id for e in events(db, "candidate.created", candidate)] == [caseworker.id]
    assert len(events(db, "candidate.consent_given", candidate)) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "NAV-001" in page
    assert "Kandidaten NAV-001 er registrert." in page


def test_only_the_required_fields_are_enough(client, caseworker, db):
    data = {
        "reference_code": "K1",
        "display_name": "Ola N.",
        "caseworker_id": str(caseworker.id),
        "programme": "other",
        "norwegian_level": "none",
    }
    assert submit(client, NEW, data).status_code == 302
    candidate = db.session.scalar(select(Candidate))
    assert candidate.kinds == []
    assert candidate.home_postal_code is None
    assert not candidate.has_consent


def test_consent_is_never_ticked_in_advance(client, caseworker):
    page = client.get(NEW).get_data(as_text=True)
    checkbox = re.search(r'<input[^>]*id="consent"[^>]*>', page).group(0)
    assert "checked" not in checkbox


def test_registration_without_consent_records_none(client, caseworker, db):
    assert submit(client, NEW, form_data(caseworker)).status_code == 302
    candidate = db.session.scalar(select(Candidate))
    assert candidate.consent_at is None
    assert not candidate.has_consent
    assert events(db, "candidate.consent_given") == []


def test_the_responsible_caseworker_defaults_to_the_user(client, caseworker):
    page = client.get(NEW).get_data(as_text=True)
    assert re.search(rf'<option selected value="{caseworker.id}">Vera Veileder</option>', page)


def test_colleagues_can_be_made_responsible_but_not_users_of_other_organisations(
    client, caseworker, db
):
    colleague = make_user(caseworker.organisation, name="Kollega Karlsen")
    stranger = other_caseworker()
    page = client.get(NEW).get_data(as_text=True)
    assert "Kollega Karlsen" in page
    assert stranger.name not in page
    response = submit(client, NEW, form_data(caseworker, caseworker_id=str(stranger.id)))
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "caseworker_id")
    assert candidate_count(db) == 0
    assert submit(client, NEW, form_data(caseworker, caseworker_id=str(colleague.id))).status_code
    assert db.session.scalar(select(Candidate.caseworker_id)) == colleague.id


LONG = "x" * 5000
TODAY = date.today()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reference_code", "", "Skriv inn en referansekode."),
        ("reference_code", "A" * 41, "Skriv høyst 40 tegn."),
        ("reference_code", "NAV 001", "uten mellomrom"),
        ("reference_code", "01019912345", "fødselsnumre"),
        ("display_name", "", "Skriv inn et visningsnavn."),
        ("display_name", "N" * 101, "Skriv høyst 100 tegn."),
        ("display_name", "Ola 010199 12345", "fødselsnumre"),
        ("programme", "vernepliktig", "gyldig valg"),
        ("kinds", ["moon_base"], "Velg bare blant alternativene"),
        ("skills", ["flying"], "Velg bare blant alternativene"),
        ("occupations", ["astronaut"], "Velg bare blant alternativene"),
        ("adaptation_needs", ["jetpack"], "Velg bare blant alternativene"),
        ("norwegian_level", "D1", "gyldig valg"),
        ("home_postal_code", "0001", "Ukjent postnummer."),
        ("home_postal_code", "14a0", "Postnummeret har fire sifre."),
        ("home_postal_code", "14700", "Postnummeret har fire sifre."),
        ("max_commute_km", "0", "Skriv et tall fra 1 til 300."),
        ("max_commute_km", "301", "Skriv et tall fra 1 til 300."),
        ("max_commute_km", "langt", "Skriv et helt tall"),
        ("hours_per_week", "0", "Skriv et tall fra 1 til 40."),
        ("hours_per_week", "41", "Skriv et tall fra 1 til 40."),
        ("hours_per_week", "37.5", "Skriv et helt tall"),
        ("hours_per_week", "99999999999999999999999", "Skriv et tall fra 1 til 40."),
        ("available_from", "2026-13-01", "Skriv en gyldig dato"),
        ("available_from", "i morgen", "Skriv en gyldig dato"),
        ("available_from", (TODAY + timedelta(days=4000)).isoformat(), "Velg en dato mellom"),
        ("available_from", "1901-01-01", "Velg en dato mellom"),
        ("goals", LONG, "Skriv høyst 2000 tegn."),
        ("experience", LONG, "Skriv høyst 2000 tegn."),
        ("education", LONG, "Skriv høyst 1000 tegn."),
        ("notes", LONG, "Skriv høyst 4000 tegn."),
        ("notes", "fnr 01019912345", "fødselsnumre"),
        ("caseworker_id", "", "Velg en veileder."),
        ("caseworker_id", "abc", "Velg en veileder."),
        ("caseworker_id", "999999", "gyldig valg"),
    ],
)
def test_each_rule_refuses_bad_input_next_to_its_field(
    client, caseworker, db, field, value, message
):
    response = submit(client, NEW, form_data(caseworker, **{field: value}))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in field_error(page, field), field_error(page, field) or page[:200]
    assert 'aria-invalid="true"' in page or 'id="' + field + '-error"' in page
    assert "Skjemaet har feil som må rettes" in page
    assert candidate_count(db) == 0


@pytest.mark.parametrize(
    ("consent", "scope", "message"),
    [
        ("y", "", "Beskriv hva kandidaten har samtykket til."),
        (None, "Deling", "Kryss av for samtykke"),
        ("y", "s" * 201, "Skriv høyst 200 tegn."),
    ],
)
def test_consent_needs_both_the_tick_and_its_scope(client, caseworker, db, consent, scope, message):
    data = form_data(caseworker, consent=consent, consent_scope=scope)
    response = submit(client, NEW, data)
    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), "consent_scope")
    assert candidate_count(db) == 0


def test_a_refused_form_keeps_what_the_user_typed(client, caseworker, db):
    data = form_data(caseworker, hours_per_week="41", goals="Mål & «drømmer»")
    page = submit(client, NEW, data).get_data(as_text=True)
    assert 'value="NAV-001"' in page
    assert 'value="Amina K."' in page
    assert 'value="41"' in page
    assert "Mål &amp; «drømmer»" in page
    assert re.search(r'<option selected value="matlaging">', page)
    checkbox = re.search(r'<input[^>]*value="language_practice"[^>]*>', page).group(0)
    assert "checked" in checkbox


def test_reference_codes_are_unique_within_the_organisation_only(client, caseworker, db):
    make_candidate(caseworker.organisation, reference_code="NAV-001")
    make_candidate(make_organisation(OrganisationKind.NAV_OFFICE), reference_code="NAV-002")
    response = submit(client, NEW, form_data(caseworker, reference_code="nav-001"))
    assert response.status_code == 200
    assert "allerede brukt" in field_error(response.get_data(as_text=True), "reference_code")
    assert candidate_count(db) == 2
    assert submit(client, NEW, form_data(caseworker, reference_code="NAV-002")).status_code == 302
    assert candidate_count(db) == 3


def test_control_characters_are_dropped_not_stored(client, caseworker, db):
    data = form_data(caseworker, display_name="Amina\x00 K.\x07", goals="Linje 1\nLinje 2")
    assert submit(client, NEW, data).status_code == 302
    candidate = db.session.scalar(select(Candidate))
    assert candidate.display_name == "Amina K."
    assert candidate.goals == "Linje 1\nLinje 2"


# --- the service's own checks (without the form) -----------------------------------------------


def fields(**overrides) -> CandidateFields:
    values = {"reference_code": "S-1", "display_name": "Service Person"}
    values.update(overrides)
    return CandidateFields(**values)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reference_code": ""}, "reference_code"),
        ({"reference_code": "a b"}, "reference_code"),
        ({"display_name": "  "}, "display_name"),
        ({"programme": "x"}, "programme"),
        ({"norwegian_level": "Z9"}, "norwegian_level"),
        ({"home_postal_code": "0001"}, "home_postal_code"),
        ({"hours_per_week": 41}, "hours_per_week"),
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"max_commute_km": 0}, "max_commute_km"),
        ({"available_from": date(1990, 1, 1)}, "available_from"),
        ({"kinds": ["nope"]}, "kinds"),
        ({"skills": ["nope"]}, "skills"),
        ({"occupations": ["nope"]}, "occupations"),
        ({"adaptation_needs": ["nope"]}, "adaptation_needs"),
        ({"goals": "g" * 2001}, "goals"),
        ({"notes": "01019912345"}, "notes"),
        ({"caseworker_id": 987654}, "caseworker_id"),
    ],
)
def test_the_service_refuses_what_the_form_would_refuse(db, overrides, field):
    user = make_user(kind=OrganisationKind.NAV_OFFICE)
    with pytest.raises(DomainError) as raised:
        service.create(user, fields(**overrides))
    assert raised.value.field == field
    assert candidate_count(db) == 0
    assert events(db, "candidate.created") == []


def test_the_service_refuses_a_caseworker_of_another_organisation(db):
    user = make_user(kind=OrganisationKind.NAV_OFFICE)
    stranger = other_caseworker()
    with pytest.raises(DomainError) as raised:
        service.create(user, fields(caseworker_id=stranger.id))
    assert raised.value.field == "caseworker_id"


def test_only_caseworkers_register_candidates(db):
    employer = make_user(kind=OrganisationKind.EMPLOYER)
    with pytest.raises(NotAllowed):
        service.create(employer, fields())
    assert candidate_count(db) == 0


def test_the_service_refuses_changes_by_another_organisation(db):
    candidate = make_candidate()
    stranger = other_caseworker()
    for action in (
        lambda: service.update(stranger, candidate, fields()),
        lambda: service.pause(stranger, candidate),
        lambda: service.withdraw_consent(stranger, candidate),
        lambda: candidate_records.export(stranger, candidate),
        lambda: service.record_view(stranger, candidate),
    ):
        with pytest.raises(NotAllowed):
            action()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
