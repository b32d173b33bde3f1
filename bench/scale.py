"""Scale benchmark: fit, full top-10, peak memory and single-profile latency.

Usage::

    .venv/bin/python bench/scale.py --candidates 100000 --slots 50000
    .venv/bin/python bench/scale.py --candidates 20000 --slots 10000 --skip-nn   # quicker
    .venv/bin/python bench/scale.py --live   # Matcher.update / remove latency, memory, exactness

Baselines run in the same process on the engine's own vectors: ``sparse_dot_topn``'s
``sp_matmul_topn`` (2 threads) and scikit-learn's ``NearestNeighbors(metric="cosine",
algorithm="brute")``. Neither applies the hard rules, so they do strictly less work than the
engine's retrieval. Memory is the peak resident set size during a step minus the size before it
(sampled every few milliseconds), i.e. memory beyond the inputs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import TextGenerator, make_candidates, make_slots  # noqa: E402

from matching import Matcher  # noqa: E402

TOP_K = 10
THREADS = 2
LATENCY_QUERIES = 200
SAMPLE_SECONDS = 0.005
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
MIB = 2**20


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_BYTES


class PeakMemory:
    """Context manager sampling RSS in a thread; ``extra_mib`` is the peak above the start."""

    def __enter__(self):
        self.start = self.peak = rss_bytes()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, rss_bytes())
            time.sleep(SAMPLE_SECONDS)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, rss_bytes())
        self.extra_mib = (self.peak - self.start) / MIB


def timed(results, name, fn):
    """Run ``fn`` once, recording seconds and peak extra memory under ``name``."""
    with PeakMemory() as memory:
        start = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - start
    results[name] = {"seconds": round(seconds, 3), "extra_mib": round(memory.extra_mib, 1)}
    print(f"{name:<40} {seconds:9.3f} s  {memory.extra_mib:8.1f} MiB", flush=True)
    return value


def latencies(fn, items) -> dict:
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - start)
    ms = np.array(times) * 1000
    return {
        "p50_ms": round(float(np.median(ms)), 3),
        "p95_ms": round(float(np.percentile(ms, 95)), 3),
    }


def exhaustive_overlap(matcher, candidates, k=TOP_K, block=50) -> float:
    """Share of the exhaustive top-k (full score over every allowed slot) that suggest finds.

    Measures what retrieval on pruned vectors plus a re-rank window costs in ranking quality.
    """
    from matching.rules import CandidateRules, distance_mask, static_mask
    from matching.scoring import weight_vector

    suggested = matcher.suggest_slots(candidates, k=k)
    slots = matcher.slots_
    weights = weight_vector(matcher.weights_)
    found = total = 0
    for start in range(0, len(candidates), block):
        chunk = matcher._encode(candidates[start : start + block], type(candidates[0]))
        rules = CandidateRules(**vars(chunk.rules))
        allowed = static_mask(rules, slots.rules) & distance_mask(rules, slots.rules)
        cosine = (chunk.vectors @ slots.vectors.T).toarray()
        rows, cols = np.nonzero(allowed & (cosine > 0))
        values = matcher._pair_values(chunk, slots, rows, cols, cosine[rows, cols])
        score = np.full(allowed.shape, -np.inf)
        score[rows, cols] = values @ weights
        best = np.argsort(-score, axis=1)[:, :k]
        for r, row in enumerate(best):
            truth = {slots.ids[j] for j in row if np.isfinite(score[r, j])}
            got = {s.slot_id for s in suggested[start + r]}
            found += len(truth & got)
            total += len(truth)
    return found / max(total, 1)


class RandomNetwork:
    """Seeded random unit vectors of the network's size: the index's cost without the network."""

    def encode(self, texts, **_):
        rng = np.random.default_rng(len(texts))
        vectors = rng.standard_normal((len(texts), 384)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def get_sentence_embedding_dimension(self):
        return 384


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--slots", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-nn", action="store_true", help="skip NearestNeighbors baseline")
    parser.add_argument("--skip-suggest", action="store_true", help="skip the full suggest_slots")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--live", action="store_true", help="measure update/remove instead")
    parser.add_argument("--ops", type=int, default=2000, help="updates/removals with --live")
    parser.add_argument(
        "--semantic",
        choices=("minilm", "random"),
        help="with the semantic encoder, every text weighted as if English (its full cost); "
        "'random' stands in seeded random embeddings for the network (index cost only)",
    )
    args = parser.parse_args(argv)
    if args.live:
        return live_benchmark(args)

    rng = np.random.default_rng(args.seed)
    results = {"candidates": args.candidates, "slots": args.slots}
    start = time.perf_counter()
    generator = TextGenerator(rng)
    slots = make_slots(args.slots, generator, rng)
    candidates = make_candidates(args.candidates, generator, rng)
    newcomers = make_candidates(LATENCY_QUERIES, generator, rng, prefix="new")
    edited = make_slots(LATENCY_QUERIES, generator, rng)
    print(
        f"generated {args.candidates} candidates and {args.slots} slots in "
        f"{time.perf_counter() - start:.1f} s",
        flush=True,
    )

    params = {}
    if args.semantic:
        from matching import semantic

        # The synthetic words are no language the network knows, which would give them no
        # embedding share: measure the cost as if every text were English.
        class Encoder(semantic.SentenceEncoder):
            def known_share(self, texts):
                return np.ones(len(texts))

            def _network(self):
                return RandomNetwork() if args.semantic == "random" else super()._network()

        params["encoder"] = Encoder()
        results["semantic"] = args.semantic
    matcher = timed(results, "fit", lambda: Matcher(**params).fit(slots, candidates))
    # The engine's retrieval vectors on both sides (pruned, as the engine searches them).
    cand_vectors = matcher._vectors(matcher.candidates_, matcher.slots_exact_)
    slot_vectors = matcher._vectors(matcher.slots_, matcher.slots_exact_)
    slot_vectors_t = matcher.slot_vectors_t_
    full = matcher.candidates_.vectors, matcher.slots_.vectors
    results["nnz_per_row"] = {
        "candidates (retrieval)": round(cand_vectors.nnz / cand_vectors.shape[0], 1),
        "slots (retrieval)": round(slot_vectors.nnz / slot_vectors.shape[0], 1),
        "candidates (full)": round(full[0].nnz / full[0].shape[0], 1),
        "slots (full)": round(full[1].nnz / full[1].shape[0], 1),
    }
    print("non-zeros per row:", results["nnz_per_row"], flush=True)
    matcher.retrieve(candidates[:100], TOP_K)  # compile / warm up

    timed(
        results,
        "engine retrieval top-10 (rules applied)",
        lambda: matcher.retrieve(candidates, TOP_K),
    )
    timed(
        results,
        f"engine retrieval top-{matcher.rerank_size} (for re-rank)",
        lambda: matcher.retrieve(candidates, matcher.rerank_size),
    )

    from sparse_dot_topn import sp_matmul_topn

    timed(
        results,
        "sp_matmul_topn top-10 (no rules)",
        lambda: sp_matmul_topn(cand_vectors, slot_vectors_t, top_n=TOP_K, n_threads=THREADS),
    )
    if not args.skip_nn:
        from sklearn.neighbors import NearestNeighbors

        def nearest():
            nn = NearestNeighbors(
                n_neighbors=TOP_K, metric="cosine", algorithm="brute", n_jobs=THREADS
            ).fit(matcher.slots_.vectors)
            return nn.kneighbors(cand_vectors)

        timed(results, "NearestNeighbors cosine brute (no rules)", nearest)
    if not args.skip_suggest:

        def stream():
            count = 0
            for row in matcher.iter_suggest_slots(candidates, k=TOP_K):
                count += len(row)  # a re-match job would write the row to the database here
            return count

        timed(results, "engine iter_suggest_slots, all, k=10 (streamed)", stream)
        timed(
            results,
            "engine suggest_slots, all, k=10 (objects)",
            lambda: matcher.suggest_slots(candidates, k=TOP_K),
        )

    overlap = exhaustive_overlap(matcher, newcomers)
    results["overlap with exhaustive top-10 (new candidates)"] = round(overlap, 4)
    print(f"suggest_slots top-10 vs exhaustive full-score top-10: {overlap:.1%} found", flush=True)
    for item in newcomers[:5] + edited[:5]:  # warm caches
        (matcher.suggest_slots if hasattr(item, "kinds") else matcher.suggest_candidates)([item])
    results["one new candidate vs all slots"] = latencies(
        lambda c: matcher.suggest_slots([c], k=TOP_K), newcomers
    )
    results["one changed slot vs all candidates"] = latencies(
        lambda s: matcher.suggest_candidates([s], k=TOP_K), edited
    )
    query = matcher.text_model_.transform([matcher._candidate_text(newcomers[0])])
    from sklearn.neighbors import NearestNeighbors

    nn = NearestNeighbors(n_neighbors=TOP_K, metric="cosine", algorithm="brute").fit(
        matcher.slots_.vectors
    )
    results["NearestNeighbors one query"] = latencies(lambda _: nn.kneighbors(query), range(50))
    for name in (
        "one new candidate vs all slots",
        "one changed slot vs all candidates",
        "NearestNeighbors one query",
    ):
        print(
            f"{name:<40} p50 {results[name]['p50_ms']:.2f} ms  "
            f"p95 {results[name]['p95_ms']:.2f} ms",
            flush=True,
        )

    engine = results["engine retrieval top-10 (rules applied)"]["seconds"]
    sdt = results["sp_matmul_topn top-10 (no rules)"]["seconds"]
    results["ratio engine/sp_matmul_topn"] = round(engine / sdt, 3)
    print(f"ratio engine / sp_matmul_topn: {engine / sdt:.2f}")
    if not args.skip_nn:
        nn_s = results["NearestNeighbors cosine brute (no rules)"]["seconds"]
        results["ratio engine/NearestNeighbors"] = round(engine / nn_s, 3)
        print(f"ratio engine / NearestNeighbors: {engine / nn_s:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def index_mib(matcher) -> float:
    """Bytes held by both sides' buffers and inverted indexes (capacity included)."""
    total = 0
    for side in matcher._sides.values():
        buffers = [*side.rules.values(), *side.features.values(), side.thin, side.groups.rows]
        buffers += [side.vectors, side.retrieval]
        for buf in buffers:
            parts = [buf.data, buf.indices, buf.indptr] if hasattr(buf, "indptr") else [buf]
            total += sum(part.buffer.nbytes for part in parts)
        total += sum(
            a.nbytes for a in (side.index_t.data, side.index_t.indices, side.index_t.indptr)
        )
    return total / MIB


def live_benchmark(args) -> dict:
    """``update`` / ``remove`` one profile at a time on a fitted 100k x 50k index."""
    rng = np.random.default_rng(args.seed)
    results = {"candidates": args.candidates, "slots": args.slots, "ops": args.ops}
    generator = TextGenerator(rng)
    slots = make_slots(args.slots, generator, rng)
    candidates = make_candidates(args.candidates, generator, rng)
    extra_slots = make_slots(args.ops, generator, rng)
    extra_slots = [replace(s, id=f"new-{s.id}") for s in extra_slots]
    edited_slots = make_slots(args.ops, generator, rng)  # same ids as fitted ones: replacements
    extra_candidates = make_candidates(args.ops, generator, rng, prefix="new")
    edited_candidates = make_candidates(args.ops, generator, rng)
    matcher = timed(results, "fit", lambda: Matcher().fit(slots, candidates))
    matcher.update(slots=[extra_slots[0]])  # warm up (numba compilation, caches)
    matcher.remove(slot_ids=[extra_slots[0].id])
    results["index MiB after fit"] = round(index_mib(matcher), 1)
    rss_before = rss_bytes()
    ops = {
        "update: add one slot": (lambda s: matcher.update(slots=[s]), extra_slots[1:]),
        "update: replace one slot": (lambda s: matcher.update(slots=[s]), edited_slots),
        "update: add one candidate": (
            lambda c: matcher.update(candidates=[c]),
            extra_candidates,
        ),
        "update: replace one candidate": (
            lambda c: matcher.update(candidates=[c]),
            edited_candidates,
        ),
        "remove: one slot": (
            lambda s: matcher.remove(slot_ids=[s.id]),
            rng.permutation(np.array(slots, dtype=object))[: args.ops].tolist(),
        ),
        "remove: one candidate": (
            lambda c: matcher.remove(candidate_ids=[c.id]),
            rng.permutation(np.array(candidates, dtype=object))[: args.ops].tolist(),
        ),
    }
    for name, (fn, items) in ops.items():
        times = []
        for item in items:
            start = time.perf_counter()
            fn(item)
            times.append(time.perf_counter() - start)
        ms = np.array(times) * 1000
        results[name] = {
            "p50_ms": round(float(np.median(ms)), 3),
            "p95_ms": round(float(np.percentile(ms, 95)), 3),
            "p99_ms": round(float(np.percentile(ms, 99)), 3),
            "max_ms": round(float(ms.max()), 1),
            "mean_ms": round(float(ms.mean()), 3),
        }
        print(f"{name:<32} {results[name]}", flush=True)
    results["rss MiB growth over all ops"] = round((rss_bytes() - rss_before) / MIB, 1)
    results["index MiB after ops"] = round(index_mib(matcher), 1)
    print({k: results[k] for k in ("index MiB after fit", "index MiB after ops")}, flush=True)
    print("rss growth over all ops (MiB):", results["rss MiB growth over all ops"], flush=True)

    # Exactness at scale: the live index against one encoded from scratch with the final data.
    by_id = {s.id: s for s in [*slots, *extra_slots, *edited_slots]}
    final_slots = [by_id[i] for i in matcher.slot_ids]
    cand_by_id = {c.id: c for c in [*candidates, *extra_candidates, *edited_candidates]}
    final_candidates = [cand_by_id[i] for i in matcher.candidate_ids]
    fresh = timed(
        results,
        "fresh encode of the final data",
        lambda: matcher._reindexed(final_slots, final_candidates),
    )
    picks = rng.choice(len(final_candidates), size=500, replace=False)
    queries = [final_candidates[i] for i in picks]
    slot_picks = [final_slots[i] for i in rng.choice(len(final_slots), size=200, replace=False)]
    same = sum(
        [s.to_dict() for s in a] == [s.to_dict() for s in b]
        for a, b in zip(
            matcher.suggest_slots(queries) + matcher.suggest_candidates(slot_picks),
            fresh.suggest_slots(queries) + fresh.suggest_candidates(slot_picks),
            strict=True,
        )
    )
    results["exactness: identical ranked lists"] = f"{same}/{len(queries) + len(slot_picks)}"
    print("identical ranked lists vs a fresh index:", results["exactness: identical ranked lists"])
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
