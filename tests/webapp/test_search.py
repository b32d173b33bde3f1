"""Text search runs on the database's own engine and answers the same on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from factories import make_candidate, make_organisation, make_slot, make_user
from sqlalchemy import event

from webapp.models import OrganisationKind, Skill
from webapp.services import candidate_search, search, slot_search
from webapp.services.candidate_search import CandidateFilters
from webapp.services.slot_search import SlotFilters


def found_slots(q: str) -> list[str]:
    return [hit.slot.title for hit in slot_search.search(SlotFilters(q=q)).hits]


def found_candidates(user, q: str) -> list[str]:
    page = candidate_search.search(user, CandidateFilters(q=q))
    return [candidate.reference_code for candidate in page.items]


@pytest.fixture
def caseworker(db):
    return make_user(kind=OrganisationKind.NAV_OFFICE)


def test_partial_words_and_compounds_are_found(db):
    org = make_organisation()
    make_slot(org, title="Helsefagarbeider på sykehjem")
    make_slot(org, title="Lager", description="Truckførerbevis er en fordel")
    assert found_slots("fagarbeider") == ["Helsefagarbeider på sykehjem"]
    assert found_slots("helsefag") == ["Helsefagarbeider på sykehjem"]
    assert found_slots("truckfører") == ["Lager"]
    assert found_slots("SYKEHJEM") == ["Helsefagarbeider på sykehjem"]


def test_a_title_match_ranks_above_a_description_match(db):
    org = make_organisation()
    make_slot(org, title="Butikkmedarbeider", description="Salg av elektronikk")
    make_slot(org, title="Elektriker", description="Arbeid med elektronikk og kabler")
    make_slot(org, title="Kantine", description="Lunsj")
    # The newest slot would come first without a query; with one, relevance decides.
    assert found_slots("elektriker") == ["Elektriker"]
    assert found_slots("elektriker elektronikk") == ["Elektriker"]


def test_more_matched_words_rank_higher(db):
    org = make_organisation()
    make_slot(org, title="Kokk", description="Kjøkken i kantine")
    make_slot(org, title="Kokk og servitør", description="Restaurant med kokk og servitør")
    make_slot(org, title="Renhold", description="Ingen kokk her")
    assert found_slots("kokk")[-1] == "Renhold"
    assert found_slots("kokk")[0] in {"Kokk", "Kokk og servitør"}


def test_candidates_are_found_by_goals_name_and_code(caseworker, db):
    org = caseworker.organisation
    make_candidate(org, reference_code="G-1", goals="Vil bli tømrer og bygge hus")
    make_candidate(org, reference_code="G-2", display_name="Tømrer-Tor")
    make_candidate(org, reference_code="G-3", experience="Har vasket biler")
    make_candidate(
        make_organisation(OrganisationKind.NAV_OFFICE), reference_code="G-9", goals="tømrer"
    )
    assert found_candidates(caseworker, "tømrer") == ["G-2", "G-1"]  # the name weighs more
    assert found_candidates(caseworker, "biler") == ["G-3"]
    assert found_candidates(caseworker, "g-3") == ["G-3"]
    assert found_candidates(caseworker, "G-") == ["G-1", "G-2", "G-3"]


def test_short_words_match_like_long_ones(caseworker, db):
    org = caseworker.organisation
    make_candidate(org, reference_code="AB-1")
    make_candidate(org, reference_code="CD-2")
    assert found_candidates(caseworker, "ab") == ["AB-1"]
    assert found_candidates(caseworker, "b-") == ["AB-1"]
    assert found_candidates(caseworker, "%") == []


@pytest.mark.parametrize(
    "q",
    ['"', 'a"b', "NOT", "*", "(", ")", "NEAR(a b)", "xx OR yy", "x:*", "'", "&|!", "\\", "ø" * 80],
)
def test_query_syntax_of_either_engine_is_taken_literally(db, q):
    make_slot(make_organisation(), title="Plass")
    assert found_slots(q) == []


def test_at_most_eight_words_are_searched(db):
    make_slot(make_organisation(), title="ord")
    assert search.words(" ".join(["ord"] * 3 + [f"w{n}" for n in range(20)])) == [
        "ord",
        *[f"w{n}" for n in range(7)],
    ]
    assert search.words("a\x00b") == ["a", "b"]


def test_skill_names_are_looked_up_first_then_matched_by_code(app, db):
    """The text condition uses the engine's index; skill names never join the slot query."""
    search._NAMES.clear()  # names are kept per process; this test watches them being read
    org = make_organisation()
    make_slot(org, title="Resepsjon", skills=["kundeservice"])
    statements: list[str] = []

    def remember(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        assert found_slots("kundeservice") == ["Resepsjon"]
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    engine_operator = "@@" if db.engine.dialect.name == "postgresql" else "MATCH"
    text_queries = [s for s in statements if engine_operator in s]
    assert len(text_queries) == 1  # the page, which counts its matches too
    assert all("slot_skill.skill_code IN" in s for s in text_queries)
    assert all("skill.name" not in s for s in text_queries)
    assert any(s.startswith("SELECT skill.code") for s in statements)
    statements.clear()
    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        assert found_slots("kundeservice") == ["Resepsjon"]
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert not any(s.startswith("SELECT skill.code") for s in statements)  # kept


def test_a_new_skill_is_found_by_name_at_once(db):
    """The kept names are read again when the taxonomy gains a row."""
    make_slot(make_organisation(), title="Resepsjon", skills=["kundeservice"])
    assert found_slots("kundeservice") == ["Resepsjon"]
    db.session.add(Skill(code="taubane", name_nb="Taubanekjøring", name_en="Cable car driving"))
    db.session.commit()
    make_slot(make_organisation(), title="Fjellet", skills=["taubane"])
    assert found_slots("taubanekjøring") == ["Fjellet"]


def test_a_candidate_search_looks_only_within_the_office(caseworker, db):
    """Each branch of the text condition is confined to the caseworker's office, so a search
    costs what the office has, not what the whole table has (a hundred offices at 100k)."""
    make_candidate(caseworker.organisation, reference_code="O-1", goals="sveiser")
    make_candidate(make_organisation(OrganisationKind.NAV_OFFICE), goals="sveiser")
    statement = candidate_search.search_statement(caseworker, CandidateFilters(q="sveiser"))
    sql = str(statement.compile(db.engine))
    text_condition = sql.split(" IN (", 1)[1]
    branches = text_condition.split("UNION ALL")
    assert all("organisation_id =" in branch for branch in branches)
    assert found_candidates(caseworker, "sveiser") == ["O-1"]
