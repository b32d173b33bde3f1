"""ESCO occupations in the taxonomy, the occupation type-ahead, and the shared-concept reason."""

from __future__ import annotations

from factories import PASSWORD, make_site, make_user
from sqlalchemy import func, select

from webapp.models import Occupation
from webapp.services import taxonomy
from webapp.ui.match_text import reason_text

TYPEAHEAD = "/yrker/forslag"


def test_every_esco_occupation_is_seeded_with_a_name_in_both_languages(db):
    esco = db.session.scalars(select(Occupation).where(Occupation.category == "esco")).all()
    assert len(esco) >= 2900
    assert all(row.name_nb and row.name_en and len(row.code) == 36 for row in esco)
    trades = db.session.scalar(
        select(func.count()).select_from(Occupation).where(Occupation.category == "trade")
    )
    assert trades >= 40


def test_trades_come_before_the_esco_occupations_in_the_choice_list(app):
    with app.test_request_context():
        choices = taxonomy.occupation_choices()
    categories = list(choices)
    first_esco = next(i for i, c in enumerate(categories) if c.optgroup == "Andre yrker (ESCO)")
    assert all(c.optgroup != "Andre yrker (ESCO)" for c in categories[:first_esco])
    assert first_esco >= 40


def test_type_ahead_offers_occupation_names_for_what_was_typed(client, auth, db):
    user = make_user()
    auth.login(user.email, PASSWORD)
    answer = client.get(TYPEAHEAD, query_string={"q": "helsefag"})
    assert answer.status_code == 200
    items = answer.get_json()
    assert 0 < len(items) <= 10
    assert all("helsefag" in item["label"].casefold() for item in items)
    assert {"label", "code", "name"} <= set(items[0])


def test_type_ahead_names_occupations_in_the_users_language(client, auth, db):
    user = make_user(locale="en")
    auth.login(user.email, PASSWORD)
    items = client.get(TYPEAHEAD, query_string={"q": "kokk"}).get_json()
    assert "cook" in {item["name"] for item in items}


def test_type_ahead_answers_odd_queries_with_an_empty_list(client, auth, db):
    user = make_user()
    auth.login(user.email, PASSWORD)
    for query in ["", "k", "🙂", "\x00kokk", "x" * 20_000]:
        answer = client.get(TYPEAHEAD, query_string={"q": query})
        assert answer.status_code == 200
        assert isinstance(answer.get_json(), list)


def test_type_ahead_needs_a_login(client, db):
    assert client.get(TYPEAHEAD, query_string={"q": "kokk"}).status_code == 302


def test_the_slot_title_offers_the_type_ahead(client, auth, db):
    user = make_user()
    make_site(user.organisation)
    auth.login(user.email, PASSWORD)
    page = client.get("/arbeidsgiver/plasser/ny").get_data(as_text=True)
    assert "data-occupation-typeahead" in page
    assert "occupation-typeahead.js" in page


def test_a_shared_concept_reads_as_both_being_the_same_occupation(app):
    params = {"code": "x", "label_nb": "helsefagarbeider", "label_en": "healthcare assistant"}
    with app.test_request_context():
        assert reason_text({"key": "occupation_concept", "params": params}) == (
            "Samme yrke: begge er «helsefagarbeider»"
        )
