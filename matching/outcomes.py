"""Learn from what happened: P(approved | suggested) and P(good outcome | placement).

Two learned models score a candidate–slot pair from its factor values (``scoring.FACTORS``) and
a few plain pair features (:func:`pair_features`: slot kind, Norwegian level gap, distance band,
number of adaptations the candidate needs):

- **approval**: from caseworker and employer decisions on suggestions. Approved, proposed and
  accepted pairs are positive; rejected and declined ones negative. A proposal that *expired*
  without an answer is not a decline and must not be passed in as one.
- **outcome**: from finished placements. ``employment``, ``apprenticeship_contract`` and
  ``education`` are good; ``ended_early`` and ``none`` are not; other outcomes are left out.

For each, a logistic regression and a histogram gradient-boosting classifier, each calibrated
with ``CalibratedClassifierCV``, are trained on the older part of the data and compared with the
hand-weighted score on the newest part (a time-ordered split, never a random one: the model must
predict the future from the past). A learned model is used only when its held-out ROC AUC beats
the hand score's by at least :data:`MIN_AUC_GAIN`. With too little data, one class only, or no
model better than the hand weights, the hand weights stay, with the reason in the report.

The blend (what a caseworker sees): ``score = HAND_SHARE × hand + (1 − HAND_SHARE) × p``, where
``p`` is the learned probability: ``P(approved) × P(good)`` when both models are in use, else
whichever one is. The hand share keeps every factor's contribution visible in the explanation
(the engine scales contributions to the blended score) and stops a learned model from burying
a pair the hand weights find clearly relevant. ``expected_good`` is what allocation maximises:
``P(good)`` when the outcome model is used, else the blended score.

Nothing here imports Flask or a database; callers pass :class:`LabelledPair` rows.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import ThreadpoolController, threadpool_limits

from .evaluation import fairness_report, metrics, time_key, time_split
from .rules import KIND_BIT, LEVEL_RANK
from .types import SLOT_KINDS

GOOD_OUTCOMES = frozenset({"employment", "apprenticeship_contract", "education"})
BAD_OUTCOMES = frozenset({"ended_early", "none"})

#: Fewer labelled pairs than this, or fewer than ``MIN_PER_CLASS`` of either label in the
#: training or the held-out part, keep the hand weights.
MIN_PAIRS = 40
MIN_PER_CLASS = 5
#: A learned model must beat the hand score's held-out AUC by this much to be used.
MIN_AUC_GAIN = 0.01
#: Share of the hand score in the blended score.
HAND_SHARE = 0.5
#: Folds of the calibration (``CalibratedClassifierCV(cv=...)``), fewer when a class is rare.
CALIBRATION_FOLDS = 3
#: Distance bands (km) of the ``distance_band`` pair feature; unknown distance is its own band.
DISTANCE_BANDS_KM = (5.0, 15.0, 30.0)

TARGETS = ("approval", "outcome")
MODELS = ("logistic", "boosting")


@dataclass(frozen=True)
class LabelledPair:
    """One decided suggestion or finished placement.

    ``values`` are the pair's factor values (``Matcher.pair_factors``), ``extras`` its plain
    features (:func:`pair_features`), ``at`` when it was decided or ended (for the time-ordered
    split), ``groups`` the fairness groups it belongs to (e.g. ``{"level_band": "B1–B2"}``) and
    ``candidate_id`` groups pairs for MRR.
    """

    values: tuple
    extras: tuple
    label: bool
    at: date | datetime
    candidate_id: Hashable = None
    groups: Mapping[str, str] = field(default_factory=dict)


def outcome_label(outcome: str | None, status: str | None = None) -> bool | None:
    """Good (True), not good (False) or not a learning example (None) for a placement."""
    if outcome in GOOD_OUTCOMES:
        return True
    if outcome in BAD_OUTCOMES or (outcome is None and status == "ended_early"):
        return False
    return None


def pair_features(kind_bit, level_gap, km, adaptation_count) -> np.ndarray:
    """Plain pair features as columns: slot kind one-hot, level gap, distance band, adaptations.

    ``kind_bit`` is the slot's kind bit (``rules.KIND_BIT``), ``level_gap`` the candidate's level
    rank minus the slot's required rank, ``km`` the distance (``nan`` when unknown) and
    ``adaptation_count`` how many adaptations the candidate needs.
    """
    kind_bit = np.asarray(kind_bit, dtype=np.int64)
    km = np.asarray(km, dtype=float)
    kinds = np.column_stack([(kind_bit == KIND_BIT[k]).astype(float) for k in SLOT_KINDS])
    band = np.searchsorted(np.array(DISTANCE_BANDS_KM), np.nan_to_num(km, nan=0.0))
    band = np.where(np.isnan(km), -1, band)
    bands = np.column_stack([(band == b).astype(float) for b in range(-1, len(DISTANCE_BANDS_KM))])
    return np.column_stack(
        [
            kinds.reshape(len(kind_bit), -1),
            np.asarray(level_gap, dtype=float),
            bands.reshape(len(kind_bit), -1),
            np.asarray(adaptation_count, dtype=float),
        ]
    )


def level_rank(level: str) -> int:
    return LEVEL_RANK.get(level, 0)


# ---------------------------------------------------------------------- the models
def _estimator(name: str, random_state: int):
    if name == "logistic":
        return LogisticRegression(C=1.0, max_iter=1000)
    return HistGradientBoostingClassifier(
        max_iter=150, learning_rate=0.08, max_leaf_nodes=15, min_samples_leaf=10,
        l2_regularization=1.0, random_state=random_state,
    )  # fmt: skip


def _calibrated(name: str, x, y, random_state: int):
    folds = min(CALIBRATION_FOLDS, int(y.sum()), int((~y).sum()))
    model = CalibratedClassifierCV(
        _estimator(name, random_state), method="sigmoid", cv=max(folds, 2)
    )
    return model.fit(x, y)


class HandCalibration:
    """The hand score mapped to a probability with a one-feature logistic regression (Platt).

    Used only to give the hand weights a fair Brier score; it never changes their order.
    """

    def fit(self, hand, y) -> HandCalibration:
        self.model_ = LogisticRegression().fit(np.asarray(hand).reshape(-1, 1), y)
        return self

    def predict(self, hand) -> np.ndarray:
        return self.model_.predict_proba(np.asarray(hand).reshape(-1, 1))[:, 1]


@functools.cache
def _threadpools() -> ThreadpoolController:
    """The loaded thread pools, found once: ``threadpool_limits`` looks for them anew on every
    call, 6 ms in a web worker with many libraries loaded, once per explained pair."""
    return ThreadpoolController()


@dataclass
class LearnedModel:
    """One fitted, calibrated model and the held-out figures it was chosen on."""

    target: str
    name: str
    estimator: object
    held_out: dict

    def predict(self, x) -> np.ndarray:
        # One thread, as in fitting: with OpenMP's threads a one-pair explanation took 45 ms
        # instead of 8, and scoring 100,000 pairs 3.8 s instead of 1.7 on two busy cores.
        with _threadpools().limit(limits=1, user_api="openmp"):
            return self.estimator.predict_proba(x)[:, 1]


@dataclass
class LearnedScorer:
    """The learned models in use (either may be ``None``) and the blend of their scores."""

    approval: LearnedModel | None = None
    outcome: LearnedModel | None = None
    hand_share: float = HAND_SHARE
    report: dict = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.approval is not None or self.outcome is not None

    def probability(self, x) -> np.ndarray | None:
        """The learned probability of the blend, or ``None`` when no model is in use."""
        parts = [m.predict(x) for m in (self.approval, self.outcome) if m is not None]
        if not parts:
            return None
        return np.prod(parts, axis=0)

    def blend(self, hand, x) -> np.ndarray:
        """The score a caseworker sees: the hand score until a learned model is in use."""
        hand = np.asarray(hand, dtype=float)
        learned = self.probability(x) if len(hand) else None
        if learned is None:
            return hand
        return np.clip(self.hand_share * hand + (1.0 - self.hand_share) * learned, 0.0, 1.0)

    def expected_good(self, hand, x) -> np.ndarray:
        """What an allocation round maximises: P(good outcome) if learned, else the blend."""
        if self.outcome is not None and len(hand):
            return self.outcome.predict(x)
        return self.blend(hand, x)


def _design(pairs) -> np.ndarray:
    return np.array([tuple(p.values) + tuple(p.extras) for p in pairs], dtype=float)


def learn_target(
    target: str,
    pairs,
    hand_weights: Mapping[str, float],
    *,
    previous: LearnedModel | None = None,
    random_state: int = 0,
) -> tuple[LearnedModel | None, dict]:
    """Fit and compare the models for one target; return ``(model or None, report)``.

    The report always says which score is used and why (``used``: ``"hand"``, ``"logistic"``,
    ``"boosting"`` or ``"previous"``; ``why``: a short code). ``previous`` is the model in use
    before this retrain: it is scored on the new held-out part too and kept when the retrain
    does worse there.
    """
    # One thread: the models are small, and on a shared machine OpenMP threads fighting over
    # the cores made a fit of 600 pairs take a minute instead of two seconds.
    with threadpool_limits(limits=1):
        return _learn_target(target, list(pairs), hand_weights, previous, random_state)


def _learn_target(target, pairs, hand_weights, previous, random_state):
    labels = np.array([p.label for p in pairs], dtype=bool)
    report = _data_report(pairs, labels)
    if len(pairs) < MIN_PAIRS:
        return None, {**report, "used": "hand", "why": "too_few_pairs"}
    if labels.all() or not labels.any():
        return None, {**report, "used": "hand", "why": "one_class"}
    train, test = time_split([p.at for p in pairs])
    y_train, y_test = labels[train], labels[test]
    if min(y_train.sum(), (~y_train).sum(), y_test.sum(), (~y_test).sum()) < MIN_PER_CLASS:
        return None, {**report, "used": "hand", "why": "too_few_per_class_after_split"}
    x = _design(pairs)
    weights = np.array([hand_weights[name] for name in hand_weights], dtype=float)
    n_factors = len(weights)
    hand = x[:, :n_factors] @ weights
    groups = [p.candidate_id for p in pairs]
    test_groups = [groups[i] for i in test]
    report.update(
        train_pairs=int(len(train)),
        held_out_pairs=int(len(test)),
        train_until=_iso(pairs[train[-1]].at),
        held_out_from=_iso(pairs[test[0]].at),
    )
    calibration = HandCalibration().fit(hand[train], y_train)
    scores = {"hand": metrics(y_test, calibration.predict(hand[test]), test_groups)}
    # AUC and MRR of the raw hand score equal the calibrated one's (a monotone map).
    fitted = {}
    for name in MODELS:
        try:
            fitted[name] = _calibrated(name, x[train], y_train, random_state)
        except ValueError as error:  # e.g. a fold without both classes
            report.setdefault("errors", {})[name] = str(error)[:200]
            continue
        scores[name] = metrics(y_test, fitted[name].predict_proba(x[test])[:, 1], test_groups)
    if previous is not None:
        try:
            scores["previous"] = metrics(y_test, previous.predict(x[test]), test_groups)
        except ValueError as error:  # features changed shape: the old model cannot be compared
            report.setdefault("errors", {})["previous"] = str(error)[:200]
    report["held_out"] = scores
    report["fairness"] = fairness_report(
        [pairs[i] for i in test],
        {name: _held_out_probability(name, fitted, previous, calibration, x, hand, test)
         for name in scores},
    )  # fmt: skip
    learned = [name for name in MODELS if name in fitted]
    if not learned:
        return None, {**report, "used": "hand", "why": "no_model_could_be_fitted"}
    best = max(learned, key=lambda name: scores[name]["auc"])
    hand_auc = scores["hand"]["auc"]
    if scores[best]["auc"] < hand_auc + MIN_AUC_GAIN:
        if previous is not None and scores.get("previous", {}).get("auc", -1) >= hand_auc:
            return previous, {**report, "used": "previous", "why": "retrain_not_better_than_hand"}
        return None, {**report, "used": "hand", "why": "not_better_than_hand_on_held_out"}
    if previous is not None and scores.get("previous", {}).get("auc", -1) > scores[best]["auc"]:
        return previous, {**report, "used": "previous", "why": "retrain_worse_than_previous"}
    # Chosen on held-out data; refit on every pair so the newest decisions count too.
    final = _calibrated(best, x, labels, random_state)
    model = LearnedModel(target, best, final, scores[best])
    return model, {**report, "used": best, "why": "beats_hand_on_held_out"}


def _held_out_probability(name, fitted, previous, calibration, x, hand, test):
    if name == "hand":
        return calibration.predict(hand[test])
    if name == "previous":
        return previous.predict(x[test])
    return fitted[name].predict_proba(x[test])[:, 1]


def _data_report(pairs, labels) -> dict:
    times = [p.at for p in pairs]
    return {
        "pairs": len(pairs),
        "positive": int(labels.sum()),
        "negative": int((~labels).sum()),
        "first": _iso(min(times, key=time_key)) if times else None,
        "last": _iso(max(times, key=time_key)) if times else None,
    }


def _iso(value) -> str:
    return value.isoformat()


def learn(
    approval_pairs,
    outcome_pairs,
    hand_weights: Mapping[str, float],
    *,
    previous: LearnedScorer | None = None,
    random_state: int = 0,
) -> LearnedScorer:
    """Both targets at once: the scorer to use and its report (``scorer.report``).

    Never raises on thin or one-sided data: each target falls back to the hand weights with a
    reason in ``report[target]["why"]``.
    """
    report = {"hand_share": HAND_SHARE, "min_auc_gain": MIN_AUC_GAIN}
    models = {}
    for target, pairs in (("approval", approval_pairs), ("outcome", outcome_pairs)):
        before = getattr(previous, target, None) if previous is not None else None
        models[target], report[target] = learn_target(
            target, pairs, hand_weights, previous=before, random_state=random_state
        )
    report["used"] = {t: report[t]["used"] for t in TARGETS}
    return LearnedScorer(models["approval"], models["outcome"], HAND_SHARE, report)
