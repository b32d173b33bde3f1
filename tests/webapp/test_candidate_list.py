"""The caseworker's candidate list (search, filters, pagination), home page and navigation."""

from __future__ import annotations

import re

import pytest
from candidate_support import (
    login_caseworker,
)
from factories import make_candidate

from webapp.services import candidate_search
from webapp.services import candidates as service


@pytest.fixture
def caseworker(db, auth):
    return login_caseworker(auth)


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
