"""The company finder: who is found, in which order, with which reasons, through which filters."""

from __future__ import annotations

from datetime import date

import pytest
from factories import PASSWORD, make_organisation, make_slot
from school_factories import (
    make_coordinator,
    make_need,
    make_open_employer,
    make_request,
    make_school,
)

from webapp.models import OrganisationKind, PartnershipStatus
from webapp.services.schools.finder import Filters, find_companies


@pytest.fixture
def school(db):
    return make_school(postal_code="1470")


def names(matches) -> list[str]:
    return [m.employer.name for m in matches]


def test_only_approved_employers_open_to_schools_are_found(school):
    need = make_need(school)
    make_open_employer("Åpen AS")
    make_organisation(OrganisationKind.EMPLOYER, name="Lukket AS", open_to_schools=False)
    make_organisation(
        OrganisationKind.EMPLOYER, name="Ikke godkjent AS", approved=False, open_to_schools=True
    )
    assert names(find_companies(need)) == ["Åpen AS"]


def test_the_employer_offering_the_programme_area_and_trade_ranks_first_with_reasons(school):
    need = make_need(school, students=4, trades=["helsearbeiderfaget"])
    make_open_employer(
        "Bygg AS", program_areas=["BA"], trades=["tomrerfaget"], description="Tømrer og mur"
    )
    make_open_employer(
        "Sykehjem AS",
        postal_code="1478",
        description="Sykehjem med pleie og omsorg",
        students_per_period=4,
    )
    matches = find_companies(need)
    assert names(matches) == ["Sykehjem AS", "Bygg AS"]
    best = matches[0]
    assert "tilbyr Helse- og oppvekstfag" in best.reasons
    assert "tilbyr lærefaget Helsearbeiderfaget" in best.reasons
    assert "kan ta 4 elever i uke 10–12" in best.reasons
    assert any(reason.endswith(" km") for reason in best.reasons)
    assert best.score > matches[1].score


def test_a_slot_counts_as_offering_its_trade_and_programme_area(school):
    need = make_need(school, program_area_code="RM", trades=["kokkfaget"], title="Kjøkken")
    employer = make_organisation(OrganisationKind.EMPLOYER, name="Kantina", open_to_schools=True)
    make_slot(employer, title="Kokklærling", occupation_code="kokkfaget", kind="apprenticeship")
    (match,) = find_companies(need, Filters(trade="kokkfaget"))
    assert "tilbyr lærefaget Kokkfaget" in match.reasons
    assert match.free is None  # no school profile: capacity unknown, not zero


def test_capacity_counts_accepted_partnerships_and_blackouts(school):
    need = make_need(school, students=2)
    busy = make_open_employer("Opptatt AS", students_per_period=3)
    make_open_employer("Stengt AS", blackouts=[["2027-03-01", "2027-03-10"]])
    make_open_employer("Ledig AS", students_per_period=2)
    other_need = make_need(school, title="Annet", students=3)
    make_request(other_need, busy, status=PartnershipStatus.ACCEPTED)
    matches = {m.employer.name: m for m in find_companies(need)}
    assert (matches["Opptatt AS"].free, matches["Stengt AS"].free) == (0, 0)
    assert "har ikke plass i perioden" in matches["Stengt AS"].reasons
    assert matches["Ledig AS"].free == 2
    assert names(find_companies(need, Filters(only_free=True))) == ["Ledig AS"]


def test_filters_by_programme_area_place_and_distance(school):
    need = make_need(school)
    make_open_employer("Nær AS", postal_code="1470")
    make_open_employer("Lillestrøm AS", postal_code="2000", program_areas=["BA"], trades=[])
    assert names(find_companies(need, Filters(program_area="BA"))) == ["Lillestrøm AS"]
    assert names(find_companies(need, Filters(municipality="Lillestrøm"))) == ["Lillestrøm AS"]
    assert names(find_companies(need, Filters(max_km=2))) == ["Nær AS"]


def test_an_employer_already_asked_is_marked_in_the_results(school):
    need = make_need(school)
    employer = make_open_employer()
    request = make_request(need, employer)
    (match,) = find_companies(need)
    assert match.request.id == request.id


def test_the_ranking_is_the_same_every_time(school):
    need = make_need(school)
    for n in range(6):
        make_open_employer(f"Bedrift {n}", description="pleie omsorg sykehjem" * (n % 3))
    assert names(find_companies(need)) == names(find_companies(need))


def test_the_finder_page_shows_the_ranked_companies(client, auth, school):
    coordinator = make_coordinator(school)
    need = make_need(school)
    make_open_employer("Sykehjem AS", description="Sykehjem")
    auth.login(coordinator.email, PASSWORD)
    page = client.get(f"/skole/behov/{need.id}/bedrifter?max_km=abc").get_data(as_text=True)
    assert "Sykehjem AS" in page and "tilbyr Helse- og oppvekstfag" in page
    assert "Spør Sykehjem AS" in page


def test_a_school_without_an_address_gets_no_distances(db):
    school = make_organisation(OrganisationKind.SCHOOL)
    need = make_need(school, period_start=date(2027, 3, 8))
    make_open_employer()
    (match,) = find_companies(need)
    assert match.distance_km is None


def test_a_shared_word_is_named_once_though_two_stems_come_from_it():
    from matching import TextModel
    from webapp.services.schools.finder import _shared_words

    model = TextModel("char", 64)
    model.fit_transform(["Murer og murerfaget", "Vi tar lærlinger i murerfaget. Murer."])
    words = _shared_words(model, "Murer og murerfaget", "Vi tar lærlinger i murerfaget. Murer.")
    assert sorted(words) == ["murer", "murerfaget"]
