"""Factors, weights and the score of a candidate–slot pair.

Every factor is a value in [0, 1] computed for aligned arrays of pairs; the score is the weighted
sum with weights that sum to 1, so the score is in [0, 1] too and each factor's contribution is
``weight × value``. A factor that cannot be computed because one side did not say (hours,
start date, location, occupation, skills) takes :data:`NEUTRAL`, so missing data neither helps
nor hurts a pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .rules import haversine_km

FACTORS = (
    "text_similarity",
    "skill_overlap",
    "occupation_match",
    "hours_fit",
    "start_fit",
    "distance_decay",
)

#: Hand-set weights: text carries most of the signal; structured matches confirm it.
HAND_WEIGHTS = {
    "text_similarity": 0.45,
    "skill_overlap": 0.15,
    "occupation_match": 0.15,
    "hours_fit": 0.08,
    "start_fit": 0.07,
    "distance_decay": 0.10,
}

NEUTRAL = 0.5
#: The text factor is ``cosine ** TEXT_SIMILARITY_EXPONENT``: TF-IDF cosines between a short goal
#: and a longer slot text are small even for a clear match (0.2–0.5), and a concave map spreads
#: them over [0, 1] without changing their order.
TEXT_SIMILARITY_EXPONENT = 0.5
#: Distance decay: the factor falls to 1/e at this many km.
DISTANCE_DECAY_KM = 15.0
#: A slot starting this many days after the candidate is available scores 0 on start fit.
START_WAIT_HORIZON_DAYS = 180.0
#: A candidate available this many days after the slot starts scores 0 on start fit.
START_LATE_HORIZON_DAYS = 60.0


@dataclass
class Vocabulary:
    """Stable column index for labels (skills, occupations); grows for labels first seen later."""

    index: dict

    @classmethod
    def from_labels(cls, label_sets) -> Vocabulary:
        return cls({label: i for i, label in enumerate(sorted(set().union(*label_sets)))})

    def extended(self, label_sets) -> Vocabulary:
        """A copy that also knows every label in ``label_sets`` (fitted indices unchanged)."""
        index = dict(self.index)
        for label in sorted(set().union(*label_sets) - index.keys()):
            index[label] = len(index)
        return Vocabulary(index)

    def indicator(self, label_sets) -> sp.csr_matrix:
        """Binary CSR, one row per label set; labels outside the vocabulary are skipped."""
        cols = [[self.index[x] for x in labels if x in self.index] for labels in label_sets]
        indptr = np.concatenate([[0], np.cumsum([len(c) for c in cols])]).astype(np.int64)
        indices = np.fromiter((j for c in cols for j in sorted(c)), dtype=np.int32)
        data = np.ones(len(indices), dtype=np.float32)
        return sp.csr_matrix((data, indices, indptr), shape=(len(label_sets), len(self.index)))


@dataclass
class SideFeatures:
    """Scoring attributes of one side's profiles, as arrays (``nan`` where unknown)."""

    hours: np.ndarray
    day: np.ndarray
    latlon: np.ndarray
    skills: sp.csr_matrix
    #: Slots: one occupation column or -1. Candidates: binary CSR of wanted occupations.
    occupations: object
    #: Occupation concepts (``occupations.OccupationIndex``): CSR of confidences, or None.
    concepts: sp.csr_matrix | None = None

    def take(self, index) -> SideFeatures:
        occupations = self.occupations[index]
        concepts = None if self.concepts is None else self.concepts[index]
        return SideFeatures(
            self.hours[index],
            self.day[index],
            self.latlon[index],
            self.skills[index],
            occupations,
            concepts,
        )


def side_features(profiles, *, hours, day, skills, occupations, skill_vocab, occupation_vocab):
    """Encode ``profiles`` (slots or candidates) for scoring; attribute names are passed in."""
    latlon = np.array(
        [p.location if p.location is not None else (np.nan, np.nan) for p in profiles], dtype=float
    ).reshape(-1, 2)
    occupation_sets = [getattr(p, occupations) for p in profiles]
    if occupations == "occupation":  # a slot names at most one occupation
        occupation_matrix = np.array(
            [occupation_vocab.index.get(o, -1) if o is not None else -1 for o in occupation_sets],
            dtype=np.int64,
        )
    else:
        occupation_matrix = occupation_vocab.indicator(occupation_sets)
    return SideFeatures(
        hours=_floats([getattr(p, hours) for p in profiles]),
        day=_floats([_ordinal(getattr(p, day)) for p in profiles]),
        latlon=latlon,
        skills=skill_vocab.indicator([getattr(p, skills) for p in profiles]),
        occupations=occupation_matrix,
    )


def _floats(values) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def _ordinal(day):
    return None if day is None else day.toordinal()


def _same_width(a: sp.csr_matrix, b: sp.csr_matrix):
    width = max(a.shape[1], b.shape[1])
    return _widen(a, width), _widen(b, width)


def _widen(matrix: sp.csr_matrix, width: int) -> sp.csr_matrix:
    if matrix.shape[1] == width:
        return matrix
    return sp.csr_matrix((matrix.data, matrix.indices, matrix.indptr), (matrix.shape[0], width))


def factor_values(cand: SideFeatures, slot: SideFeatures, cosine: np.ndarray) -> np.ndarray:
    """Factor values for aligned pairs, shape ``(n_pairs, len(FACTORS))``, each in [0, 1]."""
    values = np.empty((len(cosine), len(FACTORS)))
    values[:, 0] = np.clip(np.asarray(cosine, float), 0.0, 1.0) ** TEXT_SIMILARITY_EXPONENT
    values[:, 1] = skill_overlap(cand.skills, slot.skills)
    values[:, 2] = occupation_match(cand.occupations, slot.occupations)
    if cand.concepts is not None and slot.concepts is not None:
        values[:, 2] = with_concepts(values[:, 2], concept_match(cand.concepts, slot.concepts))
    values[:, 3] = hours_fit(cand.hours, slot.hours)
    values[:, 4] = start_fit(cand.day, slot.day)
    values[:, 5] = distance_decay(cand.latlon, slot.latlon)
    return values


def skill_overlap(cand_skills: sp.csr_matrix, slot_skills: sp.csr_matrix) -> np.ndarray:
    """Share of the slot's skills the candidate has; neutral when the slot lists none."""
    cand_skills, slot_skills = _same_width(cand_skills, slot_skills)
    shared = np.asarray(cand_skills.multiply(slot_skills).sum(axis=1)).ravel()
    wanted = np.diff(slot_skills.indptr)
    return np.where(wanted > 0, shared / np.maximum(wanted, 1), NEUTRAL)


def occupation_match(cand_occupations: sp.csr_matrix, slot_occupation: np.ndarray) -> np.ndarray:
    """1 when the slot's occupation is one the candidate wants, 0 when not, neutral if unknown."""
    wants_any = np.diff(cand_occupations.indptr) > 0
    known = (slot_occupation >= 0) & wants_any
    # Look the pair's (row, occupation) key up among the candidate rows' keys.
    rows = np.repeat(np.arange(cand_occupations.shape[0]), np.diff(cand_occupations.indptr))
    width = max(cand_occupations.shape[1], int(slot_occupation.max(initial=0)) + 1)
    keys = np.sort(rows.astype(np.int64) * width + cand_occupations.indices)
    wanted = np.arange(len(slot_occupation), dtype=np.int64) * width + slot_occupation
    pos = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
    hit = (keys[pos] == wanted) if len(keys) else np.zeros(len(wanted), dtype=bool)
    return np.where(known, hit.astype(float), NEUTRAL)


def concept_match(cand_concepts: sp.csr_matrix, slot_concepts: sp.csr_matrix) -> np.ndarray:
    """Aligned pairs' best shared occupation concept: the geometric mean of both confidences."""
    if cand_concepts.shape[0] == 0:
        return np.zeros(0)
    cand_concepts, slot_concepts = _same_width(cand_concepts, slot_concepts)
    product = sp.csr_matrix(cand_concepts.multiply(slot_concepts))
    best = np.zeros(product.shape[0])
    counts = np.diff(product.indptr)
    filled = counts > 0
    if filled.any():
        best[filled] = np.maximum.reduceat(product.data, product.indptr[:-1][filled])
    return np.sqrt(best)


def with_concepts(code_match: np.ndarray, concept: np.ndarray) -> np.ndarray:
    """Occupation factor with concepts: codes that match win; else a shared concept lifts the
    factor from neutral towards 1 by its confidence; without one the code verdict stands."""
    lifted = NEUTRAL + (1.0 - NEUTRAL) * concept
    return np.where((concept > 0) & (code_match < 1.0), np.maximum(lifted, code_match), code_match)


def hours_fit(cand_hours: np.ndarray, slot_hours: np.ndarray) -> np.ndarray:
    """Smaller over larger weekly hours; neutral if either is unknown."""
    with np.errstate(invalid="ignore"):
        ratio = np.minimum(cand_hours, slot_hours) / np.maximum(cand_hours, slot_hours)
    return np.where(np.isnan(ratio), NEUTRAL, ratio)


def start_fit(available_day: np.ndarray, start_day: np.ndarray) -> np.ndarray:
    """1 when the candidate is available as the slot starts, falling off with waiting or delay."""
    gap = start_day - available_day  # > 0: the candidate waits; < 0: the candidate starts late
    with np.errstate(invalid="ignore"):
        wait = 1.0 - np.clip(gap / START_WAIT_HORIZON_DAYS, 0.0, 1.0)
        late = 1.0 - np.clip(-gap / START_LATE_HORIZON_DAYS, 0.0, 1.0)
    return np.where(np.isnan(gap), NEUTRAL, np.minimum(wait, late))


def distance_decay(cand_latlon: np.ndarray, slot_latlon: np.ndarray) -> np.ndarray:
    """``exp(-km / DISTANCE_DECAY_KM)``; neutral when either location is unknown."""
    km = distance_km(cand_latlon, slot_latlon)
    return np.where(np.isnan(km), NEUTRAL, np.exp(-km / DISTANCE_DECAY_KM))


def distance_km(cand_latlon: np.ndarray, slot_latlon: np.ndarray) -> np.ndarray:
    """Haversine km for aligned pairs; ``nan`` where a location is unknown."""
    with np.errstate(invalid="ignore"):
        return haversine_km(cand_latlon, slot_latlon)


def check_weights(weights) -> dict[str, float]:
    """Validate ``weights`` (every factor, non-negative, positive sum) and scale them to sum 1."""
    if weights is None:
        return dict(HAND_WEIGHTS)
    weights = dict(weights)
    unknown = sorted(set(weights) - set(FACTORS))
    if unknown:
        raise ValueError(f"weights: unknown factors {unknown}; known: {', '.join(FACTORS)}")
    values = np.array([float(weights.get(name, 0.0)) for name in FACTORS])
    if not np.all(np.isfinite(values)) or np.any(values < 0) or values.sum() <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    return dict(zip(FACTORS, (values / values.sum()).tolist(), strict=True))


def weight_vector(weights: dict[str, float]) -> np.ndarray:
    return np.array([weights[name] for name in FACTORS])
