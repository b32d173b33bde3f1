"""Hard rules: a pair that breaks one is never suggested.

Rules are evaluated on whole candidate × slot blocks with numpy broadcasting. Slots and
candidates are first encoded once into small arrays (bitmasks for kinds and adaptations, level
ranks, unit vectors for distance), so a block costs a handful of vectorised operations.

Distance uses the fact that ``haversine(a, b) <= d`` exactly when the dot product of the two unit
vectors is at least ``cos(d / R)``: one small matrix product per block instead of trigonometry per
pair. ``DISTANCE_TOLERANCE_KM`` absorbs floating-point rounding so that a slot exactly at the
limit counts as within it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .types import ADAPTATIONS, LANGUAGE_SUPPORT, NORWEGIAN_LEVELS, SLOT_KINDS

EARTH_RADIUS_KM = 6371.0088
#: A slot this close beyond the limit still counts as "at the limit" (1 metre).
DISTANCE_TOLERANCE_KM = 1e-3
BITS_PER_WORD = 64

#: Rule names, in the order they are reported in ``blocked_by`` and ``rules_met``.
RULES = ("slot_open", "free_capacity", "kind", "norwegian_level", "adaptations", "distance")

LEVEL_RANK = {level: rank for rank, level in enumerate(NORWEGIAN_LEVELS)}
KIND_BIT = {kind: 1 << i for i, kind in enumerate(SLOT_KINDS)}


def haversine_km(a, b) -> np.ndarray:
    """Great-circle distance in km between ``(lat, lon)`` arrays ``a`` and ``b`` (broadcasting)."""
    a = np.radians(np.asarray(a, dtype=np.float64))
    b = np.radians(np.asarray(b, dtype=np.float64))
    dlat = b[..., 0] - a[..., 0]
    dlon = b[..., 1] - a[..., 1]
    h = np.sin(dlat / 2) ** 2 + np.cos(a[..., 0]) * np.cos(b[..., 0]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def unit_vectors(locations) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(xyz, known)``: unit vectors for ``(lat, lon)`` or ``None`` entries."""
    known = np.array([loc is not None for loc in locations], dtype=bool)
    latlon = np.array([loc if loc is not None else (0.0, 0.0) for loc in locations], dtype=float)
    latlon = np.radians(latlon.reshape(-1, 2))
    cos_lat = np.cos(latlon[:, 0])
    xyz = np.column_stack(
        [cos_lat * np.cos(latlon[:, 1]), cos_lat * np.sin(latlon[:, 1]), np.sin(latlon[:, 0])]
    )
    return xyz, known


def adaptation_vocabulary(*label_sets) -> dict[str, int]:
    """Bit index for every adaptation: the known ones first, then others in sorted order."""
    extra = sorted(set().union(*label_sets) - set(ADAPTATIONS)) if label_sets else []
    return {name: i for i, name in enumerate([*ADAPTATIONS, *extra])}


def _encode_adaptations(label_sets, vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """Bitmask words per row, and whether a row names an adaptation outside ``vocabulary``."""
    n_words = max(1, -(-len(vocabulary) // BITS_PER_WORD))
    bits = np.zeros((len(label_sets), n_words), dtype=np.uint64)
    unknown = np.zeros(len(label_sets), dtype=bool)
    for row, labels in enumerate(label_sets):
        for label in labels:
            index = vocabulary.get(label)
            if index is None:
                unknown[row] = True
            else:
                bits[row, index // BITS_PER_WORD] |= np.uint64(1 << (index % BITS_PER_WORD))
    return bits, unknown


@dataclass
class SlotRules:
    """Rule-relevant slot attributes as arrays (one entry per slot)."""

    is_open: np.ndarray
    has_capacity: np.ndarray
    kind_bit: np.ndarray
    level: np.ndarray
    language_support: np.ndarray
    offered: np.ndarray
    xyz: np.ndarray
    located: np.ndarray

    @classmethod
    def from_slots(cls, slots, vocabulary) -> SlotRules:
        offered, _ = _encode_adaptations([s.adaptations for s in slots], vocabulary)
        xyz, located = unit_vectors([s.location for s in slots])
        return cls(
            is_open=np.array([s.is_open for s in slots], dtype=bool),
            has_capacity=np.array([s.free_capacity > 0 for s in slots], dtype=bool),
            kind_bit=np.array([KIND_BIT[s.kind] for s in slots], dtype=np.uint8),
            level=np.array([LEVEL_RANK[s.norwegian_level] for s in slots], dtype=np.int8),
            language_support=np.array(
                [LANGUAGE_SUPPORT in s.adaptations for s in slots], dtype=bool
            ),
            offered=offered,
            xyz=xyz,
            located=located,
        )

    def __len__(self) -> int:
        return len(self.is_open)

    def take(self, index) -> SlotRules:
        """The rows ``index`` (an array of positions or a slice)."""
        return SlotRules(**{name: value[index] for name, value in vars(self).items()})

    def static_key(self) -> np.ndarray:
        """One int64 row per slot holding every attribute the non-distance rules read."""
        return np.column_stack(
            [
                self.is_open,
                self.has_capacity,
                self.kind_bit,
                self.level,
                self.language_support,
                self.offered.view(np.int64),
            ]
        ).astype(np.int64)


@dataclass
class CandidateRules:
    """Rule-relevant candidate attributes as arrays (one entry per candidate)."""

    kind_bits: np.ndarray
    level: np.ndarray
    needs: np.ndarray
    needs_unknown: np.ndarray
    xyz: np.ndarray
    #: True where the distance rule applies (home known and a max commute given).
    limited: np.ndarray
    #: Smallest unit-vector dot product still within the commute (``-inf`` where unlimited).
    min_dot: np.ndarray

    @classmethod
    def from_candidates(cls, candidates, vocabulary) -> CandidateRules:
        needs, unknown = _encode_adaptations([c.adaptation_needs for c in candidates], vocabulary)
        xyz, located = unit_vectors([c.location for c in candidates])
        max_km = np.array(
            [np.inf if c.max_distance_km is None else c.max_distance_km for c in candidates],
            dtype=float,
        )
        limited = located & np.isfinite(max_km)
        angle = (np.where(limited, max_km, 0.0) + DISTANCE_TOLERANCE_KM) / EARTH_RADIUS_KM
        min_dot = np.where(limited & (angle < np.pi), np.cos(np.minimum(angle, np.pi)), -np.inf)
        return cls(
            kind_bits=np.array(
                [sum(KIND_BIT[k] for k in c.kinds) for c in candidates], dtype=np.uint8
            ),
            level=np.array([LEVEL_RANK[c.norwegian_level] for c in candidates], dtype=np.int8),
            needs=needs,
            needs_unknown=unknown,
            xyz=xyz,
            limited=limited,
            min_dot=min_dot,
        )

    def __len__(self) -> int:
        return len(self.level)

    def static_key(self) -> np.ndarray:
        """One int64 row per candidate holding every attribute the non-distance rules read."""
        return np.column_stack(
            [self.kind_bits, self.level, self.needs_unknown, self.needs.view(np.int64)]
        ).astype(np.int64)

    def take(self, index) -> CandidateRules:
        """The rows ``index`` (an array of positions or a slice)."""
        return CandidateRules(**{name: value[index] for name, value in vars(self).items()})


def pair_rule_masks(cands: CandidateRules, slots: SlotRules) -> dict[str, np.ndarray]:
    """Each rule's pass mask for aligned pairs ``(cands[i], slots[i])``, keyed by :data:`RULES`.

    This is the one definition of the hard rules; block and grouped evaluations call it. The
    ``distance`` mask is True where the rule does not apply (a location or the limit unknown).
    """
    return {**static_pair_masks(cands, slots), "distance": distance_ok(cands, slots)}


def static_pair_masks(cands: CandidateRules, slots: SlotRules) -> dict[str, np.ndarray]:
    """The rules a slot's and a candidate's rule signature decide (all but distance)."""
    return {
        "slot_open": slots.is_open.copy(),
        "free_capacity": slots.has_capacity.copy(),
        "kind": (cands.kind_bits & slots.kind_bit) != 0,
        "norwegian_level": (cands.level >= slots.level) | slots.language_support,
        "adaptations": ~(cands.needs & ~slots.offered).any(axis=-1) & ~cands.needs_unknown,
    }


def distance_ok(cands: CandidateRules, slots: SlotRules) -> np.ndarray:
    """Aligned pairs within the candidate's max commute; True where it cannot be applied."""
    dots = np.einsum("ij,ij->i", cands.xyz, slots.xyz)
    return (dots >= cands.min_dot) | ~cands.limited | ~slots.located


def distance_mask(cands: CandidateRules, slots: SlotRules) -> np.ndarray:
    """The distance rule over a block, shape ``(len(cands), len(slots))``, as one matrix product."""
    dots = cands.xyz @ slots.xyz.T
    return (dots >= cands.min_dot[:, None]) | ~cands.limited[:, None] | ~slots.located[None, :]


def _grid(n_cands: int, n_slots: int) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.indices((n_cands, n_slots))
    return rows.ravel(), cols.ravel()


def rule_masks(cands: CandidateRules, slots: SlotRules) -> dict[str, np.ndarray]:
    """Each rule's pass mask over the block, shape ``(len(cands), len(slots))``."""
    rows, cols = _grid(len(cands), len(slots))
    masks = pair_rule_masks(cands.take(rows), slots.take(cols))
    return {name: mask.reshape(len(cands), len(slots)) for name, mask in masks.items()}


def allowed_mask(cands: CandidateRules, slots: SlotRules) -> np.ndarray:
    """Pairs that meet every hard rule, shape ``(len(cands), len(slots))``."""
    return np.logical_and.reduce(list(rule_masks(cands, slots).values()))


def static_mask(cands: CandidateRules, slots: SlotRules) -> np.ndarray:
    """All rules but distance over the block: the part a rule signature decides.

    Broadcasts ``(n, 1)`` candidate columns against ``(1, m)`` slot rows, so no per-pair copy
    of the attributes is made.
    """
    masks = static_pair_masks(_expand(cands, 1), _expand(slots, 0))
    shape = (len(cands), len(slots))
    return np.logical_and.reduce([np.broadcast_to(m, shape) for m in masks.values()])


def _expand(rules, axis: int):
    """``rules`` with every array given a length-1 axis at ``axis`` (for broadcasting)."""
    return type(rules)(**{name: np.expand_dims(v, axis) for name, v in vars(rules).items()})


def distance_applies(cands: CandidateRules, slots: SlotRules) -> np.ndarray:
    """Aligned pairs where the distance rule can be applied (both located, a limit given)."""
    return cands.limited & slots.located


class Groups:
    """Rows of one side grouped by rule signature (all the non-distance rules read).

    Many slots (or candidates) share few distinct signatures, so the non-distance rules are
    evaluated once per query × signature and gathered per pair.
    """

    def __init__(self, rules, key: np.ndarray):
        _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
        self.representatives = rules.take(first)
        self.group = inverse.reshape(-1).astype(np.int32)

    def __len__(self) -> int:
        return len(self.representatives)
