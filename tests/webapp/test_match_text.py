"""The engine's reasons as sentences, with Norwegian numbers and dates."""

from __future__ import annotations

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
