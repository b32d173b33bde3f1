"""Every hard rule, checked through both suggest_slots and explain (which must agree)."""

import pytest

from matching import Matcher
from matching.rules import haversine_km

HOME = (59.9380, 10.9540)  # Lørenskog, roughly
NORTH = (60.0380, 10.9540)


def suggested_ids(matcher, candidate):
    return [s.slot_id for s in matcher.suggest_slots([candidate], k=10)[0]]


def check(slot, candidate, *, allowed, rule=None):
    """Fit on the pair, then assert suggest and explain agree on whether it is allowed."""
    matcher = Matcher().fit([slot], [candidate])
    explained = matcher.explain(candidate, slot)
    assert (slot.id in suggested_ids(matcher, candidate)) is allowed
    assert (explained.blocked_by == ()) is allowed
    if rule is not None:
        assert rule in explained.blocked_by
        assert explained.score == 0.0
        assert any(r["key"] == f"blocked_{rule}" for r in explained.reasons)
    return explained


def test_open_slot_with_capacity_is_suggested(make_slot, make_candidate):
    explained = check(make_slot(), make_candidate(), allowed=True)
    assert {"slot_open", "free_capacity", "kind"} <= set(explained.rules_met)


def test_closed_slot_is_blocked(make_slot, make_candidate):
    check(make_slot(is_open=False), make_candidate(), allowed=False, rule="slot_open")


def test_full_slot_is_blocked(make_slot, make_candidate):
    check(make_slot(free_capacity=0), make_candidate(), allowed=False, rule="free_capacity")


def test_kind_must_be_wanted(make_slot, make_candidate):
    check(make_slot(kind="work_training"), make_candidate(), allowed=False, rule="kind")
    check(make_slot(kind="work_training"), make_candidate(kinds=("work_training",)), allowed=True)


@pytest.mark.parametrize(
    ("candidate_level", "slot_level", "allowed"),
    [
        ("B1", "B1", True),
        ("B2", "B1", True),
        ("A2", "B1", False),
        ("none", "A1", False),
        ("none", "none", True),
    ],
)
def test_norwegian_level_at_least_the_requirement(
    make_slot, make_candidate, candidate_level, slot_level, allowed
):
    check(
        make_slot(norwegian_level=slot_level),
        make_candidate(norwegian_level=candidate_level),
        allowed=allowed,
        rule=None if allowed else "norwegian_level",
    )


def test_language_support_waives_the_level(make_slot, make_candidate):
    slot = make_slot(norwegian_level="B2", adaptations={"language_support"})
    explained = check(slot, make_candidate(norwegian_level="A1"), allowed=True)
    assert any(r["key"] == "language_support_offered" for r in explained.reasons)


def test_every_needed_adaptation_must_be_offered(make_slot, make_candidate):
    needs = {"mentor", "step_free_access"}
    check(
        make_slot(adaptations={"mentor"}),
        make_candidate(adaptation_needs=needs),
        allowed=False,
        rule="adaptations",
    )
    check(
        make_slot(adaptations=needs | {"quiet_workspace"}),
        make_candidate(adaptation_needs=needs),
        allowed=True,
    )


def test_unknown_adaptation_names_work_like_known_ones(make_slot, make_candidate):
    check(
        make_slot(adaptations={"sign_language"}),
        make_candidate(adaptation_needs={"sign_language"}),
        allowed=True,
    )
    check(
        make_slot(),
        make_candidate(adaptation_needs={"sign_language"}),
        allowed=False,
        rule="adaptations",
    )


def test_new_candidate_with_a_need_no_slot_offers_gets_nothing(make_slot, make_candidate):
    matcher = Matcher().fit([make_slot()], [make_candidate()])
    newcomer = make_candidate(id="new", adaptation_needs={"guide_dog"})
    assert matcher.suggest_slots([newcomer])[0] == []


def test_slot_exactly_at_the_distance_limit_is_allowed(make_slot, make_candidate):
    limit = float(haversine_km(HOME, NORTH))
    explained = check(
        make_slot(location=NORTH),
        make_candidate(location=HOME, max_distance_km=limit),
        allowed=True,
    )
    assert "distance" in explained.rules_met


def test_slot_just_beyond_the_distance_limit_is_blocked(make_slot, make_candidate):
    limit = float(haversine_km(HOME, NORTH)) - 0.01
    explained = check(
        make_slot(location=NORTH),
        make_candidate(location=HOME, max_distance_km=limit),
        allowed=False,
        rule="distance",
    )
    blocked = next(r for r in explained.reasons if r["key"] == "blocked_distance")
    assert blocked["params"]["max_distance_km"] == pytest.approx(limit)


@pytest.mark.parametrize(
    ("slot_location", "home", "max_km"),
    [(None, HOME, 1.0), (NORTH, None, 1.0), (NORTH, HOME, None)],
)
def test_distance_rule_is_not_applied_when_unknown(
    make_slot, make_candidate, slot_location, home, max_km
):
    explained = check(
        make_slot(location=slot_location),
        make_candidate(location=home, max_distance_km=max_km),
        allowed=True,
    )
    assert "distance" not in explained.rules_met


def test_haversine_is_about_111_km_per_degree_of_latitude():
    assert haversine_km((60.0, 10.0), (61.0, 10.0)) == pytest.approx(111.195, abs=0.01)


def test_several_broken_rules_are_all_named(make_slot, make_candidate):
    slot = make_slot(is_open=False, kind="work_training", norwegian_level="C1")
    explained = Matcher().fit([slot], [make_candidate()]).explain(make_candidate(), slot)
    assert explained.blocked_by == ("slot_open", "kind", "norwegian_level")
