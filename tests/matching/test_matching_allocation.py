"""Allocation rounds: capacity, one slot per candidate, hard rules, coverage, bad input."""

import itertools

import numpy as np
import pytest

from matching import Matcher
from matching.allocation import (
    ALL_FULL,
    CAPACITY_TAKEN,
    NO_FEASIBLE_SLOT,
    NO_SLOTS,
    allocate,
    check_allocation,
    greedy_top1,
    lp_upper_bound,
)


def random_graph(seed, n_cands=40, n_slots=12, degree=5):
    rng = np.random.default_rng(seed)
    capacity = rng.integers(0, 4, n_slots)
    cand = np.repeat(np.arange(n_cands), degree)
    slot = np.concatenate([rng.choice(n_slots, degree, replace=False) for _ in range(n_cands)])
    score = rng.random(len(cand)).round(3)
    return n_cands, capacity, cand, slot, score


def brute_force(n_cands, capacity, cand, slot, score, coverage):
    """Best (placed, score) over every assignment of a tiny graph."""
    options = [
        [None] + [(s, w) for c, s, w in zip(cand, slot, score, strict=True) if c == i]
        for i in range(n_cands)
    ]
    best = (-1, -1.0)
    for choice in itertools.product(*options):
        used = np.zeros(len(capacity), int)
        for pick in choice:
            if pick is not None:
                used[pick[0]] += 1
        if (used > capacity).any():
            continue
        placed = sum(p is not None for p in choice)
        total = sum(p[1] for p in choice if p is not None)
        key = (placed, total) if coverage else (0, total)
        best = max(best, key)
    return best


@pytest.mark.parametrize("solver", ["matching", "lp"])
@pytest.mark.parametrize("seed", range(8))
def test_a_round_never_exceeds_capacity_nor_places_anyone_twice(seed, solver):
    graph = random_graph(seed)
    result = allocate(*graph, solver=solver)
    check_allocation(result, graph[1], graph[2], graph[3])


@pytest.mark.parametrize("coverage", [True, False])
@pytest.mark.parametrize("solver", ["matching", "lp"])
@pytest.mark.parametrize("seed", range(6))
def test_a_round_finds_the_best_assignment_of_a_small_market(seed, solver, coverage):
    graph = random_graph(seed, n_cands=6, n_slots=4, degree=2)
    result = allocate(*graph, solver=solver, coverage=coverage)
    placed, total = brute_force(*graph, coverage)
    assert result.total_score == pytest.approx(total)
    if coverage:
        assert result.placed == placed


def test_coverage_places_a_second_candidate_before_improving_the_first():
    # Candidate 0 likes slot 0 (0.9) and slot 1 (0.1); candidate 1 can only take slot 0 (0.5).
    graph = (2, np.array([1, 1]), [0, 0, 1], [0, 1, 0], [0.9, 0.1, 0.5])
    both = allocate(*graph, coverage=True)
    assert both.placed == 2
    assert dict(zip(both.candidate.tolist(), both.slot.tolist(), strict=True)) == {0: 1, 1: 0}
    best_score = allocate(*graph, coverage=False)  # without coverage: 0.9 beats 0.1 + 0.5
    assert best_score.placed == 1
    assert best_score.total_score == pytest.approx(0.9)


@pytest.mark.parametrize("seed", range(5))
def test_a_round_places_at_least_as_many_and_scores_at_least_as_much_as_greedy(seed):
    graph = random_graph(seed, n_cands=60, n_slots=10)
    greedy = greedy_top1(*graph)
    check_allocation(greedy, graph[1], graph[2], graph[3])
    best = allocate(*graph, coverage=False)
    covered = allocate(*graph)
    assert covered.placed >= greedy.placed
    assert best.total_score >= greedy.total_score - 1e-9
    assert best.total_score == pytest.approx(lp_upper_bound(*graph))


def test_greedy_top1_sends_everyone_to_their_best_slot_and_leaves_the_rest_unplaced():
    # Both want slot 0 most; it has one place; slot 1 stays empty.
    graph = (2, np.array([1, 1]), [0, 0, 1, 1], [0, 1, 0, 1], [0.9, 0.5, 0.8, 0.4])
    greedy = greedy_top1(*graph)
    assert greedy.candidate.tolist() == [0] and greedy.slot.tolist() == [0]
    assert greedy.unplaced == {1: CAPACITY_TAKEN}
    assert allocate(*graph).placed == 2


def test_a_round_over_zero_slots_says_so_and_places_nobody():
    result = allocate(3, np.zeros(0, dtype=int), [], [], [])
    assert result.placed == 0
    assert NO_SLOTS in result.notes
    assert result.unplaced == {0: NO_FEASIBLE_SLOT, 1: NO_FEASIBLE_SLOT, 2: NO_FEASIBLE_SLOT}


def test_a_round_where_every_slot_is_full_says_so():
    result = allocate(2, np.array([0, 0]), [0, 1], [0, 1], [0.5, 0.7])
    assert result.placed == 0
    assert ALL_FULL in result.notes
    assert result.unplaced == {0: CAPACITY_TAKEN, 1: CAPACITY_TAKEN}


def test_a_candidate_without_a_feasible_slot_is_named_with_the_reason():
    result = allocate(3, np.array([2]), [0, 1], [0, 0], [0.5, 0.7])
    assert result.placed == 2
    assert result.unplaced == {2: NO_FEASIBLE_SLOT}


@pytest.mark.parametrize(
    "bad",
    [
        (1, np.array([-1]), [0], [0], [0.5]),
        (1, np.array([1.5]), [0], [0], [0.5]),
        (1, np.array([1]), [0], [1], [0.5]),
        (1, np.array([1]), [0], [0], [float("nan")]),
        (1, np.array([1]), [0, 0], [0], [0.5]),
    ],
)
def test_malformed_input_is_a_value_error(bad):
    with pytest.raises(ValueError):
        allocate(*bad)


def test_a_round_on_the_engine_never_assigns_a_pair_that_breaks_a_hard_rule(
    make_slot, make_candidate
):
    slots = [
        make_slot("kokk", free_capacity=1),
        make_slot("kokk-b1", norwegian_level="B1", free_capacity=2),
        make_slot("ramp", adaptations={"step_free_access"}, free_capacity=1),
        make_slot("closed", is_open=False, free_capacity=3),
        make_slot("full", free_capacity=0),
        make_slot("praksis", kind="work_practice", free_capacity=2),
    ]
    candidates = [
        make_candidate("a1", norwegian_level="A1"),
        make_candidate("b2", norwegian_level="B2"),
        make_candidate("wheel", norwegian_level="C1", adaptation_needs={"step_free_access"}),
        make_candidate("practice", kinds=("work_practice",)),
        make_candidate("far", kinds=("school_placement",)),
    ]
    matcher = Matcher().fit(slots, candidates)
    pairs = matcher.allowed_pairs(candidates, slots)
    capacity = np.array([s.free_capacity for s in slots])
    result = allocate(
        len(candidates), capacity, pairs["candidate"], pairs["slot"], pairs["expected_good"]
    )
    check_allocation(result, capacity, pairs["candidate"], pairs["slot"])
    for c, s in zip(result.candidate, result.slot, strict=True):
        assert matcher.explain(candidates[c], slots[s]).blocked_by == ()
    assert result.unplaced.get(4) == NO_FEASIBLE_SLOT  # nobody offers school placements
    assert result.placed == 4


def test_the_candidate_graph_keeps_at_most_n_top_allowed_slots_per_candidate(
    make_slot, make_candidate
):
    slots = [make_slot(f"s{i}", free_capacity=1) for i in range(5)]
    slots.append(make_slot("closed", is_open=False))
    candidates = [make_candidate("c1"), make_candidate("c2", kinds=("work_practice",))]
    matcher = Matcher().fit(slots, candidates)
    graph = matcher.candidate_graph(candidates, n_top=3)
    assert graph["candidate"].tolist() == [0, 0, 0]
    assert len(set(graph["slot"].tolist())) == 3
    assert 5 not in graph["slot"].tolist()
    assert np.all(graph["score"] == graph["expected_good"])  # no learned model: the hand score
