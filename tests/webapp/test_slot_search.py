"""Browsing open slots as a caseworker: visibility, search, filters, distance, sorting, paging."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from factories import (
    PASSWORD,
    make_candidate,
    make_organisation,
    make_site,
    make_slot,
    make_user,
)

from webapp.models import OrganisationKind, Placement, PostalPlace
from webapp.services import slot_search
from webapp.services.slot_search import SlotFilters

BROWSE = "/veileder/plasser"


@pytest.fixture
def caseworker(db, auth):
    user = make_user(kind=OrganisationKind.REFUGEE_SERVICE)
    auth.login(user.email, PASSWORD)
    return user


def titles(client, **args) -> list[str]:
    """The slot titles on the browse page, in the order shown."""
    page = client.get(BROWSE, query_string=args)
    assert page.status_code == 200
    return re.findall(r'href="/veileder/plasser/\d+">([^<]+)</a>', page.get_data(as_text=True))


def found(**filters) -> list[str]:
    return [hit.slot.title for hit in slot_search.search(SlotFilters(**filters)).hits]


# --- visibility --------------------------------------------------------------------------------


def test_only_open_slots_of_approved_employers_are_shown(client, caseworker, db):
    approved = make_organisation()
    unapproved = make_organisation(approved=False)
    make_slot(approved, title="Åpen plass")
    for status in ("draft", "paused", "closed"):
        make_slot(approved, title=f"Plass {status}", status=status)
    make_slot(unapproved, title="Hos ikke godkjent")
    assert titles(client) == ["Åpen plass"]
    assert found() == ["Åpen plass"]


def test_hidden_slots_answer_404_on_their_own_page(client, caseworker, db):
    approved = make_organisation()
    visible = make_slot(approved, title="Synlig", description="Beskrivelse her")
    hidden = [
        make_slot(approved, status="draft"),
        make_slot(approved, status="paused"),
        make_slot(approved, status="closed"),
        make_slot(make_organisation(approved=False)),
    ]
    page = client.get(f"{BROWSE}/{visible.id}")
    assert page.status_code == 200
    assert "Beskrivelse her" in page.get_data(as_text=True)
    for slot in hidden:
        assert client.get(f"{BROWSE}/{slot.id}").status_code == 404
    assert client.get(f"{BROWSE}/987654").status_code == 404


def test_search_never_finds_hidden_slots(client, caseworker, db):
    make_slot(make_organisation(approved=False), title="Hemmelig kokk")
    make_slot(make_organisation(), title="Hemmelig kokk utkast", status="draft")
    assert titles(client, q="Hemmelig") == []
    assert "Ingen åpne plasser passer til søket." in client.get(
        BROWSE, query_string={"q": "Hemmelig"}
    ).get_data(as_text=True)


@pytest.mark.parametrize("kind", [OrganisationKind.EMPLOYER, OrganisationKind.SCHOOL])
def test_browsing_is_for_caseworkers(client, auth, db, kind):
    slot = make_slot()
    user = make_user(kind=kind)
    auth.login(user.email, PASSWORD)
    assert client.get(BROWSE).status_code == 403
    assert client.get(f"{BROWSE}/{slot.id}").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(BROWSE)
    assert response.status_code == 302
    assert "/logg-inn" in response.headers["Location"]


# --- search ------------------------------------------------------------------------------------


def test_search_covers_title_description_trade_and_skills(db):
    org = make_organisation()
    make_slot(org, title="Tittel-treff")
    make_slot(org, title="Beskrivelse", description="Jobb med truck på lageret")
    make_slot(org, title="Fag", occupation_code="kokkfaget")
    make_slot(org, title="Ferdighet", skills=["kundeservice"])
    make_slot(org, title="Fri tagg", extra_skills=["sveisesertifikat"])
    assert found(q="tittel") == ["Tittel-treff"]
    assert found(q="TRUCK") == ["Beskrivelse"]
    assert found(q="kokkfag") == ["Fag"]
    assert found(q="Cook") == ["Fag"]  # the English name counts too
    assert found(q="kundeservice") == ["Ferdighet"]
    assert found(q="sveise") == ["Fri tagg"]
    assert found(q="truck lageret") == ["Beskrivelse"]  # every word must match
    assert found(q="truck kokk") == []
    assert found(q="%") == []


# --- filters -----------------------------------------------------------------------------------


def test_filter_by_kind_and_trade(client, caseworker, db):
    org = make_organisation()
    make_slot(org, title="Lærling kokk", kind="apprenticeship", occupation_code="kokkfaget")
    make_slot(org, title="Praksis kokk", kind="work_practice", occupation_code="kokkfaget")
    make_slot(org, title="Lærling frisør", kind="apprenticeship", occupation_code="frisorfaget")
    assert sorted(titles(client, kind="apprenticeship")) == ["Lærling frisør", "Lærling kokk"]
    assert titles(client, occupation="kokkfaget", kind="apprenticeship") == ["Lærling kokk"]


def test_filter_by_the_candidates_level_shows_slots_requiring_at_most_that(db):
    org = make_organisation()
    make_slot(org, title="Ingen krav", norwegian_level="none")
    make_slot(org, title="A2", norwegian_level="A2")
    make_slot(org, title="B2", norwegian_level="B2")
    assert sorted(found(level="A2")) == ["A2", "Ingen krav"]
    assert sorted(found(level="none")) == ["Ingen krav"]
    assert sorted(found(level="C2")) == ["A2", "B2", "Ingen krav"]


def test_filter_by_adaptations_needs_every_one_offered(client, caseworker, db):
    org = make_organisation()
    make_slot(org, title="Mentor", adaptations=["mentor"])
    make_slot(org, title="Mentor og språk", adaptations=["mentor", "language_support"])
    make_slot(org, title="Ingen")
    assert sorted(titles(client, adaptations="mentor")) == ["Mentor", "Mentor og språk"]
    both = titles(client, adaptations=["mentor", "language_support"])
    assert both == ["Mentor og språk"]


def test_filter_by_start_date_from(client, caseworker, db):
    org = make_organisation()
    make_slot(org, title="Tidlig", start_date=date(2027, 1, 4))
    make_slot(org, title="Sen", start_date=date(2027, 6, 1))
    make_slot(org, title="Etter avtale")
    assert titles(client, start_from="2027-03-01") == ["Sen"]
    assert sorted(titles(client, start_from="2027-01-04")) == ["Sen", "Tidlig"]


def test_filter_by_distance_from_a_postal_code(client, caseworker, db):
    org = make_organisation()
    near = make_site(org, postal_code="1470")  # Lørenskog
    far = make_site(org, postal_code="2040")  # Kløfta, about 19 km
    unknown = make_site(org, postal_code=None, latitude=None, longitude=None)
    make_slot(org, site=near, title="Nær")
    make_slot(org, site=far, title="Lenger unna")
    make_slot(org, site=unknown, title="Uten sted")
    origin = db.session.get(PostalPlace, "1470")
    farther = db.session.get(PostalPlace, "2040")
    distance = slot_search.haversine_km(
        (origin.latitude, origin.longitude), (farther.latitude, farther.longitude)
    )
    assert distance > 1
    assert titles(client, postal_code="1470", max_km=5) == ["Nær"]
    within = int(distance) + 5
    if within not in slot_search.DISTANCES_KM:
        within = min(km for km in slot_search.DISTANCES_KM if km > distance)
    assert titles(client, postal_code="1470", max_km=within, sort="distance") == [
        "Nær",
        "Lenger unna",
    ]
    page = client.get(BROWSE, query_string={"postal_code": "1470", "sort": "distance"})
    text = page.get_data(as_text=True)
    assert re.findall(r'href="/veileder/plasser/\d+">([^<]+)</a>', text) == [
        "Nær",
        "Lenger unna",
        "Uten sted",
    ]
    assert f"{distance:.1f} km" in text
    assert "avstand fra 1470 LØRENSKOG" in text


def test_a_slot_exactly_at_the_limit_counts_as_within(db):
    org = make_organisation()
    origin = db.session.get(PostalPlace, "1470")
    # Due north by exactly 10 km.
    north = origin.latitude + 10 / slot_search.KM_PER_DEGREE
    site = make_site(org, latitude=north, longitude=origin.longitude)
    make_slot(org, site=site, title="Ti km nord")
    assert found(postal_code="1470", max_km=10) == ["Ti km nord"]
    assert found(postal_code="1470", max_km=5) == []


def test_free_capacity_counts_planned_and_active_placements_only(client, caseworker, db):
    org = make_organisation()
    slot = make_slot(org, title="Tre plasser", capacity=3)
    full = make_slot(org, title="Full", capacity=1)
    candidate = make_candidate()
    for status in ("planned", "active", "completed", "ended_early"):
        db.session.add(Placement(candidate_id=candidate.id, slot_id=slot.id, status=status))
    db.session.add(Placement(candidate_id=candidate.id, slot_id=full.id, status="active"))
    db.session.commit()
    assert slot_search.free_capacity(slot) == 1
    assert slot_search.free_capacity(full) == 0
    hits = {hit.slot.title: hit.free_capacity for hit in slot_search.search(SlotFilters()).hits}
    assert hits == {"Tre plasser": 1, "Full": 0}
    page = client.get(BROWSE).get_data(as_text=True)
    assert "1 av 3" in page
    assert ">Full<" in page
    assert titles(client, free_only="y") == ["Tre plasser"]
    assert "1 ledige av 3" in client.get(f"{BROWSE}/{slot.id}").get_data(as_text=True)


def test_a_site_without_coordinates_of_its_own_is_placed_at_its_postal_code(client, caseworker, db):
    org = make_organisation()
    site = make_site(org, postal_code="2040", latitude=None, longitude=None)
    make_slot(org, site=site, title="Ved postnummeret")
    origin = db.session.get(PostalPlace, "1470")
    place = db.session.get(PostalPlace, "2040")
    distance = slot_search.haversine_km(
        (origin.latitude, origin.longitude), (place.latitude, place.longitude)
    )
    hits = slot_search.search(SlotFilters(postal_code="1470", max_km=50, sort="distance")).hits
    assert [(hit.slot.title, hit.distance_km) for hit in hits] == [
        ("Ved postnummeret", round(distance, 1))
    ]
    assert found(postal_code="1470", max_km=5) == []


def test_nearest_first_and_slots_at_the_same_distance_by_age(db):
    """Slots of several sites at one place interleave by id; a nearer site's come first."""
    org = make_organisation()
    origin = db.session.get(PostalPlace, "1470")
    north = origin.latitude + 3 / slot_search.KM_PER_DEGREE
    at_3_km = [make_site(org, latitude=north, longitude=origin.longitude) for _ in range(2)]
    at_origin = make_site(org)
    make_slot(org, site=at_3_km[1], title="3 km, først")
    make_slot(org, site=at_origin, title="Her, først")
    make_slot(org, site=at_3_km[0], title="3 km, andre")
    make_slot(org, site=at_origin, title="Her, andre")
    make_slot(org, site=at_3_km[1], title="3 km, tredje")
    make_slot(org, site=make_site(org, postal_code=None, latitude=None), title="Uten sted")
    expected = ["Her, først", "Her, andre", "3 km, først", "3 km, andre", "3 km, tredje"]
    for max_km in (5, 10):
        assert found(postal_code="1470", max_km=max_km, sort="distance") == expected
    assert found(postal_code="1470", sort="distance") == [*expected, "Uten sted"]
    assert found(postal_code="1470", max_km=1, sort="distance") == expected[:2]
    for max_km, everything in ((5, expected), (None, [*expected, "Uten sted"])):
        filters = SlotFilters(postal_code="1470", max_km=max_km, sort="distance")
        for per_page in (2, 4, 5):  # pages ending inside, across and at the end of the placed
            pages = [
                slot_search.search(filters, page=n, per_page=per_page, count_cap=2)
                for n in range(1, 5)
            ]
            assert [hit.slot.title for page in pages for hit in page.hits] == everything
            assert [page.page.has_next for page in pages] == [
                n * per_page < len(everything) for n in range(1, 5)
            ]


# --- sorting and paging ------------------------------------------------------------------------


def test_sort_by_newest_and_by_start_date(client, caseworker, db):
    org = make_organisation()
    make_slot(org, title="Først laget", start_date=date(2027, 5, 1))
    make_slot(org, title="Sist laget", start_date=date(2027, 2, 1))
    make_slot(org, title="Uten dato")
    newest = titles(client)
    assert newest.index("Sist laget") < newest.index("Først laget")
    assert titles(client, sort="start") == ["Sist laget", "Først laget", "Uten dato"]


def test_browse_is_paginated_and_links_keep_the_filters(client, caseworker, db):
    org = make_organisation()
    site = make_site(org)
    for n in range(slot_search.PER_PAGE + 5):
        make_slot(org, site=site, title=f"Side-plass {n:02d}", kind="apprenticeship")
    first = titles(client, kind="apprenticeship")
    second = titles(client, kind="apprenticeship", page=2)
    assert len(first) == slot_search.PER_PAGE
    assert len(second) == 5
    assert not set(first) & set(second)
    page = client.get(BROWSE, query_string={"kind": "apprenticeship"}).get_data(as_text=True)
    link = re.search(r'href="([^"]*page=2[^"]*)"', page).group(1)
    assert "kind=apprenticeship" in link
    assert f"{slot_search.PER_PAGE + 5} plasser" in page


def test_the_count_stops_past_the_page_and_the_pages_still_lead_on(db):
    org = make_organisation()
    for n in range(7):
        make_slot(org, title=f"Plass {n}")

    def page(number):
        return slot_search.search(SlotFilters(), page=number, per_page=2, count_cap=3).page

    first = page(1)
    assert (first.capped, first.shown_total, first.has_next) == (True, 3, True)
    third = page(3)  # its count reaches past the last slot: exact again
    assert (third.capped, third.total, third.pages, third.has_next) == (False, 7, 4, True)
    last = page(4)
    assert ([s.title for s in last.items], last.has_next) == (["Plass 0"], False)
    assert page(99).items == []
    assert slot_search.search(SlotFilters(), per_page=2).page.total == 7  # uncapped by default


def test_the_browse_page_says_over_when_the_count_is_capped(client, caseworker, db, monkeypatch):
    monkeypatch.setattr(slot_search, "COUNT_CAP", 3)
    org = make_organisation()
    for n in range(slot_search.PER_PAGE + 5):
        make_slot(org, title=f"Kokk {n:02d}")
    first = client.get(BROWSE).get_data(as_text=True)
    shown = slot_search.PER_PAGE  # a page's count always reaches one row past the page
    assert f"over {shown} plasser" in first
    assert f"Side 1, over {shown} treff" in first
    assert re.search(r'href="[^"]*page=2', first)
    second = client.get(BROWSE, query_string={"page": 2}).get_data(as_text=True)
    assert f"{slot_search.PER_PAGE + 5} plasser" in second
    assert "Side 2 av 2" in second
    assert len(titles(client, page=2)) == 5
    # A ranked text search sees every match to order them, so it counts them exactly.
    text = client.get(BROWSE, query_string={"q": "kokk"}).get_data(as_text=True)
    assert f"{slot_search.PER_PAGE + 5} plasser" in text
    assert "Side 1 av 2" in text


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"postal_code": "0001"}, "Ukjent postnummer."),
        ({"postal_code": "abcd"}, "Postnummeret har fire sifre."),
        ({"max_km": "10"}, "Skriv inn et postnummer for å søke etter avstand."),
        ({"sort": "distance"}, "Skriv inn et postnummer for å sortere etter avstand."),
        ({"start_from": "2027-02-30"}, "Skriv en gyldig dato"),
        ({"kind": "moon_base"}, "gyldig valg"),
        ({"max_km": "7", "postal_code": "1470"}, "gyldig valg"),
        ({"adaptations": "jetpack"}, "Velg bare blant alternativene"),
    ],
)
def test_a_bad_filter_is_explained_and_ignored(client, caseworker, db, args, message):
    make_slot(title="Finnes")
    response = client.get(BROWSE, query_string=args)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "Finnes" in page


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-1",
        "page=99999",
        "page=x",
        "q=%00",
        "q=" + "ø" * 300,
        "sort=evil",
        "q=Finnes&page=99999",
        "postal_code=1470&max_km=5&sort=distance&page=99999",
    ],
)
def test_odd_queries_never_break_the_page(client, caseworker, db, query):
    make_slot(title="Finnes")
    assert client.get(f"{BROWSE}?{query}").status_code == 200


def test_the_detail_page_is_read_only_and_shows_what_matters(client, caseworker, db):
    org = make_organisation(name="Bedriften AS")
    slot = make_slot(
        org,
        title="Lærling i kokkfaget",
        kind="apprenticeship",
        occupation_code="kokkfaget",
        skills=["matlaging"],
        extra_skills=["kaffe"],
        adaptations=["mentor"],
        norwegian_level="B1",
        hours_per_week=37,
        start_date=date.today() + timedelta(days=60),
        capacity=2,
        contact_name="Kari Kontakt",
    )
    page = client.get(f"{BROWSE}/{slot.id}").get_data(as_text=True)
    for text in (
        "Bedriften AS",
        "Kokkfaget",
        "Matlaging, kaffe",
        "Fast mentor eller fadder",
        "B1 – selvstendig",
        "Kari Kontakt",
        "2 ledige av 2",
    ):
        assert text in page
    assert '<form method="post"' not in page.split("<main", 1)[1]


def test_haversine_matches_a_known_distance():
    oslo, bergen = (59.9139, 10.7522), (60.3913, 5.3221)
    assert slot_search.haversine_km(oslo, bergen) == pytest.approx(305, abs=3)
    assert slot_search.haversine_km(oslo, oslo) == 0


def test_the_search_runs_a_bounded_number_of_queries(app, db):
    """Free capacity and distance for a page come from one query, not one per slot."""
    from sqlalchemy import event

    org = make_organisation()
    site = make_site(org)
    for n in range(12):
        make_slot(org, site=site, title=f"Plass {n}")
    statements = []

    def count(*_args):
        statements.append(1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        results = slot_search.search(SlotFilters(postal_code="1470"))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(results.hits) == 12
    assert len(statements) <= 5
