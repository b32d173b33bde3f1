"""The match card on a candidate's suggestions page: compact, in words, and "why not"."""

from __future__ import annotations

import re

import pytest
from factories import PASSWORD, make_slot
from test_proposals import World

from webapp.services import matchmaking


@pytest.fixture
def world(app_ctx, app, db):
    with app.test_request_context():
        world = World()
        world.far = make_slot(
            world.employer_org,
            title="Barnehageassistent på Nordpolen",
            description="Lek og læring.",
            kind="apprenticeship",  # a kind the candidate does not want: a hard rule stops it
        )
        matchmaking.rebuild()
        yield world


@pytest.fixture
def page(world, client, auth):
    auth.login(world.caseworker.email, PASSWORD)
    return lambda query="": client.get(
        f"/veileder/kandidater/{world.candidate.id}/forslag{query}"
    ).get_data(as_text=True)


def test_each_suggestion_is_one_row_with_details_on_demand(world, page):
    html = page()
    assert '<ol class="app-match-list">' in html
    assert html.count("<details") == html.count('class="app-match"')
    assert "Ønsket yrke" in html and "passer" in html
    assert re.search(r"Treff: \d+\xa0%", html)  # a Norwegian percentage, not 0.22
    assert not re.search(r"\b0\.\d\d\b", html)  # no raw weighted contributions


def test_why_not_names_the_rule_that_blocks_a_searched_slot(world, page):
    html = page("?hvorfor=Nordpolen")
    verdict = re.search(rf'<li id="why-not-{world.far.id}">(.*?)</li>', html, re.S).group(1)
    assert "Stoppes av en regel." in verdict
    assert "Kandidaten ønsker ikke" in verdict


def test_why_not_for_a_listed_slot_says_it_is_listed(world, page):
    html = page("?hvorfor=truck")
    assert f'id="why-not-{world.slot.id}"' in html
    assert "Står allerede i listen" in html


def test_why_not_without_a_match_says_so(world, page):
    assert "Ingen åpne plasser passer søket." in page("?hvorfor=finnesikke")
