"""How a learned model is judged: the time-ordered split, ranking metrics and rates per group.

Nothing here imports Flask or a database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score

#: The newest share of the labelled pairs (by time) is held out for the comparison.
HELD_OUT_SHARE = 0.3
#: Groups with fewer labelled pairs than this are suppressed in the fairness report.
SUPPRESS_UNDER = 5


def time_split(times, held_out_share=HELD_OUT_SHARE) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the older (train) and newest (held-out) pairs; ties go to the same side.

    Sorting is stable, so equal times keep their input order; the cut is moved forward past a
    run of equal times so that no instant lands on both sides.
    """
    keys = np.array([time_key(t) for t in times], dtype=float)
    order = np.argsort(keys, kind="stable")
    n = len(order)
    if n == 0:
        return order, order
    cut = min(max(int(round(n * (1.0 - held_out_share))), 1), n)
    while 0 < cut < n and keys[order[cut]] == keys[order[cut - 1]]:
        cut += 1
    return order[:cut], order[cut:]


def time_key(value) -> float:
    if isinstance(value, datetime):
        return value.toordinal() + _day_share(value)  # wall-clock order; times are all UTC
    if isinstance(value, date):
        return float(value.toordinal())
    raise ValueError(f"at must be a date or datetime, got {value!r}")


def _day_share(value: datetime) -> float:
    return (value.hour * 3600 + value.minute * 60 + value.second) / 86400.0


def mean_reciprocal_rank(labels, scores, groups) -> float | None:
    """Mean over groups with a positive of 1 / rank of their best-scored positive pair.

    Ties are ranked pessimistically (a positive tied with a negative counts as behind it), so a
    constant score earns no credit. ``None`` when no group has a positive.
    """
    by_group = defaultdict(list)
    for label, score, group in zip(labels, scores, groups, strict=True):
        by_group[group].append((float(score), bool(label)))
    ranks = []
    for pairs in by_group.values():
        positives = [s for s, y in pairs if y]
        if not positives:
            continue
        best = max(positives)
        ahead = sum(1 for s, y in pairs if s > best or (s == best and not y))
        ranks.append(1.0 / (1 + ahead))
    return float(np.mean(ranks)) if ranks else None


def metrics(labels, probability, groups) -> dict:
    return {
        "auc": float(roc_auc_score(labels, probability)),
        "brier": float(brier_score_loss(labels, np.clip(probability, 0.0, 1.0))),
        "mrr": mean_reciprocal_rank(labels, probability, groups),
    }


def fairness_report(pairs, probabilities: Mapping[str, np.ndarray]) -> dict:
    """Observed rate and mean predicted probability per group, suppressed under 5 pairs.

    Returns ``{dimension: {group: {"n", "rate", "predicted": {model: mean}}}}``; a suppressed
    group has only ``{"suppressed": True}`` (its count is not shown either).
    """
    out: dict = {}
    dimensions = sorted({key for p in pairs for key in p.groups})
    for dimension in dimensions:
        members = defaultdict(list)
        for i, p in enumerate(pairs):
            if dimension in p.groups:
                members[p.groups[dimension]].append(i)
        rows = {}
        for group, index in sorted(members.items()):
            if len(index) < SUPPRESS_UNDER:
                rows[group] = {"suppressed": True}
                continue
            labels = np.array([pairs[i].label for i in index], dtype=float)
            rows[group] = {
                "n": len(index),
                "rate": float(labels.mean()),
                "predicted": {
                    name: float(np.mean(np.asarray(prob)[index]))
                    for name, prob in probabilities.items()
                },
            }
        out[dimension] = rows
    return out


def rate_table(rows, dimensions) -> dict:
    """Rates of a boolean ``label`` per group of each dimension, suppressed under 5.

    ``rows`` are mappings with a ``label`` (bool) and one key per dimension.
    """
    out = {}
    for dimension in dimensions:
        counts = defaultdict(lambda: [0, 0])
        for row in rows:
            group = row.get(dimension)
            if group is None:
                continue
            counts[group][0] += 1
            counts[group][1] += bool(row["label"])
        out[dimension] = {
            group: ({"suppressed": True} if n < SUPPRESS_UNDER else {"n": n, "rate": positive / n})
            for group, (n, positive) in sorted(counts.items())
        }
    return out
