"""The engine's reasons as sentences, with Norwegian numbers and dates."""

from __future__ import annotations

from flask_babel import force_locale

from webapp.ui.match_text import explanation, reason_text


def test_reasons_read_as_norwegian_sentences(app):
    with app.test_request_context():
        assert (
            reason_text({"key": "hours_fit", "params": {"candidate_hours": 37.0, "slot_hours": 30}})
            == "Arbeidstiden passer (37 t mot 30 t per uke)"
        )
        assert reason_text({"key": "distance", "params": {"distance_km": 3.14}}) == (
            "Reisevei omtrent 3,1 km"
        )
        assert reason_text({"key": "start_fit", "params": {"start_date": "2027-05-10"}}) == (
            "Oppstart passer (10.05.2027)"
        )
        assert reason_text({"key": "shared_skills", "params": {"skills": ["salg"]}}) == (
            "Felles ferdigheter: Salg"
        )


def test_unknown_and_detail_keys_are_left_out(app):
    with app.test_request_context():
        assert explanation([{"key": "_details", "params": {}}, {"key": "no_such_key"}]) == []


REASONS = [
    {"key": "occupation_match", "params": {"occupation": "logistikkfaget"}},
    {"key": "shared_skills", "params": {"skills": ["varemottak"], "count": 1}},
    {"key": "similar_text", "params": {"similarity": 0.22, "terms": ["lager", "truck"]}},
    {"key": "hours_fit", "params": {"candidate_hours": 37.5, "slot_hours": 37.5}},
    {"key": "distance", "params": {"distance_km": 2.14}},
    {"key": "missing_skills", "params": {"skills": ["truckforerbevis"], "count": 2}},
]


def test_factors_read_as_plain_words_with_norwegian_numbers(app):
    from webapp.ui.match_text import factor_lines

    with app.test_request_context():
        assert factor_lines(REASONS, max_km=10) == [
            ("Ønsket yrke", "passer"),
            ("Felles ferdigheter", "1 av 3"),
            ("Tekstlikhet", "22\xa0%"),
            ("Arbeidstid", "37,5 t mot 37,5 t per uke – passer"),
            ("Reisevei", "2,1 km – godt innenfor 10 km"),
        ]


def test_factors_in_english_use_english_numbers(app):
    from flask_babel import force_locale

    from webapp.ui.match_text import factor_lines

    with app.test_request_context(), force_locale("en"):
        lines = dict(factor_lines(REASONS, max_km=3))
        assert "2.1 km – within 3 km" in lines.values()
        assert "22%" in lines.values()


def test_headline_is_the_strongest_positive_reason(app):
    from webapp.ui.match_text import headline

    with app.test_request_context():
        assert headline(REASONS).startswith("Ønsket yrke")
        assert headline([REASONS[-1]]) is None
        assert headline([{"key": "low_confidence", "params": {}}, REASONS[4]]) == (
            "Reisevei omtrent 2,1 km"
        )


def test_occupation_reasons_name_the_occupation_in_the_readers_language(app, db):
    """Occupation labels are kept by the process (3,000 rows): per language, and an added
    occupation is named at once (kept, like the occupation choices, per number of occupations)."""
    from webapp.models import Occupation

    reason = {"key": "occupation_match", "params": {"occupation": "logistikkfaget"}}
    row = db.session.get(Occupation, "logistikkfaget")
    # Each request its own app context (and g), as in a server.
    with app.app_context(), app.test_request_context():
        assert reason_text(reason) == f"Ønsket yrke: {row.name_nb}"
    with app.app_context(), app.test_request_context(), force_locale("en"):
        assert reason_text(reason) == f"Wanted occupation: {row.name_en}"
    added = Occupation(code="nytt-fag", category="trade", name_nb="Nytt fag", name_en="New")
    db.session.add(added)
    db.session.commit()  # seen from the next request's session; taxonomy rows are not emptied
    try:
        with app.app_context(), app.test_request_context():
            reason = {"key": "occupation_match", "params": {"occupation": "nytt-fag"}}
            assert reason_text(reason) == "Ønsket yrke: Nytt fag"
    finally:
        db.session.delete(added)
        db.session.commit()
