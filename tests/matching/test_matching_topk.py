"""Retrieval is exact: the text top-n within the hard rules equals brute force."""

import numpy as np
import pytest
import scipy.sparse as sp

from matching import SLOT_KINDS, Candidate, Matcher, Slot
from matching.rules import allowed_mask, distance_mask, rule_masks
from matching.topk import numba, pair_dots

WORDS = [
    "kokk",
    "kjøkken",
    "matlaging",
    "lager",
    "truck",
    "pleie",
    "omsorg",
    "eldre",
    "barnehage",
    "barn",
    "butikk",
    "salg",
    "kasse",
    "renhold",
    "vaskeri",
    "elektriker",
    "tømrer",
    "snekker",
    "sveising",
    "bilmekaniker",
    "frisør",
]
LEVELS = ("none", "A2", "B1", "B2")
BACKENDS = ["numpy"] + (["numba"] if numba is not None else [])
N_TOP = 7


def random_text(rng):
    return " ".join(rng.choice(WORDS, size=rng.integers(1, 12)))


def random_location(rng):
    return None if rng.random() < 0.2 else (59.5 + rng.random(), 10.5 + rng.random())


def random_profiles(seed, n_slots=60, n_candidates=45):
    rng = np.random.default_rng(seed)
    kinds = SLOT_KINDS[:3]
    slots = [
        Slot(
            id=i,
            kind=str(rng.choice(kinds)),
            title=random_text(rng),
            description=random_text(rng),
            norwegian_level=str(rng.choice(LEVELS)),
            location=random_location(rng),
            free_capacity=int(rng.integers(0, 3)),
            adaptations=set(
                rng.choice(
                    ["mentor", "step_free_access", "language_support"], size=rng.integers(0, 3)
                )
            ),
            is_open=bool(rng.random() < 0.9),
        )
        for i in range(n_slots)
    ]
    candidates = [
        Candidate(
            id=f"c{j}",
            kinds=set(rng.choice(kinds, size=rng.integers(1, 3))),
            goals="" if j == 0 else random_text(rng),
            norwegian_level=str(rng.choice(LEVELS)),
            location=random_location(rng),
            max_distance_km=None if rng.random() < 0.3 else float(rng.uniform(5, 80)),
            adaptation_needs=set(
                rng.choice(["mentor", "step_free_access"], size=rng.integers(0, 2))
            ),
        )
        for j in range(n_candidates)
    ]
    return slots, candidates


def brute_force(queries, index, allowed, n_top):
    sims = (queries @ index.T).toarray().astype(np.float64)
    sims[~allowed | (sims <= 0)] = -np.inf
    order = np.argsort(-sims, axis=1, kind="stable")[:, :n_top]
    values = np.take_along_axis(sims, order, axis=1)
    return np.where(np.isfinite(values), order, -1), np.where(np.isfinite(values), values, 0.0)


def assert_same_top(got, expected):
    positions, scores = got
    want_positions, want_scores = expected
    np.testing.assert_allclose(scores, want_scores, atol=1e-6)
    # Positions must agree wherever the score is not tied with a neighbour.
    unique = np.abs(np.diff(want_scores, axis=1, prepend=np.inf)) > 1e-6
    unique &= np.abs(np.diff(want_scores, axis=1, append=-np.inf)) > 1e-6
    np.testing.assert_array_equal(positions[unique], want_positions[unique])


def retrieval_vectors(matcher, profiles, exact):
    return profiles.vectors if exact else profiles.retrieval


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("seed", "rerank_size"), [(0, 200), (1, 10)])
def test_slot_retrieval_equals_brute_force(backend, seed, rerank_size):
    slots, candidates = random_profiles(seed)
    matcher = Matcher(backend=backend, rerank_size=rerank_size, max_terms=4)
    matcher.fit(slots, candidates)
    assert matcher.slots_exact_ is (rerank_size >= len(slots))
    allowed = allowed_mask(matcher.candidates_.rules, matcher.slots_.rules)
    exact = matcher.slots_exact_
    expected = brute_force(
        retrieval_vectors(matcher, matcher.candidates_, exact),
        retrieval_vectors(matcher, matcher.slots_, exact),
        allowed,
        N_TOP,
    )
    assert_same_top(matcher.retrieve(candidates, N_TOP), expected)


@pytest.mark.parametrize("backend", BACKENDS)
def test_candidate_retrieval_equals_brute_force(backend):
    slots, candidates = random_profiles(2)
    matcher = Matcher(backend=backend, rerank_size=10, max_terms=4).fit(slots, candidates)
    assert not matcher.candidates_exact_
    allowed = allowed_mask(matcher.candidates_.rules, matcher.slots_.rules).T
    expected = brute_force(matcher.slots_.retrieval, matcher.candidates_.retrieval, allowed, N_TOP)
    assert_same_top(matcher.retrieve(slots, N_TOP), expected)


@pytest.mark.parametrize("backend", BACKENDS)
def test_suggestions_only_contain_allowed_pairs(backend):
    slots, candidates = random_profiles(3)
    matcher = Matcher(backend=backend, rerank_size=5).fit(slots, candidates)
    allowed = allowed_mask(matcher.candidates_.rules, matcher.slots_.rules)
    for row, suggestions in enumerate(matcher.suggest_slots(candidates, k=4)):
        assert len(suggestions) <= 4
        for suggestion in suggestions:
            assert allowed[row, suggestion.slot_id]
            assert matcher.explain(candidates[row], slots[suggestion.slot_id]).blocked_by == ()


def test_backends_give_the_same_suggestions():
    if numba is None:
        pytest.skip("numba not installed")
    slots, candidates = random_profiles(4)
    by_numpy = Matcher(backend="numpy").fit(slots, candidates).suggest_slots(candidates)
    by_numba = Matcher(backend="numba").fit(slots, candidates).suggest_slots(candidates)
    for a, b in zip(by_numpy, by_numba, strict=True):
        assert [s.score for s in a] == pytest.approx([s.score for s in b], abs=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_pair_scores_equal_the_sparse_dot_product(backend):
    rng = np.random.default_rng(5)
    queries = sp.random(30, 200, density=0.1, format="csr", random_state=1, dtype=np.float32)
    index = sp.random(80, 200, density=0.1, format="csr", random_state=2, dtype=np.float32)
    q_rows = np.sort(rng.integers(0, 30, size=300))
    i_rows = rng.integers(0, 80, size=300)
    expected = np.asarray(queries[q_rows].multiply(index[i_rows]).sum(axis=1)).ravel()
    got = pair_dots(queries, index, q_rows, i_rows, backend=backend)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_block_distance_mask_agrees_with_the_pair_rule():
    slots, candidates = random_profiles(6)
    matcher = Matcher().fit(slots, candidates)
    cands, slot_rules = matcher.candidates_.rules, matcher.slots_.rules
    expected = rule_masks(cands, slot_rules)["distance"]
    np.testing.assert_array_equal(distance_mask(cands, slot_rules), expected)
