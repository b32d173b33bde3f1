"""The occupation layer: texts and codes mapped to ESCO concepts, in bokmål and English."""

from __future__ import annotations

import io

import pytest

from matching import Candidate, Matcher, Slot
from matching.occupations import (
    concept_code,
    default_index,
    label_search,
    normalise,
)
from matching.scoring import HAND_WEIGHTS, NEUTRAL

KIND = "apprenticeship"


def _concepts(text):
    index = default_index()
    row = index.concepts([text])[0]
    return {index.label(j, "en") for j in row.indices}


def test_a_norwegian_and_an_english_title_name_the_same_concept():
    assert "cook" in _concepts("kokk")
    assert "cook" in _concepts("Cook")
    assert "carpenter" in _concepts("tømrer")


def test_a_cook_is_not_a_cookery_teacher():
    assert "cook" not in _concepts("kokkelærer")


def test_placement_words_and_trade_endings_do_not_hide_the_occupation():
    assert normalise("Lærling i kokkfaget") == "kokk"
    assert "cook" in _concepts("Lærling i kokkfaget")


@pytest.mark.parametrize("text", ["", "12345", "🙂🙂🙂", "vil jobbe med eldre"])
def test_text_that_names_no_occupation_maps_to_none(text):
    assert _concepts(text) == set()


def test_esco_codes_and_the_trades_map_to_concepts():
    index = default_index()
    cook = index.concepts(["kokk"])[0].indices[0]
    code = concept_code(index.uris[cook])
    found = index.code_concepts([{code}, {"kokkfaget"}, {"no-such-code"}])
    assert list(found[0].indices) == [cook]
    assert list(found[1].indices) == [cook]
    assert found[2].nnz == 0


def test_type_ahead_finds_synonyms_in_both_languages():
    found = label_search().search("helsefagarb")
    assert found and all("helsefagarb" in item["label"].casefold() for item in found)
    assert "healthcare assistant" in {item["preferred_en"] for item in found}
    assert any(item["preferred_nb"] == "kokk" for item in label_search().search("cook"))
    assert len({item["code"] for item in found}) == len(found)  # one per occupation


@pytest.mark.parametrize("query", ["", " ", "k", "🙂", "\x00", "x" * 500])
def test_type_ahead_answers_odd_queries_with_nothing_or_a_short_list(query):
    assert len(label_search().search(query)) <= 10


def _slots():
    return [
        Slot(id="cook", kind=KIND, title="Cook", description="Prepare meals in a restaurant"),
        Slot(id="carpenter", kind=KIND, title="Carpenter", description="Build wooden houses"),
        Slot(id="nurse", kind=KIND, title="Nurse", description="Care for patients"),
        Slot(id="driver", kind=KIND, title="Truck driver", description="Deliver goods"),
    ]


def test_a_norwegian_goal_finds_the_english_slot():
    goal = Candidate(id="c", kinds={KIND}, goals="tømrer")
    with_layer = Matcher().fit(_slots(), [goal]).suggest_slots([goal], k=1)
    assert with_layer[0][0].slot_id == "carpenter"


def test_a_shared_concept_is_an_occupation_match_with_its_reason():
    goal = Candidate(id="c", kinds={KIND}, goals="Vil bli kokk")
    slot = _slots()[0]
    matcher = Matcher().fit(_slots(), [goal])
    explained = matcher.explain(goal, slot)
    reason = next(r for r in explained.reasons if r["key"] == "occupation_concept")
    assert reason["params"]["label_nb"] == "kokk"
    assert reason["params"]["label_en"] == "cook"
    assert explained.factors["occupation_match"] > HAND_WEIGHTS["occupation_match"] * NEUTRAL
    without = Matcher(occupations=None).fit(_slots(), [goal]).explain(goal, slot)
    assert explained.score > without.score
    assert all(r["key"] != "occupation_concept" for r in without.reasons)


def test_the_saved_model_refers_to_the_shipped_labels_instead_of_copying_them():
    goal = Candidate(id="c", kinds={KIND}, goals="kokk")
    matcher = Matcher().fit(_slots(), [goal])
    buffer = io.BytesIO()
    matcher.save(buffer)
    loaded = Matcher.load(io.BytesIO(buffer.getvalue()))
    assert loaded.occupation_index_ is default_index()
    assert buffer.tell() < 1_000_000
    assert loaded.suggest_slots([goal], k=1)[0][0].slot_id == "cook"


BAD_GOALS = {
    "number only": "12345",
    "emoji": "🙂🙂🙂 👍",
    "chinese": "我想在餐厅当厨师，我喜欢做饭",
    "cyrillic": "Я хочу работать поваром в ресторане",
    "20,000 characters": ("kokk og baker " * 1500)[:20_000],
}


@pytest.mark.parametrize("goal", BAD_GOALS.values(), ids=BAD_GOALS.keys())
def test_bad_goals_get_a_neutral_occupation_score_and_a_low_confidence_flag(goal):
    candidate = Candidate(id="bad", kinds={KIND}, goals=goal)
    matcher = Matcher().fit(_slots(), [Candidate(id="ok", kinds={KIND}, goals="kokk")])
    explained = matcher.explain(candidate, _slots()[1])
    assert explained.low_confidence
    assert explained.reasons[0]["key"] == "low_confidence"
    assert 0.0 <= explained.score <= 1.0
    assert explained.factors["occupation_match"] == pytest.approx(
        HAND_WEIGHTS["occupation_match"] * NEUTRAL
    )
    for row in matcher.suggest_slots([candidate], k=4):
        assert all(s.low_confidence for s in row)


def test_an_unknown_occupation_code_is_neutral_and_flagged():
    labels = {"kokkfaget": "Kokkfaget Cook"}
    slot = Slot(id="s", kind=KIND, title="Kokk", description="Lage mat", occupation="kokkfaget")
    known = Candidate(id="k", kinds={KIND}, goals="lage mat på kjøkken", occupations={"kokkfaget"})
    unknown = Candidate(id="u", kinds={KIND}, goals="lage mat på kjøkken", occupations={"zz-99"})
    matcher = Matcher(occupation_labels=labels).fit([slot], [known])
    explained = matcher.explain(unknown, slot)
    assert explained.low_confidence
    assert explained.factors["occupation_match"] == pytest.approx(
        HAND_WEIGHTS["occupation_match"] * NEUTRAL
    )
    assert not matcher.explain(known, slot).low_confidence
