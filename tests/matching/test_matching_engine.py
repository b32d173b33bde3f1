"""Matcher: ranking, k, explanations, persistence and bad input."""

import io
import pickle
from datetime import date

import joblib
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from matching import FACTORS, MODEL_VERSION, Candidate, Matcher, ModelVersionError, Slot

KITCHEN = "Lærling i kokkfaget"
SLOTS = [
    Slot(
        id=1,
        kind="apprenticeship",
        title=KITCHEN,
        skills={"cooking"},
        description="Restaurantkjøkken søker lærling. Matlaging, råvarer og hygiene.",
        hours_per_week=37.5,
        start_date=date(2025, 8, 1),
        location=(59.93, 10.95),
    ),
    Slot(
        id=2,
        kind="apprenticeship",
        title="Helsefagarbeider, lærling på sykehjem",
        description="Pleie og omsorg for eldre beboere. Turnus.",
        occupation="helse",
        location=(59.95, 10.97),
    ),
    Slot(
        id=3,
        kind="apprenticeship",
        title="Kokk på kantine",
        description="Kantinekjøkken: lage lunsj, matlaging for mange.",
        location=(59.96, 11.0),
    ),
    Slot(
        id="s4",
        kind="work_training",
        title="Arbeidstrening på lager",
        description="Plukk, pakking og varemottak på lager.",
        adaptations={"mentor"},
    ),
    Slot(
        id="s5",
        kind="apprenticeship",
        title="Barne- og ungdomsarbeider i barnehage",
        description="Lek, omsorg og læring for barn i barnehagen.",
    ),
]
CANDIDATES = [
    Candidate(
        id="c1",
        kinds={"apprenticeship"},
        goals="Vil bli kokk, liker matlaging",
        skills={"cooking"},
        hours_per_week=37.5,
        available_from=date(2025, 8, 1),
        location=(59.94, 10.96),
        max_distance_km=30,
    ),
    Candidate(
        id="c2",
        kinds={"apprenticeship", "work_training"},
        goals="helsearbeider, omsorg for eldre",
        occupations={"helse"},
        norwegian_level="B2",
    ),
    Candidate(
        id="c3",
        kinds={"work_training"},
        goals="lagerarbeid og varemottak",
        adaptation_needs={"mentor"},
    ),
]


@pytest.fixture(scope="module")
def matcher():
    return Matcher().fit(SLOTS, CANDIDATES)


def test_fit_returns_self_and_sets_trailing_underscore_attributes():
    matcher = Matcher()
    assert matcher.fit(SLOTS, CANDIDATES) is matcher
    assert matcher.weights_source_ == "hand"
    assert matcher.model_version_ == MODEL_VERSION


def test_unfitted_matcher_says_so():
    with pytest.raises(NotFittedError):
        Matcher().suggest_slots(CANDIDATES)


def test_one_list_per_candidate_sorted_best_first(matcher):
    rows = matcher.suggest_slots(CANDIDATES, k=10)
    assert len(rows) == len(CANDIDATES)
    for candidate, row in zip(CANDIDATES, rows, strict=True):
        scores = [s.score for s in row]
        assert scores == sorted(scores, reverse=True)
        assert all(s.candidate_id == candidate.id and s.blocked_by == () for s in row)
        assert all(0.0 <= s.score <= 1.0 for s in row)


def test_best_slot_for_the_cook_is_the_kitchen(matcher):
    assert matcher.suggest_slots([CANDIDATES[0]])[0][0].slot_id == 1


def test_k_limits_the_rows(matcher):
    assert [len(r) for r in matcher.suggest_slots(CANDIDATES, k=1)] == [1, 1, 1]
    assert len(matcher.suggest_slots([CANDIDATES[0]], k=2)[0]) == 2


def test_ids_come_back_unchanged(matcher):
    ids = {s.slot_id for s in matcher.suggest_slots(CANDIDATES)[2]}
    assert ids == {"s4"}


def test_suggest_candidates_ranks_the_other_way(matcher):
    rows = matcher.suggest_candidates(SLOTS, k=5)
    assert rows[0][0].candidate_id == "c1"
    assert rows[3][0].candidate_id == "c3"


def test_factors_are_contributions_that_sum_to_the_score(matcher):
    suggestion = matcher.suggest_slots([CANDIDATES[0]])[0][0]
    assert tuple(suggestion.factors) == FACTORS
    assert sum(suggestion.factors.values()) == pytest.approx(suggestion.score)
    keys = [r["key"] for r in suggestion.reasons]
    assert "shared_skills" in keys


def test_explain_agrees_with_suggest_on_every_pair(matcher):
    for candidate, row in zip(CANDIDATES, matcher.suggest_slots(CANDIDATES, k=10), strict=True):
        suggested = {s.slot_id: s.score for s in row}
        for slot in SLOTS:
            explained = matcher.explain(candidate, slot)
            if slot.id in suggested:
                assert explained.blocked_by == ()
                assert explained.score == pytest.approx(suggested[slot.id], abs=1e-6)
            elif explained.blocked_by == ():
                # Allowed but not suggested: nothing in common in the retrieval vectors.
                positions, _ = matcher.retrieve([candidate], n_top=len(SLOTS))
                assert matcher.slot_position_[slot.id] not in positions[0]


def test_explain_names_shared_terms_and_skills(matcher):
    explained = matcher.explain(CANDIDATES[0], SLOTS[0])
    assert "matlaging" in explained.shared_terms
    assert explained.shared_skills == ("cooking",)
    assert {"slot_open", "kind", "distance"} <= set(explained.rules_met)


def test_ranking_among_a_caseload_scores_as_explain_does(matcher):
    """One office's candidates only (others may rank higher county-wide), each row scored and
    worded as ``explain`` gives it, the words the texts share included."""
    rows = matcher.suggest_candidates_among(SLOTS[0], ["c1", "c2", "c3", "not fitted"], k=5)
    assert rows and rows[0].candidate_id == "c1"
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    for row in rows:
        candidate = next(c for c in CANDIDATES if c.id == row.candidate_id)
        explained = matcher.explain(candidate, SLOTS[0])
        assert explained.blocked_by == ()
        assert row.score == pytest.approx(explained.score, abs=1e-6)
        assert row.shared_terms == explained.shared_terms
        assert row.reasons == explained.reasons
    assert "matlaging" in rows[0].shared_terms
    others = matcher.suggest_candidates_among(SLOTS[0], ["c2", "c3"], k=5)
    assert "c1" not in {r.candidate_id for r in others}
    assert matcher.suggest_candidates_among(SLOTS[0], [], k=5) == []


def test_new_candidate_is_ranked_without_refitting(matcher):
    newcomer = Candidate(id="new", kinds={"apprenticeship"}, goals="jobbe i barnehage med barn")
    assert matcher.suggest_slots([newcomer])[0][0].slot_id == "s5"


def test_edited_fitted_candidate_is_re_encoded(matcher):
    edited = Candidate(id="c1", kinds={"apprenticeship"}, goals="barnehage, lek med barn")
    assert matcher.suggest_slots([edited])[0][0].slot_id == "s5"


def test_new_slot_is_ranked_against_fitted_candidates(matcher):
    slot = Slot(
        id="new",
        kind="work_training",
        title="Lagermedarbeider",
        adaptations={"mentor"},
        description="Varemottak og plukk på lager",
    )
    assert matcher.suggest_candidates([slot])[0][0].candidate_id == "c3"


def test_thin_profile_is_flagged_low_confidence(matcher):
    thin = Candidate(id="thin", kinds={"apprenticeship"}, goals="kokk")
    suggestion = matcher.suggest_slots([thin])[0][0]
    assert suggestion.low_confidence
    assert suggestion.reasons[0]["key"] == "low_confidence"


def test_empty_text_gets_no_suggestions_rather_than_a_guess(matcher):
    empty = Candidate(id="empty", kinds={"apprenticeship"})
    assert matcher.suggest_slots([empty]) == [[]]
    assert matcher.explain(empty, SLOTS[0]).low_confidence


def test_save_and_load_round_trip(tmp_path, matcher):
    path = tmp_path / "matcher.joblib"
    matcher.save(path)
    loaded = Matcher.load(path)
    assert loaded.suggest_slots(CANDIDATES) == matcher.suggest_slots(CANDIDATES)


def test_save_to_a_file_object(matcher):
    buffer = io.BytesIO()
    matcher.save(buffer)
    assert Matcher.load(io.BytesIO(buffer.getvalue())).weights_ == matcher.weights_


def test_loading_another_version_gives_a_clear_error(tmp_path, matcher):
    path = tmp_path / "old.joblib"
    joblib.dump(
        {
            "format": "arbeidsbro-matcher",
            "model_version": "0.0.1",
            "sklearn_version": "0.1",
            "payload": pickle.dumps(None),
        },
        path,
    )
    with pytest.raises(ModelVersionError, match="refit"):
        Matcher.load(path)


@pytest.mark.parametrize("k", [0, -1, 2.5, True, None])
def test_bad_k_is_a_value_error_naming_k(matcher, k):
    with pytest.raises(ValueError, match="k must"):
        matcher.suggest_slots(CANDIDATES, k=k)


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="slots: duplicate id 1"):
        Matcher().fit([SLOTS[0], SLOTS[0]], CANDIDATES)
    with pytest.raises(ValueError, match="candidates: duplicate id"):
        Matcher().fit(SLOTS, [CANDIDATES[0], CANDIDATES[0]])


def test_wrong_types_are_refused(matcher):
    with pytest.raises(ValueError, match="candidates must contain Candidate"):
        matcher.suggest_slots(SLOTS)
    with pytest.raises(ValueError, match="candidates must be a sequence"):
        matcher.suggest_slots(CANDIDATES[0])


def test_fit_without_any_words_is_refused():
    slot = Slot(id=1, kind="apprenticeship", title="")
    with pytest.raises(ValueError, match="text"):
        Matcher().fit([slot], [Candidate(id=1, kinds={"apprenticeship"})])


def test_empty_query_list_gives_empty_result(matcher):
    assert matcher.suggest_slots([]) == []


@pytest.mark.parametrize(
    ("param", "value"),
    [("rerank_size", 0), ("block_size", -1), ("backend", "gpu"), ("analyzer", "bpe")],
)
def test_bad_parameters_name_themselves(param, value):
    with pytest.raises(ValueError, match=param):
        Matcher(**{param: value}).fit(SLOTS, CANDIDATES)


def test_bad_weights_are_refused():
    with pytest.raises(ValueError, match="weights"):
        Matcher(weights={"charm": 1.0}).fit(SLOTS, CANDIDATES)


def test_weights_are_learned_only_when_they_beat_hand_weights():
    rng = np.random.default_rng(0)
    slots = [
        Slot(id=i, kind="apprenticeship", title=f"kokk {i}", hours_per_week=h)
        for i, h in enumerate(rng.choice([10.0, 20.0, 37.5], size=30))
    ]
    candidates = [
        Candidate(id=f"c{j}", kinds={"apprenticeship"}, goals="kokk", hours_per_week=37.5)
        for j in range(10)
    ]
    # Caseworkers accept exactly the full-time pairs: hours decide, not text.
    decisions = [(c.id, s.id, s.hours_per_week == 37.5) for c in candidates for s in slots]
    matcher = Matcher().fit(slots, candidates, decisions=decisions)
    assert matcher.weights_source_ == "learned"
    assert matcher.weight_report_["learned_auc"] > matcher.weight_report_["hand_auc"]
    assert max(matcher.weights_, key=matcher.weights_.get) == "hours_fit"


def test_too_few_decisions_keep_hand_weights():
    decisions = [("c1", 1, True), ("c2", 2, False)]
    matcher = Matcher().fit(SLOTS, CANDIDATES, decisions=decisions)
    assert matcher.weights_source_ == "hand"
    assert matcher.weight_report_["why"] == "too_few_decisions"


def test_decisions_on_profiles_not_fitted_are_skipped_and_counted():
    matcher = Matcher().fit(SLOTS, CANDIDATES, decisions=[("archived", 1, True), ("c1", 1, True)])
    assert matcher.weight_report_["skipped_unknown_pairs"] == 1
    assert matcher.weight_report_["decisions"] == 1


def test_malformed_decisions_are_refused():
    with pytest.raises(ValueError, match="decisions"):
        Matcher().fit(SLOTS, CANDIDATES, decisions=[("c1", 1)])


def test_suggestion_to_dict_is_json_friendly(matcher):
    import json

    suggestion = matcher.explain(CANDIDATES[0], SLOTS[0])
    assert json.loads(json.dumps(suggestion.to_dict()))["slot_id"] == 1


def test_iterating_gives_the_same_rows_as_the_list(matcher):
    assert list(matcher.iter_suggest_slots(CANDIDATES, k=3)) == matcher.suggest_slots(
        CANDIDATES, k=3
    )
    assert list(matcher.iter_suggest_candidates(SLOTS)) == matcher.suggest_candidates(SLOTS)


def test_shared_terms_are_words_of_the_texts_not_of_the_taxonomy_labels():
    # The labels hold both languages ("kokk cook"); the shared terms come from what people wrote.
    matcher = Matcher(
        occupation_labels={"kokk": "kokk cook"}, skill_labels={"cooking": "matlaging cooking"}
    )
    matcher.fit(SLOTS, CANDIDATES)
    explained = matcher.explain(CANDIDATES[0], SLOTS[0])
    assert "matlaging" in explained.shared_terms
    assert not {"cook", "cooking"} & set(explained.shared_terms)


def test_explaining_a_fitted_pair_gives_what_encoding_it_afresh_gives(make_slot, make_candidate):
    from dataclasses import replace

    slots = [make_slot("s1", skills=frozenset({"hygiene"})), make_slot("s2", title="Butikk")]
    candidates = [make_candidate("c1", skills=frozenset({"hygiene"})), make_candidate("c2")]
    matcher = Matcher().fit(slots, candidates)
    for candidate in candidates:
        for slot in slots:
            fitted = matcher.explain(candidate, slot)  # looked up in the index
            afresh = matcher.explain(replace(candidate, id="new"), replace(slot, id="new"))
            assert fitted.score == pytest.approx(afresh.score)
            assert fitted.factors == pytest.approx(afresh.factors)
            assert fitted.reasons == afresh.reasons
            assert fitted.shared_skills == afresh.shared_skills


def test_explained_words_are_the_same_from_the_stem_cache_and_it_is_not_saved():
    cook = Candidate(id="c", kinds={"apprenticeship"}, goals="kokk og baker")
    matcher = Matcher(occupations=None).fit(SLOTS, [cook])
    model = matcher.text_model_
    first = model.char_vectors(["kokk", "kantin", "kokk"]).toarray()
    assert model._char_rows  # kept for the next explanation
    again = model.char_vectors(["kantin", "kokk"]).toarray()
    np.testing.assert_array_equal(again, first[[1, 0]])
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-6)
    assert "_char_rows" not in pickle.loads(pickle.dumps(model)).__dict__  # noqa: S301
