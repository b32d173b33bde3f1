"""Learning from decisions and outcomes: the time split, the fallback, the choice, the blend."""

from datetime import date, timedelta

import numpy as np
import pytest

from matching import HAND_WEIGHTS, Matcher
from matching.evaluation import mean_reciprocal_rank, time_split
from matching.outcomes import (
    LabelledPair,
    LearnedScorer,
    learn,
    learn_target,
    outcome_label,
    pair_features,
)
from matching.rules import KIND_BIT

DAY0 = date(2025, 1, 1)


def synthetic_pairs(n, seed, label_rule):
    """Pairs with random factor values and plain features; the label is ``label_rule``'s."""
    rng = np.random.default_rng(seed)
    values = rng.random((n, len(HAND_WEIGHTS)))
    kinds = rng.choice(list(KIND_BIT.values()), n)
    gap = rng.integers(-2, 4, n)
    km = rng.uniform(0, 50, n)
    adaptations = rng.integers(0, 3, n)
    extras = pair_features(kinds, gap, km, adaptations)
    hand = values @ np.array(list(HAND_WEIGHTS.values()))
    labels = label_rule(rng, hand, gap, km)
    return [
        LabelledPair(
            tuple(values[i]),
            tuple(extras[i]),
            bool(labels[i]),
            DAY0 + timedelta(days=int(i)),
            candidate_id=i // 4,
            groups={"level_band": "low" if gap[i] < 0 else "ok", "tiny": "x" if i < 3 else "y"},
        )
        for i in range(n)
    ]


def hidden_features_rule(rng, hand, gap, km):
    """Good when the level fits and the commute is short: what the hand weights barely see."""
    p = 1 / (1 + np.exp(-(2.0 * (gap >= 0) - km / 10 + 1.0 + 0.5 * hand)))
    return rng.random(len(p)) < p


def hand_rule(rng, hand, gap, km):
    return hand > np.median(hand)


def test_the_split_holds_out_the_newest_pairs():
    times = [DAY0 + timedelta(days=d) for d in (5, 1, 3, 9, 7, 2, 8, 4, 6, 0)]
    train, test = time_split(times, held_out_share=0.3)
    assert max(times[i] for i in train) < min(times[i] for i in test)
    assert len(test) == 3


def test_the_split_never_puts_one_instant_on_both_sides():
    times = [DAY0] * 4 + [DAY0 + timedelta(days=1)] * 6
    train, test = time_split(times, held_out_share=0.7)
    assert {times[i] for i in train}.isdisjoint({times[i] for i in test})


@pytest.mark.parametrize(
    ("pairs", "why"),
    [
        ([], "too_few_pairs"),
        (synthetic_pairs(20, 0, hidden_features_rule), "too_few_pairs"),
        (synthetic_pairs(200, 0, lambda rng, hand, gap, km: np.ones(len(hand))), "one_class"),
        (
            synthetic_pairs(200, 0, lambda rng, hand, gap, km: np.arange(len(hand)) < 150),
            "too_few_per_class_after_split",
        ),
    ],
)
def test_thin_or_one_sided_data_keeps_the_hand_weights_with_a_reason(pairs, why):
    model, report = learn_target("outcome", pairs, HAND_WEIGHTS)
    assert model is None
    assert report["used"] == "hand"
    assert report["why"] == why


def test_a_learned_model_is_used_when_it_beats_the_hand_weights_on_held_out_data():
    model, report = learn_target(
        "outcome", synthetic_pairs(600, 1, hidden_features_rule), HAND_WEIGHTS
    )
    assert model is not None
    assert report["used"] in {"logistic", "boosting"}
    held_out = report["held_out"]
    assert held_out[report["used"]]["auc"] >= held_out["hand"]["auc"] + 0.01
    assert held_out[report["used"]]["brier"] < held_out["hand"]["brier"]
    assert report["train_until"] < report["held_out_from"]


def test_the_hand_weights_stay_when_no_learned_model_beats_them():
    model, report = learn_target("approval", synthetic_pairs(400, 2, hand_rule), HAND_WEIGHTS)
    assert model is None
    assert report["why"] == "not_better_than_hand_on_held_out"


def test_a_retrain_worse_than_the_model_in_use_is_not_used():
    good, _report = learn_target(
        "outcome", synthetic_pairs(800, 3, hidden_features_rule), HAND_WEIGHTS
    )
    # New data where the old model is right and the new training part is mostly noise.
    noisy = synthetic_pairs(300, 4, hidden_features_rule)
    noisy = [
        LabelledPair(p.values, p.extras, bool(i % 2), p.at, p.candidate_id, p.groups)
        if i < 210
        else p
        for i, p in enumerate(noisy)
    ]
    model, report = learn_target("outcome", noisy, HAND_WEIGHTS, previous=good)
    assert model is good
    assert report["used"] == "previous"


def test_the_fairness_report_suppresses_groups_under_five():
    _model, report = learn_target(
        "outcome", synthetic_pairs(600, 1, hidden_features_rule), HAND_WEIGHTS
    )
    assert report["fairness"]["tiny"]["y"]["n"] >= 5
    assert "x" not in report["fairness"]["tiny"] or report["fairness"]["tiny"]["x"] == {
        "suppressed": True
    }
    assert set(report["fairness"]["level_band"]["ok"]["predicted"]) >= {"hand", report["used"]}


def test_both_targets_learn_independently_and_report_what_they_use():
    scorer = learn([], synthetic_pairs(600, 1, hidden_features_rule), HAND_WEIGHTS)
    assert scorer.approval is None and scorer.outcome is not None
    assert scorer.report["used"] == {"approval": "hand", "outcome": scorer.outcome.name}
    assert scorer.report["approval"]["why"] == "too_few_pairs"


def test_outcomes_are_good_bad_or_left_out():
    assert outcome_label("employment") is True
    assert outcome_label("apprenticeship_contract") is True
    assert outcome_label("education") is True
    assert outcome_label("none") is False
    assert outcome_label("ended_early") is False
    assert outcome_label(None, status="ended_early") is False
    assert outcome_label("further_training") is None
    assert outcome_label(None, status="active") is None


def test_mrr_ranks_ties_pessimistically():
    assert mean_reciprocal_rank([1, 0, 0], [0.9, 0.5, 0.1], ["a"] * 3) == 1.0
    assert mean_reciprocal_rank([0, 1], [0.5, 0.5], ["a", "a"]) == 0.5
    assert mean_reciprocal_rank([0, 0], [0.5, 0.5], ["a", "a"]) is None


def test_a_matcher_with_a_learned_scorer_blends_and_keeps_factors_summing_to_the_score(
    make_slot, make_candidate
):
    slots = [make_slot("s1"), make_slot("s2", title="Lærling i bakerfaget", norwegian_level="B1")]
    candidates = [make_candidate("c1", norwegian_level="B2")]
    matcher = Matcher().fit(slots, candidates)
    hand = matcher.suggest_slots(candidates)[0]
    scorer = learn([], synthetic_pairs(600, 1, hidden_features_rule), HAND_WEIGHTS)
    matcher.set_learned(scorer)
    blended = matcher.suggest_slots(candidates)[0]
    assert [s.score for s in blended] != [s.score for s in hand]
    for suggestion in blended:
        assert sum(suggestion.factors.values()) == pytest.approx(suggestion.score)
    explained = matcher.explain(candidates[0], slots[0])
    assert explained.score == pytest.approx(next(s.score for s in blended if s.slot_id == "s1"))
    matcher.set_learned(LearnedScorer())
    assert [s.score for s in matcher.suggest_slots(candidates)[0]] == [s.score for s in hand]


def test_pair_factors_give_values_and_plain_features_for_aligned_pairs(make_slot, make_candidate):
    slots = [make_slot("s1", norwegian_level="B1")]
    candidates = [make_candidate("c1", norwegian_level="C1", adaptation_needs={"mentor"})]
    matcher = Matcher().fit(slots, candidates)
    values, extras = matcher.pair_factors(candidates, slots)
    assert values.shape == (1, len(HAND_WEIGHTS))
    assert extras.shape[0] == 1
    assert (
        extras[0].tolist()
        == pair_features([KIND_BIT["apprenticeship"]], [2], [np.nan], [1])[0].tolist()
    )
    with pytest.raises(ValueError):
        matcher.pair_factors(candidates, [])


def test_pair_factors_of_fitted_profiles_equal_those_of_the_same_profiles_encoded_afresh(
    make_slot, make_candidate
):
    from dataclasses import replace

    slots = [
        make_slot("s1", norwegian_level="B1", location=(59.93, 10.95)),
        make_slot("s2", title="Butikkmedarbeider", description="Kasse og varepåfylling."),
    ]
    candidates = [
        make_candidate("c1", norwegian_level="C1", location=(59.95, 10.94), max_distance_km=20),
        make_candidate("c2", goals="Jobbe i butikk med kunder"),
    ]
    matcher = Matcher().fit(slots, candidates)
    pairs = [(0, 0), (0, 1), (1, 0), (1, 1), (1, 1)]
    fitted = matcher.pair_factors([candidates[c] for c, _ in pairs], [slots[s] for _, s in pairs])
    # The same profiles under ids the index does not know are encoded, not looked up; and a
    # mix of both in one call keeps each pair in its place.
    new_c = [replace(c, id=f"new-{c.id}") for c in candidates]
    new_s = [replace(s, id=f"new-{s.id}") for s in slots]
    afresh = matcher.pair_factors([new_c[c] for c, _ in pairs], [new_s[s] for _, s in pairs])
    mixed = matcher.pair_factors(
        [(new_c if i % 2 else candidates)[c] for i, (c, _) in enumerate(pairs)],
        [slots[s] for _, s in pairs],
    )
    for got in (afresh, mixed):
        np.testing.assert_allclose(got[0], fitted[0], atol=1e-6)
        np.testing.assert_allclose(got[1], fitted[1], atol=1e-6)
