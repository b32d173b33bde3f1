"""Employers: company profile, sites, and slots through their whole state machine."""

from __future__ import annotations

import pytest
from factories import PASSWORD, make_organisation, make_user
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from support import next_year, submit

from webapp.models import (
    AuditEvent,
    Candidate,
    Placement,
    PlacementStatus,
    Site,
    Slot,
    SlotStatus,
    Suggestion,
    SuggestionStatus,
)
from webapp.services import slots as slot_service

START = next_year(8, 1)  # a new slot may not start in the past


@pytest.fixture
def employer(db, auth):
    user = make_user(is_admin=True)
    auth.login(user.email, PASSWORD)
    return user


def add_site(client, name="Lager Robsrud", postal_code="1470"):
    return submit(
        client,
        "/arbeidsgiver/steder",
        {"name": name, "address": "Robsrudskogen 15", "postal_code": postal_code},
    )


def slot_data(site: int, **changes) -> dict:
    data = {
        "kind": "apprenticeship",
        "title": "Lærling i logistikkfaget",
        "occupation_code": "logistikkfaget",
        "description": "Varemottak, plukk og truck.",
        "skills": ["plukk_og_pakk", "varemottak"],
        "extra_skills": "SAP, god humør",
        "norwegian_level": "B1",
        "site_id": str(site),
        "hours_per_week": "37",
        "start_date": START.isoformat(),
        "end_date": START.replace(year=START.year + 2).isoformat(),
        "capacity": "2",
        "adaptations": ["mentor"],
        "contact_name": "Kari Lager",
    }
    data.update(changes)
    return data


def new_slot(client, db, **changes) -> Slot:
    add_site(client)
    site = db.session.scalars(select(Site)).first()
    response = submit(client, "/arbeidsgiver/plasser/ny", slot_data(site.id, **changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(select(Slot).order_by(Slot.id.desc())).first()


def test_a_site_gets_its_place_and_coordinates_from_the_postal_code(client, employer, db):
    response = add_site(client)
    assert response.status_code == 302
    site = db.session.scalars(select(Site)).one()
    assert site.organisation_id == employer.organisation_id
    assert (site.latitude, site.longitude) == pytest.approx((59.93, 10.96), abs=0.05)
    assert "Lager Robsrud" in client.get("/arbeidsgiver/steder").get_data(as_text=True)


def test_an_unknown_postal_code_is_refused(client, employer, db):
    response = add_site(client, postal_code="9999")
    assert response.status_code == 200
    assert "Ukjent postnummer." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Site)) == 0


def test_an_employer_creates_a_draft_slot_with_all_fields(client, employer, db):
    slot = new_slot(client, db)
    assert slot.status == SlotStatus.DRAFT
    assert slot.organisation_id == employer.organisation_id
    assert [s.code for s in slot.skills] == ["plukk_og_pakk", "varemottak"]
    assert slot.extra_skills == ["SAP", "god humør"]
    assert [a.code for a in slot.adaptations] == ["mentor"]
    assert slot.start_date == START
    assert slot.created_by_id == employer.id
    page = client.get(f"/arbeidsgiver/plasser/{slot.id}").get_data(as_text=True)
    assert "Lærling i logistikkfaget" in page
    assert "2 av 2" in page


@pytest.mark.parametrize(
    ("actions", "final"),
    [
        (["publish"], SlotStatus.OPEN),
        (["publish", "pause"], SlotStatus.PAUSED),
        (["publish", "pause", "reopen"], SlotStatus.OPEN),
        (["publish", "close"], SlotStatus.CLOSED),
        (["publish", "pause", "close"], SlotStatus.CLOSED),
        (["close"], SlotStatus.CLOSED),
    ],
)
def test_legal_transitions_move_the_slot_and_are_audited(actions, final, client, employer, db):
    slot = new_slot(client, db)
    for action in actions:
        response = submit(
            client,
            f"/arbeidsgiver/plasser/{slot.id}/{action}",
            form_url=f"/arbeidsgiver/plasser/{slot.id}",
        )
        assert response.status_code == 302
    db.session.refresh(slot)
    assert slot.status == final
    logged = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "slot").order_by(AuditEvent.id)
    ).all()
    assert logged == ["slot.created", *[f"slot.{a}" for a in actions]]


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ([], "pause"),
        ([], "reopen"),
        (["publish"], "publish"),
        (["publish"], "reopen"),
        (["publish", "pause"], "pause"),
        (["close"], "publish"),
        (["close"], "reopen"),
        (["close"], "close"),
    ],
)
def test_illegal_transitions_are_refused_with_a_message(setup, action, client, employer, db):
    slot = new_slot(client, db)
    for step in setup:
        slot_service.change_state(employer, db.session.get(Slot, slot.id), step)
    before = db.session.get(Slot, slot.id).status
    response = submit(
        client,
        f"/arbeidsgiver/plasser/{slot.id}/{action}",
        form_url=f"/arbeidsgiver/plasser/{slot.id}",
        follow_redirects=True,
    )
    assert "og kan ikke" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Slot, slot.id).status == before


def test_an_unknown_action_is_not_a_route(client, employer, db):
    slot = new_slot(client, db)
    response = submit(
        client,
        f"/arbeidsgiver/plasser/{slot.id}/explode",
        form_url=f"/arbeidsgiver/plasser/{slot.id}",
    )
    assert response.status_code == 404


def test_duplicate_makes_a_draft_copy(client, employer, db):
    slot = new_slot(client, db)
    slot_service.change_state(employer, slot, "publish")
    response = submit(
        client,
        f"/arbeidsgiver/plasser/{slot.id}/kopier",
        form_url=f"/arbeidsgiver/plasser/{slot.id}",
    )
    assert response.status_code == 302
    copy = db.session.scalars(select(Slot).order_by(Slot.id.desc())).first()
    assert copy.id != slot.id
    assert copy.status == SlotStatus.DRAFT
    assert copy.title == "Lærling i logistikkfaget (kopi)"
    assert [s.code for s in copy.skills] == ["plukk_og_pakk", "varemottak"]


def test_editing_keeps_the_rules(client, employer, db):
    slot = new_slot(client, db)
    response = submit(
        client,
        f"/arbeidsgiver/plasser/{slot.id}/endre",
        slot_data(slot.site_id, title="Ny tittel", capacity="5"),
    )
    assert response.status_code == 302
    db.session.refresh(slot)
    assert (slot.title, slot.capacity) == ("Ny tittel", 5)


def _occupy(db, slot: Slot, count: int) -> None:
    for n in range(count):
        candidate = Candidate(
            organisation_id=slot.organisation_id, reference_code=f"R{n}", display_name=f"K {n}"
        )
        db.session.add(candidate)
        db.session.flush()
        db.session.add(
            Placement(candidate_id=candidate.id, slot_id=slot.id, status=PlacementStatus.ACTIVE)
        )
    db.session.commit()


def test_capacity_cannot_drop_below_places_in_use(client, employer, db):
    slot = new_slot(client, db, capacity="3")
    _occupy(db, slot, 2)
    response = submit(
        client, f"/arbeidsgiver/plasser/{slot.id}/endre", slot_data(slot.site_id, capacity="1")
    )
    assert "2 plasser er allerede i bruk" in response.get_data(as_text=True)
    db.session.refresh(slot)
    assert slot.capacity == 3


def test_the_slot_list_shows_free_capacity_and_proposals_waiting(client, employer, db):
    slot = new_slot(client, db, capacity="3")
    _occupy(db, slot, 1)
    candidate = db.session.scalars(select(Candidate)).first()
    db.session.add(
        Suggestion(
            candidate_id=candidate.id, slot_id=slot.id, score=0.8, status=SuggestionStatus.PROPOSED
        )
    )
    db.session.commit()
    assert slot_service.free_capacity(slot) == 2
    page = client.get("/arbeidsgiver/plasser").get_data(as_text=True)
    assert "2 / 3" in page
    figures = slot_service.slot_figures([slot])[slot.id]
    assert (figures.free, figures.waiting) == (2, 1)


def test_a_full_slot_says_full(client, employer, db):
    slot = new_slot(client, db, capacity="1")
    _occupy(db, slot, 1)
    assert "Full (1)" in client.get("/arbeidsgiver/plasser").get_data(as_text=True)


def test_closed_slot_cannot_be_edited(client, employer, db):
    slot = new_slot(client, db)
    slot_service.change_state(employer, slot, "close")
    response = submit(client, f"/arbeidsgiver/plasser/{slot.id}/endre", slot_data(slot.site_id))
    assert "En lukket plass kan ikke endres" in response.get_data(as_text=True)


def test_other_employers_slots_and_sites_answer_404(client, auth, employer, db):
    slot = new_slot(client, db)
    site_id = slot.site_id
    auth.logout()
    other = make_user(is_admin=True)
    auth.login(other.email, PASSWORD)
    for url in [
        f"/arbeidsgiver/plasser/{slot.id}",
        f"/arbeidsgiver/plasser/{slot.id}/endre",
        f"/arbeidsgiver/plasser/{slot.id}/lukk",
        f"/arbeidsgiver/steder/{site_id}/endre",
    ]:
        assert client.get(url).status_code == 404, url
    response = submit(
        client, f"/arbeidsgiver/plasser/{slot.id}/publish", form_url="/arbeidsgiver/plasser"
    )
    assert response.status_code == 404
    # Using another employer's site in one's own slot is refused too.
    add_site(client, name="Eget sted")
    response = submit(client, "/arbeidsgiver/plasser/ny", slot_data(site_id))
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Slot)) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Gi plassen en tittel."),
        ({"title": "x" * 201}, "Skriv høyst 200 tegn."),
        ({"description": ""}, "Beskriv plassen."),
        ({"capacity": "0"}, "Antall plasser må være mellom 1 og 500."),
        ({"capacity": "501"}, "Antall plasser må være mellom 1 og 500."),
        ({"capacity": "mange"}, "Skriv et helt tall"),
        ({"hours_per_week": "0"}, "Timer per uke må være mellom 1 og 40."),
        ({"hours_per_week": "41"}, "Timer per uke må være mellom 1 og 40."),
        ({"end_date": START.replace(month=7).isoformat()}, "Sluttdato må være etter startdato."),
        ({"start_date": "i morgen"}, "Skriv en gyldig dato"),
        ({"kind": "slavery"}, "gyldig valg"),
        ({"norwegian_level": "D9"}, "gyldig valg"),
        ({"skills": ["flying"]}, "Velg bare blant alternativene som vises."),
        ({"adaptations": ["jetpack"]}, "Velg bare blant alternativene som vises."),
        ({"site_id": "999999"}, "gyldig valg"),
        ({"extra_skills": ",".join(f"t{n}" for n in range(11))}, "Høyst 10 andre ferdigheter."),
    ],
)
def test_slot_form_rejects_bad_input_and_keeps_what_was_typed(
    changes, message, client, employer, db
):
    add_site(client)
    site = db.session.scalars(select(Site)).first()
    response = submit(client, "/arbeidsgiver/plasser/ny", slot_data(site.id, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    if "description" not in changes:
        assert "Varemottak, plukk og truck." in page
    assert db.session.scalar(select(func.count()).select_from(Slot)) == 0


def test_profile_is_edited_by_organisation_admins_only(client, auth, employer, db):
    response = submit(
        client,
        "/arbeidsgiver/virksomhet",
        {"name": "Nytt Navn AS", "description": "Vi lager ting.", "open_to_schools": "y"},
    )
    assert response.status_code == 302
    db.session.refresh(employer.organisation)
    assert employer.organisation.name == "Nytt Navn AS"
    assert employer.organisation.open_to_schools is True
    auth.logout()
    colleague = make_user(employer.organisation)
    auth.login(colleague.email, PASSWORD)
    page = client.get("/arbeidsgiver/virksomhet").get_data(as_text=True)
    assert "Bare virksomhetens administratorer" in page
    submit(client, "/arbeidsgiver/virksomhet", {"name": "Kapret AS"})
    db.session.refresh(employer.organisation)
    assert employer.organisation.name == "Nytt Navn AS"


def test_slots_of_an_unapproved_employer_are_not_visible_to_others(client, auth, db):
    pending = make_organisation(approved=False)
    user = make_user(pending)
    auth.login(user.email, PASSWORD)
    slot = new_slot(client, db)
    slot_service.change_state(user, slot, "publish")
    assert slot.status == SlotStatus.OPEN
    assert not slot_service.is_visible_to_others(slot)
    assert "Synlig for veiledere når virksomheten er godkjent" in client.get(
        f"/arbeidsgiver/plasser/{slot.id}"
    ).get_data(as_text=True)


FORM_TEXT = st.text(max_size=300)
FORM_VALUES = st.one_of(
    FORM_TEXT,
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["", next_year(1, 1).isoformat(), "B1"]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    values=st.fixed_dictionaries(
        {},
        optional={
            name: FORM_VALUES
            for name in [
                "kind",
                "title",
                "occupation_code",
                "description",
                "extra_skills",
                "norwegian_level",
                "site_id",
                "hours_per_week",
                "start_date",
                "end_date",
                "capacity",
                "contact_name",
            ]
        },
    ),
    skills=st.lists(st.one_of(st.sampled_from(["salg", "renhold"]), FORM_TEXT), max_size=3),
)
def test_random_slot_forms_never_fail_or_half_save(client, employer, db, values, skills):
    before = db.session.scalar(select(func.count()).select_from(Slot))
    response = submit(client, "/arbeidsgiver/plasser/ny", {**values, "skills": skills})
    assert response.status_code in (200, 302)
    after = db.session.scalar(select(func.count()).select_from(Slot))
    if response.status_code == 200:
        assert after == before
    else:
        slot = db.session.scalars(select(Slot).order_by(Slot.id.desc())).first()
        assert 1 <= slot.capacity <= 500 and slot.title.strip()
