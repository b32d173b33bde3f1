"""Allocation rounds at scale, and a simulation of learning and allocating against a ground truth.

Scale (default): 20,000 synthetic candidates × 5,000 slots (3,000 with two places, 2,000 with
one: 8,000 places), the engine's top-100 slots per candidate within the hard rules as the graph,
then greedy top-1 (today) against the round (``matching.allocation.allocate``) and the LP upper
bound. Prints one JSON line::

    .venv/bin/python bench/allocation.py                # ~2-4 min, most of it fitting the engine
    .venv/bin/python bench/allocation.py --simulate     # learned vs hand, round vs greedy, 5 seeds

``seconds`` is the round itself (the solver on the graph); ``graph_seconds`` fitting the engine
and building the graph; ``peak_rss_mb`` the process's peak memory.

The simulation's ground truth (see ``true_probability``)::

    logit P(good | candidate, slot) = -2.0 + 3.0 × hand_score
                                      + 1.0 × [candidate's level ≥ slot's level + 1]
                                      - 0.05 × km (0 when unknown)
                                      + 1.5 × u_c · v_s

where ``u_c`` and ``v_s`` are hidden 3-d vectors (N(0, 1/3) each coordinate) for motivation and
workplace fit that no factor sees; the level gap and distance the learned models see only as
plain pair features (bands), the hand weights only through ``distance_decay``. History: for each
seed a market of 1,500 candidates × 400 slots; every candidate's top-10 suggestions form the pairs
that were "placed" over 24 months (time = candidate index order), each with an outcome drawn
from the truth. A fresh market from the same generator is the test: AUC and MRR of the hand score
and the learned ``P(good)`` against drawn outcomes on the top-10 pairs, and rounds vs greedy
top-1 on it, scored by the *true* expected good outcomes (sum of true probabilities of the
assigned pairs) and coverage (share of candidates placed).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import TextGenerator, make_candidates, make_slots  # noqa: E402

from matching import Matcher  # noqa: E402
from matching.allocation import allocate, greedy_top1, lp_upper_bound  # noqa: E402
from matching.evaluation import mean_reciprocal_rank  # noqa: E402
from matching.outcomes import LabelledPair, learn  # noqa: E402
from matching.rules import LEVEL_RANK, haversine_km  # noqa: E402

TOP_K = 100
SUGGESTED = 10


def market(n_candidates, n_slots, seed, two_places):
    """Synthetic open slots (``two_places`` of them with 2 free places, the rest 1)."""
    rng = np.random.default_rng(seed)
    gen = TextGenerator(rng, n_words=8_000)
    slots = make_slots(n_slots, gen, rng)
    capacity = np.ones(n_slots, dtype=np.int64)
    capacity[rng.choice(n_slots, two_places, replace=False)] = 2
    slots = [
        replace(s, free_capacity=int(c), is_open=True) for s, c in zip(slots, capacity, strict=True)
    ]
    return slots, make_candidates(n_candidates, gen, rng), capacity


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scale(args) -> dict:
    started = time.perf_counter()
    slots, candidates, capacity = market(args.candidates, args.slots, 0, args.capacity - args.slots)
    matcher = Matcher().fit(slots, candidates)
    graph = matcher.candidate_graph(candidates, n_top=TOP_K)
    graph_seconds = time.perf_counter() - started
    edges = (len(candidates), capacity, graph["candidate"], graph["slot"], graph["score"])
    started = time.perf_counter()
    greedy = greedy_top1(*edges)
    greedy_seconds = time.perf_counter() - started
    started = time.perf_counter()
    round_ = allocate(*edges, coverage=True)
    seconds = time.perf_counter() - started
    best = allocate(*edges, coverage=False)
    started = time.perf_counter()
    bound = lp_upper_bound(*edges)
    lp_seconds = time.perf_counter() - started
    return {
        "candidates": len(candidates),
        "slots": len(slots),
        "capacity": int(capacity.sum()),
        "edges": int(len(graph["candidate"])),
        "seconds": round(seconds, 2),
        "solver": round_.solver,
        "placed_greedy": greedy.placed,
        "placed_round": round_.placed,
        "score_greedy": round(greedy.total_score, 2),
        "score_round": round(round_.total_score, 2),
        "score_round_without_coverage": round(best.total_score, 2),
        "lp_upper_bound": round(bound, 2),
        "share_of_lp_bound_greedy": round(greedy.total_score / bound, 4),
        "share_of_lp_bound_round": round(round_.total_score / bound, 4),
        "share_of_lp_bound_round_without_coverage": round(best.total_score / bound, 4),
        "slots_used_greedy": greedy.slots_used,
        "slots_used_round": round_.slots_used,
        "graph_seconds": round(graph_seconds, 1),
        "greedy_seconds": round(greedy_seconds, 2),
        "lp_seconds": round(lp_seconds, 1),
        "peak_rss_mb": round(peak_rss_mb()),
    }


# ---------------------------------------------------------------------- simulation
def true_probability(rng_hidden, candidates, slots, c_pos, s_pos, hand):
    """The documented ground truth (module docstring); ``rng_hidden`` draws u_c and v_s."""
    u = rng_hidden.normal(0, 1 / np.sqrt(3), (len(candidates), 3))
    v = rng_hidden.normal(0, 1 / np.sqrt(3), (len(slots), 3))
    level_ok = np.array(
        [
            LEVEL_RANK[candidates[c].norwegian_level] >= LEVEL_RANK[slots[s].norwegian_level] + 1
            for c, s in zip(c_pos, s_pos, strict=True)
        ]
    )
    km = np.array(
        [
            float(haversine_km(candidates[c].location, slots[s].location))
            if candidates[c].location and slots[s].location
            else 0.0
            for c, s in zip(c_pos, s_pos, strict=True)
        ]
    )
    logit = -2.0 + 3.0 * hand + 1.0 * level_ok - 0.05 * km + 1.5 * np.sum(u[c_pos] * v[s_pos], 1)
    return 1.0 / (1.0 + np.exp(-logit))


def simulated_market(seed, n_candidates, n_slots):
    slots, candidates, capacity = market(n_candidates, n_slots, seed, n_slots // 2)
    matcher = Matcher().fit(slots, candidates)
    pairs = matcher.allowed_pairs(candidates, slots)
    truth = true_probability(
        np.random.default_rng(seed + 1000), candidates, slots, pairs["candidate"], pairs["slot"],
        pairs["score"],
    )  # fmt: skip
    return matcher, slots, candidates, capacity, pairs, truth


def top_per_candidate(cand, score, k):
    """Positions of each candidate's top-``k`` pairs by ``score``."""
    order = np.lexsort((-score, cand))
    c = cand[order]
    start = np.r_[0, np.flatnonzero(c[1:] != c[:-1]) + 1]
    rank = np.arange(len(c)) - np.repeat(start, np.diff(np.r_[start, len(c)]))
    return order[rank < k]


def simulate_seed(seed, n_candidates, n_slots) -> dict:
    rng = np.random.default_rng(seed)
    # History: last year's market; each candidate's top-10 suggestions placed with outcomes.
    matcher, slots, candidates, _cap, pairs, truth = simulated_market(seed, n_candidates, n_slots)
    shown = top_per_candidate(pairs["candidate"], pairs["score"], SUGGESTED)
    good = rng.random(len(shown)) < truth[shown]
    values, extras = matcher.pair_factors(
        [candidates[c] for c in pairs["candidate"][shown]], [slots[s] for s in pairs["slot"][shown]]
    )
    start = date(2024, 1, 1)
    history = [
        LabelledPair(
            tuple(values[i]),
            tuple(extras[i]),
            bool(good[i]),
            start + timedelta(days=int(pairs["candidate"][shown][i]) * 730 // n_candidates),
            candidate_id=int(pairs["candidate"][shown][i]),
        )
        for i in range(len(shown))
    ]
    scorer = learn([], history, matcher.weights_)
    # Test: a fresh market from the same generator.
    test_seed = seed + 500
    matcher, slots, candidates, capacity, pairs, truth = simulated_market(
        test_seed, n_candidates, n_slots
    )
    hand = pairs["score"]
    learned = hand
    if scorer.active:
        matcher.set_learned(scorer)
        learned = matcher.allowed_pairs(candidates, slots)["expected_good"]
    shown = top_per_candidate(pairs["candidate"], hand, SUGGESTED)
    drawn = np.random.default_rng(test_seed).random(len(shown)) < truth[shown]
    groups = pairs["candidate"][shown].tolist()
    from sklearn.metrics import roc_auc_score

    out = {
        "used": scorer.report["outcome"]["used"],
        "auc_hand": roc_auc_score(drawn, hand[shown]),
        "auc_learned": roc_auc_score(drawn, learned[shown]),
        "mrr_hand": mean_reciprocal_rank(drawn, hand[shown], groups),
        "mrr_learned": mean_reciprocal_rank(drawn, learned[shown], groups),
    }
    n = len(candidates)
    for name, weights in (("hand", hand), ("learned", learned)):
        edges = (n, capacity, pairs["candidate"], pairs["slot"], weights)
        for method, result in (
            ("greedy", greedy_top1(*edges)),
            ("round", allocate(*edges, coverage=True)),
        ):
            chosen_truth = _truth_of(result, pairs, truth)
            out[f"good_{method}_{name}"] = chosen_truth
            out[f"coverage_{method}_{name}"] = result.placed / n
    return out


def _truth_of(result, pairs, truth) -> float:
    key = pairs["candidate"] * (pairs["slot"].max() + 1) + pairs["slot"]
    order = np.argsort(key)
    wanted = result.candidate * (pairs["slot"].max() + 1) + result.slot
    return float(truth[order[np.searchsorted(key, wanted, sorter=order)]].sum())


def simulate(args) -> dict:
    runs = [simulate_seed(seed, args.sim_candidates, args.sim_slots) for seed in range(args.seeds)]
    summary = {"seeds": args.seeds, "candidates": args.sim_candidates, "slots": args.sim_slots}
    summary["used"] = [r["used"] for r in runs]
    for key in runs[0]:
        if key == "used":
            continue
        values = np.array([r[key] for r in runs], dtype=float)
        summary[key] = {"mean": round(float(values.mean()), 4), "sd": round(float(values.std()), 4)}
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--candidates", type=int, default=20_000)
    parser.add_argument("--slots", type=int, default=5_000)
    parser.add_argument("--capacity", type=int, default=8_000, help="total free places")
    parser.add_argument("--simulate", action="store_true", help="run the simulation instead")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--sim-candidates", type=int, default=1_500)
    parser.add_argument("--sim-slots", type=int, default=400)
    args = parser.parse_args(argv)
    if not args.slots <= args.capacity <= 2 * args.slots:
        parser.error("--capacity must be between --slots and twice --slots")
    result = simulate(args) if args.simulate else scale(args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
