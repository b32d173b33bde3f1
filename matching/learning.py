"""Learn factor weights from caseworker and employer decisions, if they beat the hand weights.

A logistic regression on the factor values of decided pairs gives one coefficient per factor.
Negative coefficients are clipped to 0 (a factor should never count against a match) and the
rest scaled to sum 1, so the learned weights slot into the same score. They are used only when
they rank held-out decisions better (ROC AUC) than the hand weights.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from .scoring import FACTORS, weight_vector

#: Fewer decisions than this (or than ``MIN_PER_CLASS`` of either outcome) keep the hand weights.
MIN_DECISIONS = 40
MIN_PER_CLASS = 10
HELD_OUT_SHARE = 0.3
REGULARISATION_C = 1.0


def decision_pairs(decisions, candidate_position, slot_position):
    """Positions and labels of ``(candidate_id, slot_id, accepted)`` decisions on fitted pairs.

    Decisions about a candidate or slot that was not given to ``fit`` (archived, closed) are
    skipped; the third value is the count skipped.
    """
    pairs, labels, skipped = [], [], 0
    for item in decisions:
        try:
            candidate_id, slot_id, accepted = item
        except (TypeError, ValueError):
            raise ValueError(
                f"decisions must be (candidate_id, slot_id, accepted) triples, got {item!r}"
            ) from None
        if candidate_id not in candidate_position or slot_id not in slot_position:
            skipped += 1
            continue
        pairs.append((candidate_position[candidate_id], slot_position[slot_id]))
        labels.append(bool(accepted))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2), np.array(labels, dtype=bool), skipped


def learn_weights(values, labels, hand_weights, random_state=0):
    """Return ``(weights or None, report)``; weights only when they beat ``hand_weights``."""
    n_pos, n_neg = int(labels.sum()), int((~labels).sum())
    report = {"decisions": len(labels), "accepted": n_pos, "rejected": n_neg}
    if len(labels) < MIN_DECISIONS or min(n_pos, n_neg) < MIN_PER_CLASS:
        return None, {**report, "used": "hand", "why": "too_few_decisions"}
    train_x, test_x, train_y, test_y = train_test_split(
        values, labels, test_size=HELD_OUT_SHARE, stratify=labels, random_state=random_state
    )
    model = LogisticRegression(C=REGULARISATION_C).fit(train_x, train_y)
    coef = np.clip(model.coef_.ravel(), 0.0, None)
    if coef.sum() <= 0:
        return None, {**report, "used": "hand", "why": "no_positive_factor"}
    learned = dict(zip(FACTORS, (coef / coef.sum()).tolist(), strict=True))
    hand_auc = roc_auc_score(test_y, test_x @ weight_vector(hand_weights))
    learned_auc = roc_auc_score(test_y, test_x @ weight_vector(learned))
    report.update(hand_auc=float(hand_auc), learned_auc=float(learned_auc), learned=learned)
    if learned_auc > hand_auc:
        return learned, {**report, "used": "learned"}
    return None, {**report, "used": "hand", "why": "not_better_on_held_out"}
