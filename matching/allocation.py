"""Allocation rounds: assign candidates to slots under capacity, maximising the expected good.

Input is a sparse candidate–slot graph: aligned arrays of candidate positions, slot positions and
scores (pairs that meet every hard rule, e.g. from ``Matcher.allowed_pairs`` or each
candidate's top-100 from ``Matcher.suggest_slots``), plus each slot's free capacity. A round
gives each candidate at most one slot and each slot at most its free capacity, and maximises
the total score (the expected good outcome, see ``matching.outcomes``).

With ``coverage=True`` (the default) it is lexicographic: first as many candidates placed as
possible, then the highest total score among those assignments. So every candidate who can get a
feasible slot gets one before anyone's choice is improved. ``coverage=False`` maximises the
score alone.

Solvers (both exact; measured in ``bench/allocation.py``):

- ``"matching"``: ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` (LAPJVsp) on slots
  expanded into one column per free place (``min(capacity, degree)`` copies) plus one "stay
  unplaced" column per candidate. Coverage adds a bonus per placed pair larger than any total
  score difference. 20,000 × 5,000 with 2 million edges: about 11 s.
- ``"lp"``: the linear programme with HiGHS' dual simplex (``scipy.optimize.linprog``). The
  constraint matrix of a bipartite b-matching is totally unimodular, so a basic optimum is
  integral; coverage is a second solve with the placed count fixed at its maximum. About 25 s on
  the same graph, but memory does not grow with capacity, so ``"auto"`` switches to it when the
  expanded graph would exceed :data:`MAX_EXPANDED_EDGES`.

:func:`greedy_top1` is today's behaviour as a baseline: every candidate goes for their best slot,
and a slot takes its best-scoring applicants up to capacity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

#: Above this many edges after expanding slots by capacity, "auto" uses the LP solver.
MAX_EXPANDED_EDGES = 20_000_000
SOLVERS = ("auto", "matching", "lp")
#: An LP value this close to 0 or 1 counts as integral.
INTEGRALITY_TOLERANCE = 1e-6

# Notes (codes the web app translates) about a round as a whole.
NO_SLOTS = "no_slots"
NO_CANDIDATES = "no_candidates"
ALL_FULL = "all_slots_full"
NO_FEASIBLE_PAIRS = "no_feasible_pairs"
# Why a candidate was left without a slot.
NO_FEASIBLE_SLOT = "no_feasible_slot"
CAPACITY_TAKEN = "capacity_taken_by_others"


@dataclass
class Allocation:
    """The result of a round (or of the greedy baseline).

    ``candidate``, ``slot`` and ``score`` are aligned arrays of the assigned pairs (positions as
    given); ``unplaced`` maps each candidate position left without a slot to the reason;
    ``notes`` are codes about the whole round (:data:`NO_SLOTS`, :data:`ALL_FULL`, …).
    """

    candidate: np.ndarray
    slot: np.ndarray
    score: np.ndarray
    unplaced: dict = field(default_factory=dict)
    notes: tuple = ()
    solver: str = ""

    @property
    def placed(self) -> int:
        return int(len(self.candidate))

    @property
    def total_score(self) -> float:
        return float(self.score.sum())

    @property
    def slots_used(self) -> int:
        return int(len(np.unique(self.slot)))

    def totals(self) -> dict:
        return {
            "placed": self.placed,
            "score": round(self.total_score, 6),
            "slots_used": self.slots_used,
        }


def _check(n_candidates, capacity, candidate, slot, score):
    capacity = np.asarray(capacity)
    if capacity.ndim != 1 or (capacity.size and not np.issubdtype(capacity.dtype, np.integer)):
        raise ValueError("capacity must be a 1-d array of ints (free places per slot)")
    capacity = capacity.astype(np.int64)
    if (capacity < 0).any():
        raise ValueError("capacity must be >= 0")
    candidate = np.asarray(candidate, dtype=np.int64).ravel()
    slot = np.asarray(slot, dtype=np.int64).ravel()
    score = np.asarray(score, dtype=np.float64).ravel()
    if not len(candidate) == len(slot) == len(score):
        raise ValueError("candidate, slot and score must be aligned arrays of the same length")
    if len(candidate) and (candidate.min() < 0 or candidate.max() >= n_candidates):
        raise ValueError("candidate positions must be in [0, n_candidates)")
    if len(slot) and (slot.min() < 0 or slot.max() >= len(capacity)):
        raise ValueError("slot positions must be in [0, len(capacity))")
    if not np.all(np.isfinite(score)) or (score < 0).any():
        raise ValueError("scores must be finite and >= 0")
    # One edge per pair: the best score if a pair is given twice.
    if len(candidate):
        order = np.lexsort((-score, slot, candidate))
        candidate, slot, score = candidate[order], slot[order], score[order]
        first = np.ones(len(candidate), dtype=bool)
        first[1:] = (candidate[1:] != candidate[:-1]) | (slot[1:] != slot[:-1])
        candidate, slot, score = candidate[first], slot[first], score[first]
    return capacity, candidate, slot, score


def _empty(n_candidates, has_edge, notes, solver) -> Allocation:
    unplaced = {
        int(c): (CAPACITY_TAKEN if has_edge[c] else NO_FEASIBLE_SLOT) for c in range(n_candidates)
    }
    none = np.zeros(0, dtype=np.int64)
    return Allocation(none, none.copy(), np.zeros(0), unplaced, tuple(notes), solver)


def _round_notes(n_candidates, capacity, candidate) -> list[str]:
    notes = []
    if len(capacity) == 0:
        notes.append(NO_SLOTS)
    elif capacity.sum() == 0:
        notes.append(ALL_FULL)
    if n_candidates == 0:
        notes.append(NO_CANDIDATES)
    if not notes and len(candidate) == 0:
        notes.append(NO_FEASIBLE_PAIRS)
    return notes


def _finish(n_candidates, has_edge, cand, slot, score, notes, solver) -> Allocation:
    order = np.argsort(cand, kind="stable")
    cand, slot, score = cand[order], slot[order], score[order]
    placed = np.zeros(n_candidates, dtype=bool)
    placed[cand] = True
    unplaced = {
        int(c): (CAPACITY_TAKEN if has_edge[c] else NO_FEASIBLE_SLOT)
        for c in np.flatnonzero(~placed)
    }
    return Allocation(cand, slot, score, unplaced, tuple(notes), solver)


def allocate(
    n_candidates: int, capacity, candidate, slot, score, *, coverage=True, solver="auto"
) -> Allocation:
    """Assign candidates to slots: at most one slot each, never over a slot's capacity.

    Parameters
    ----------
    n_candidates : int
        Candidates in the round (positions ``0 … n_candidates - 1``); those without any edge
        are reported as :data:`NO_FEASIBLE_SLOT`.
    capacity : array of int
        Free places per slot (positions ``0 … len(capacity) - 1``).
    candidate, slot, score : aligned arrays
        The allowed pairs and their scores (finite, ``>= 0``).
    coverage : bool, default True
        Place as many candidates as possible first, then maximise the score.
    solver : {"auto", "matching", "lp"}
    """
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {', '.join(SOLVERS)}, got {solver!r}")
    capacity, candidate, slot, score = _check(n_candidates, capacity, candidate, slot, score)
    has_edge = np.zeros(n_candidates, dtype=bool)
    has_edge[candidate] = True
    notes = _round_notes(n_candidates, capacity, candidate)
    usable = capacity[slot] > 0 if len(slot) else np.zeros(0, dtype=bool)
    candidate, slot, score = candidate[usable], slot[usable], score[usable]
    if len(candidate) == 0:
        return _empty(n_candidates, has_edge, notes, solver)
    if solver == "auto":
        solver = "matching" if expanded_size(capacity, slot) <= MAX_EXPANDED_EDGES else "lp"
    solve = _solve_matching if solver == "matching" else _solve_lp
    chosen = solve(capacity, candidate, slot, score, coverage)
    return _finish(
        n_candidates,
        has_edge,
        candidate[chosen],
        slot[chosen],
        score[chosen],
        notes,
        solver,
    )


def expanded_size(capacity, slot) -> int:
    """Edges after expanding each slot into ``min(capacity, degree)`` place columns."""
    degree = np.bincount(slot, minlength=len(capacity))
    copies = np.minimum(capacity, degree)
    return int((copies * degree).sum())


def _solve_matching(capacity, candidate, slot, score, coverage) -> np.ndarray:
    """Edge indices chosen by a min-weight full matching on the capacity-expanded graph."""
    rows, row_of = np.unique(candidate, return_inverse=True)
    n_rows = len(rows)
    degree = np.bincount(slot, minlength=len(capacity))
    copies = np.minimum(capacity, degree)
    offset = np.concatenate([[0], np.cumsum(copies)])
    n_places = int(offset[-1])
    reps = copies[slot]
    edge = np.repeat(np.arange(len(slot)), reps)
    within = np.arange(len(edge)) - np.repeat(np.cumsum(reps) - reps, reps)
    column = offset[slot[edge]] + within
    top = float(score.max()) if len(score) else 0.0
    # A bonus per placed candidate larger than any possible difference in total score.
    bonus = (min(n_rows, n_places) * top + 1.0) if coverage else 0.0
    base = bonus + top + 1.0  # every cost > 0: explicit zeros would not be edges
    cost = np.concatenate([base - bonus - score[edge], np.full(n_rows, base)])
    graph = sp.csr_matrix(
        (cost, (np.concatenate([row_of[edge], np.arange(n_rows)]),
                np.concatenate([column, n_places + np.arange(n_rows)]))),
        shape=(n_rows, n_places + n_rows),
    )  # fmt: skip
    row_index, col_index = min_weight_full_bipartite_matching(graph)
    real = col_index < n_places
    # Back from (row, place column) to the edge: the edge of that row into that column's slot.
    slot_of_column = np.repeat(np.arange(len(capacity)), copies)
    key_edges = row_of.astype(np.int64) * len(capacity) + slot
    order = np.argsort(key_edges)
    wanted = row_index[real].astype(np.int64) * len(capacity) + slot_of_column[col_index[real]]
    return order[np.searchsorted(key_edges, wanted, sorter=order)]


def _solve_lp(capacity, candidate, slot, score, coverage) -> np.ndarray:
    """Edge indices chosen by the LP (integral at a vertex: the matrix is totally unimodular)."""
    n_edges = len(candidate)
    rows, row_of = np.unique(candidate, return_inverse=True)
    edges = np.arange(n_edges)
    a_cand = sp.csr_matrix((np.ones(n_edges), (row_of, edges)), shape=(len(rows), n_edges))
    a_slot = sp.csr_matrix((np.ones(n_edges), (slot, edges)), shape=(len(capacity), n_edges))
    a_ub = sp.vstack([a_cand, a_slot]).tocsr()
    b_ub = np.concatenate([np.ones(len(rows)), capacity.astype(float)])
    if coverage:
        most = linprog(-np.ones(n_edges), A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs-ds")
        placed = round(-most.fun)
        a_ub = sp.vstack([a_ub, -sp.csr_matrix(np.ones((1, n_edges)))]).tocsr()
        b_ub = np.concatenate([b_ub, [-placed]])
    result = linprog(-score, A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs-ds")
    if result.status != 0:
        raise RuntimeError(f"the LP solver failed: {result.message}")
    return _integral_choice(result.x, row_of, slot, capacity)


def _integral_choice(x, row_of, slot, capacity) -> np.ndarray:
    """Edges at 1 in a vertex solution; a repair keeps the constraints if rounding was needed."""
    chosen = np.flatnonzero(x > 1.0 - INTEGRALITY_TOLERANCE)
    if np.all((x < INTEGRALITY_TOLERANCE) | (x > 1.0 - INTEGRALITY_TOLERANCE)):
        return chosen
    chosen = np.argsort(-x, kind="stable")[: int(np.sum(x > 0.5))]
    taken, used, keep = np.zeros(int(row_of.max()) + 1, bool), np.zeros(len(capacity), int), []
    for e in chosen:
        if not taken[row_of[e]] and used[slot[e]] < capacity[slot[e]]:
            taken[row_of[e]] = True
            used[slot[e]] += 1
            keep.append(e)
    return np.array(keep, dtype=np.int64)


def lp_upper_bound(n_candidates, capacity, candidate, slot, score) -> float:
    """The LP relaxation's optimum: no assignment scores more (without the coverage rule)."""
    capacity, candidate, slot, score = _check(n_candidates, capacity, candidate, slot, score)
    usable = capacity[slot] > 0 if len(slot) else np.zeros(0, dtype=bool)
    candidate, slot, score = candidate[usable], slot[usable], score[usable]
    if len(candidate) == 0:
        return 0.0
    rows, row_of = np.unique(candidate, return_inverse=True)
    edges = np.arange(len(candidate))
    a_ub = sp.vstack(
        [
            sp.csr_matrix((np.ones(len(edges)), (row_of, edges)), shape=(len(rows), len(edges))),
            sp.csr_matrix((np.ones(len(edges)), (slot, edges)), shape=(len(capacity), len(edges))),
        ]
    ).tocsr()
    b_ub = np.concatenate([np.ones(len(rows)), capacity.astype(float)])
    result = linprog(-score, A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs")
    if result.status != 0:
        raise RuntimeError(f"the LP solver failed: {result.message}")
    return float(-result.fun)


def greedy_top1(n_candidates: int, capacity, candidate, slot, score) -> Allocation:
    """Today's behaviour: each candidate goes for their best slot only (ties: lowest position);
    a slot takes its best-scoring applicants up to its capacity, the others stay unplaced."""
    capacity, candidate, slot, score = _check(n_candidates, capacity, candidate, slot, score)
    has_edge = np.zeros(n_candidates, dtype=bool)
    has_edge[candidate] = True
    notes = _round_notes(n_candidates, capacity, candidate)
    if len(candidate) == 0:
        return _empty(n_candidates, has_edge, notes, "greedy_top1")
    # Each candidate's best edge (edges are sorted by candidate, then slot: lexsort on -score).
    order = np.lexsort((slot, -score, candidate))
    first = np.ones(len(order), dtype=bool)
    first[1:] = candidate[order][1:] != candidate[order][:-1]
    best = order[first]
    # Within each slot, applicants by score (ties: lower candidate position first).
    by_slot = best[np.lexsort((candidate[best], -score[best], slot[best]))]
    s = slot[by_slot]
    start = np.r_[0, np.flatnonzero(s[1:] != s[:-1]) + 1]
    rank = np.arange(len(s)) - np.repeat(start, np.diff(np.r_[start, len(s)]))
    keep = by_slot[rank < capacity[s]]
    return _finish(
        n_candidates, has_edge, candidate[keep], slot[keep], score[keep], notes, "greedy_top1"
    )


def check_allocation(allocation: Allocation, capacity, candidate, slot) -> None:
    """Raise ``AssertionError`` if an allocation breaks capacity, uniqueness or the graph."""
    capacity = np.asarray(capacity, dtype=np.int64)
    used = np.bincount(allocation.slot, minlength=len(capacity))
    assert (used <= capacity).all(), "a slot is over capacity"
    assert len(np.unique(allocation.candidate)) == allocation.placed, "a candidate placed twice"
    allowed = set(zip(np.asarray(candidate).tolist(), np.asarray(slot).tolist(), strict=True))
    pairs = zip(allocation.candidate.tolist(), allocation.slot.tolist(), strict=True)
    assert all(p in allowed for p in pairs), "an assigned pair is not in the graph"
