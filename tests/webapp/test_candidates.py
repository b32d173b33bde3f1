"""Candidates through the caseworker's pages: registration, rules, consent, states, scoping."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from factories import PASSWORD, make_candidate, make_organisation, make_slot, make_user
from sqlalchemy import func, select
from support import submit

from webapp.models import (
    AuditEvent,
    Candidate,
    OrganisationKind,
    Placement,
    Suggestion,
    SuggestionStatus,
)
from webapp.services import candidate_records, candidate_search
from webapp.services import candidates as service
from webapp.services.errors import DomainError, NotAllowed

NEW = "/veileder/kandidater/ny"


def url(candidate, suffix: str = "") -> str:
    return f"/veileder/kandidater/{candidate.id}{suffix}"


@pytest.fixture
def caseworker(db, auth):
    """A logged-in caseworker at a NAV office."""
    user = make_user(kind=OrganisationKind.NAV_OFFICE, name="Vera Veileder")
    auth.login(user.email, PASSWORD)
    return user


def other_caseworker(kind=OrganisationKind.REFUGEE_SERVICE):
    return make_user(kind=kind)


def form_data(user, **overrides) -> dict:
    data = {
        "reference_code": "NAV-001",
        "display_name": "Amina K.",
        "caseworker_id": str(user.id),
        "programme": "introduksjonsprogrammet",
        "kinds": ["work_practice", "language_practice"],
        "goals": "Vil jobbe på kjøkken.",
        "skills": ["matlaging", "oppvask"],
        "experience": "Kokk i fem år.",
        "education": "Fagutdanning kokk",
        "occupations": ["kokkfaget"],
        "norwegian_level": "A2",
        "home_postal_code": "1470",
        "max_commute_km": "15",
        "hours_per_week": "30",
        "available_from": (date.today() + timedelta(days=30)).isoformat(),
        "adaptation_needs": ["language_support"],
        "notes": "Ønsker formiddag.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def candidate_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Candidate))


def events(db, action: str, candidate=None) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.action == action)
    if candidate is not None:
        stmt = stmt.where(
            AuditEvent.object_type == "candidate", AuditEvent.object_id == str(candidate.id)
        )
    return list(db.session.scalars(stmt))


def field_error(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error">([^<]*)<', page)
    return match.group(1) if match else ""


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


def fields(**overrides) -> service.CandidateFields:
    values = {"reference_code": "S-1", "display_name": "Service Person"}
    values.update(overrides)
    return service.CandidateFields(**values)


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


# --- consent -----------------------------------------------------------------------------------


def test_withdrawing_consent_is_one_click_and_takes_effect_at_once(client, caseworker, db):
    candidate = make_candidate(caseworker.organisation, consent=True)
    page = client.get(url(candidate)).get_data(as_text=True)
    assert "Trekk samtykket" in page
    response = submit(client, url(candidate, "/samtykke/trekk"), form_url=url(candidate))
    assert response.status_code == 302
    db.session.refresh(candidate)
    assert not candidate.has_consent
    assert candidate.consent_withdrawn_at is not None
    assert len(events(db, "candidate.consent_withdrawn", candidate)) == 1
    page = client.get(url(candidate)).get_data(as_text=True)
    assert "Registrer samtykke" in page
    assert "Samtykke trukket" in page


def test_withdrawing_consent_withdraws_proposals_waiting_at_employers(db):
    user = make_user(kind=OrganisationKind.NAV_OFFICE)
    candidate = make_candidate(user.organisation, consent=True)
    proposed = Suggestion(
        candidate=candidate, slot=make_slot(), score=0.8, status=SuggestionStatus.PROPOSED
    )
    approved = Suggestion(
        candidate=candidate, slot=make_slot(), score=0.7, status=SuggestionStatus.APPROVED
    )
    db.session.add_all([proposed, approved])
    db.session.commit()
    assert service.withdraw_consent(user, candidate) == 1
    assert proposed.status == SuggestionStatus.WITHDRAWN
    assert proposed.reason_code == "consent_withdrawn"
    assert approved.status == SuggestionStatus.APPROVED


def test_consent_can_be_given_again_after_withdrawal(client, caseworker, db):
    candidate = make_candidate(caseworker.organisation, consent=True)
    submit(client, url(candidate, "/samtykke/trekk"), form_url=url(candidate))
    response = submit(
        client,
        url(candidate, "/samtykke"),
        {"consent_scope": "Deling på nytt"},
        form_url=url(candidate),
    )
    assert response.status_code == 302
    db.session.refresh(candidate)
    assert candidate.has_consent
    assert candidate.consent_scope == "Deling på nytt"
    assert candidate.consent_withdrawn_at is not None  # the history stays
    assert len(events(db, "candidate.consent_given", candidate)) == 1


def test_giving_consent_needs_a_scope(client, caseworker, db):
    candidate = make_candidate(caseworker.organisation)
    response = submit(
        client,
        url(candidate, "/samtykke"),
        {"consent_scope": ""},
        form_url=url(candidate),
        follow_redirects=True,
    )
    assert "Beskriv hva kandidaten har samtykket til." in response.get_data(as_text=True)
    db.session.refresh(candidate)
    assert not candidate.has_consent


def test_withdrawing_consent_that_was_never_given_is_refused(client, caseworker, db):
    candidate = make_candidate(caseworker.organisation)
    response = submit(
        client, url(candidate, "/samtykke/trekk"), form_url=url(candidate), follow_redirects=True
    )
    assert "ikke gitt samtykke som kan trekkes" in response.get_data(as_text=True)
    assert events(db, "candidate.consent_withdrawn") == []


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


# --- list: search, filters, pagination --------------------------------------------------------


def test_search_finds_reference_name_occupation_and_skill(client, caseworker, db):
    org = caseworker.organisation
    make_candidate(org, reference_code="REF-AAA", display_name="Amina")
    make_candidate(org, reference_code="REF-BBB", display_name="Bjørn", occupations=["kokkfaget"])
    make_candidate(org, reference_code="REF-CCC", display_name="Cecilie", skills=["kundeservice"])

    def found(query: str) -> set[str]:
        page = client.get("/veileder/kandidater", query_string={"q": query}).get_data(as_text=True)
        return set(re.findall(r"REF-[A-Z]{3}", page))

    assert found("ref-aaa") == {"REF-AAA"}
    assert found("amina") == {"REF-AAA"}
    assert found("kokk") == {"REF-BBB"}
    assert found("Kundeservice") == {"REF-CCC"}
    assert found("ref") == {"REF-AAA", "REF-BBB", "REF-CCC"}
    assert found("100%") == set()  # LIKE's wildcards are taken literally
    assert found("_") == set()


def test_filters_by_state_kind_consent_and_level(client, caseworker, db):
    org = caseworker.organisation
    make_candidate(
        org, reference_code="F-ACT", kinds=["apprenticeship"], consent=True, norwegian_level="B1"
    )
    make_candidate(org, reference_code="F-PAU", status="paused", kinds=["work_training"])
    make_candidate(org, reference_code="F-ARC", status="archived")

    def found(**args) -> set[str]:
        page = client.get("/veileder/kandidater", query_string=args).get_data(as_text=True)
        return set(re.findall(r"F-[A-Z]{3}", page))

    assert found() == {"F-ACT", "F-PAU"}
    assert found(status="archived") == {"F-ARC"}
    assert found(status="all") == {"F-ACT", "F-PAU", "F-ARC"}
    assert found(status="paused") == {"F-PAU"}
    assert found(kind="apprenticeship") == {"F-ACT"}
    assert found(consent="yes") == {"F-ACT"}
    assert found(consent="no") == {"F-PAU"}
    assert found(level="B1") == {"F-ACT"}


def test_withdrawn_consent_counts_as_missing_in_the_filter(client, caseworker, db):
    user = caseworker
    candidate = make_candidate(user.organisation, reference_code="W-DRAWN", consent=True)
    service.withdraw_consent(user, candidate)
    page = client.get("/veileder/kandidater?consent=no").get_data(as_text=True)
    assert "W-DRAWN" in page


@pytest.mark.parametrize(
    "query",
    [
        "status=bogus",
        "kind=nope",
        "consent=maybe",
        "level=Z9",
        "page=-3",
        "page=abc",
        "q=" + "x" * 500,
        "q=%00%25",
    ],
)
def test_bad_filter_values_never_break_the_list(client, caseworker, db, query):
    make_candidate(caseworker.organisation, reference_code="STILL-HERE")
    response = client.get("/veileder/kandidater?" + query)
    assert response.status_code == 200


def test_the_list_is_paginated(client, caseworker, db):
    for n in range(30):
        make_candidate(caseworker.organisation, reference_code=f"P-{n:03d}")
    first = client.get("/veileder/kandidater").get_data(as_text=True)
    second = client.get("/veileder/kandidater?page=2").get_data(as_text=True)
    assert len(set(re.findall(r"P-\d{3}", first))) == candidate_search.PER_PAGE
    assert set(re.findall(r"P-\d{3}", second)) == {f"P-{n:03d}" for n in range(25, 30)}
    assert "Side 1 av 2, 30 treff" in first
    assert "30 kandidater" in first


def test_pagination_links_keep_the_filters(client, caseworker, db):
    for n in range(30):
        make_candidate(caseworker.organisation, reference_code=f"P-{n:03d}", consent=True)
    page = client.get("/veileder/kandidater?consent=yes").get_data(as_text=True)
    assert "consent=yes" in re.search(r'href="([^"]*page=2[^"]*)"', page).group(1)


def test_an_empty_organisation_gets_a_helpful_empty_state(client, caseworker):
    page = client.get("/veileder/kandidater").get_data(as_text=True)
    assert "Dere har ingen kandidater ennå." in page
    assert "Registrer kandidat" in page


# --- home and navigation ---------------------------------------------------------------------


def test_home_counts_active_candidates_and_missing_consent(client, caseworker, db):
    org = caseworker.organisation
    make_candidate(org, consent=True)
    make_candidate(org)
    make_candidate(org)
    make_candidate(org, status="paused")
    make_candidate()  # another organisation's
    page = client.get("/veileder/").get_data(as_text=True)
    assert f"Oversikt for {org.name}" in page
    figures = re.findall(r'app-figure-card__number">(\d+)</span>\s*([^<]+)<', page)
    counted = {label.strip(): int(n) for n, label in figures}
    assert counted["aktive kandidater"] == 3
    assert counted["aktive uten samtykke"] == 2
    assert counted["på pause"] == 1


def test_the_caseworker_navigation_has_candidates_and_slots(client, caseworker):
    page = client.get("/veileder/").get_data(as_text=True)
    nav = re.search(r'<nav class="app-nav".*?</nav>', page, re.S).group(0)
    assert 'href="/veileder/kandidater"' in nav
    assert 'href="/veileder/plasser"' in nav
