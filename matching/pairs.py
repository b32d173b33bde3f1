"""Scoring chosen pairs: learned blends, features for learning, every allowed pair of a round.

A mixin of :class:`matching.engine.Matcher` (kept apart so the engine module stays about
ranking). It uses the engine's encoders (``_encode``, ``_vocabularies``, ``_pair_values``).
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from . import outcomes
from .rules import allowed_mask
from .scoring import FACTORS, distance_km, weight_vector
from .types import Candidate, Slot


class PairScoring:
    """Methods of ``Matcher`` for learned scores and pair-level scoring."""

    def set_learned(self, scorer):
        """Use a ``outcomes.LearnedScorer`` (or ``None`` for the hand weights) from now on."""
        check_is_fitted(self)
        self.learned_ = scorer if scorer is not None and scorer.active else None
        return self

    def _contributions(self, cands, slots, c_pos, s_pos, values) -> np.ndarray:
        """Each factor's contribution, scaled so they sum to the blended score when learned."""
        contributions = values * weight_vector(self.weights_)
        scorer = getattr(self, "learned_", None)
        if scorer is None or not len(values):
            return contributions
        hand = contributions.sum(axis=1)
        extras = self._pair_extras(cands, slots, c_pos, s_pos)
        blended = scorer.blend(hand, np.column_stack([values, extras]))
        scale = np.divide(blended, hand, out=np.ones_like(hand), where=hand > 0)
        return contributions * scale[:, None]

    @staticmethod
    def _pair_extras(cands, slots, c_pos, s_pos) -> np.ndarray:
        c_pos, s_pos = np.asarray(c_pos, dtype=np.int64), np.asarray(s_pos, dtype=np.int64)
        return outcomes.pair_features(
            slots.rules.kind_bit[s_pos],
            cands.rules.level[c_pos].astype(int) - slots.rules.level[s_pos].astype(int),
            distance_km(cands.features.latlon[c_pos], slots.features.latlon[s_pos]),
            np.bitwise_count(cands.rules.needs[c_pos]).sum(axis=1),
        )

    def pair_factors(self, candidates, slots) -> tuple[np.ndarray, np.ndarray]:
        """Factor values and plain pair features of aligned pairs ``(candidates[i], slots[i])``.

        Any profiles (fitted or not). Returns ``(values, extras)``: ``values`` has one column per
        ``scoring.FACTORS``, ``extras`` the columns of ``outcomes.pair_features``. This is what
        the learned models (``matching.outcomes``) train and predict on.
        """
        check_is_fitted(self)
        candidates = _profiles(candidates, Candidate)
        slots = _profiles(slots, Slot)
        if len(candidates) != len(slots):
            raise ValueError("pair_factors needs as many candidates as slots (aligned pairs)")
        if not candidates:
            empty = np.zeros((0, len(FACTORS)))
            return empty, self._pair_extras_empty()
        values, extras = np.zeros((len(candidates), len(FACTORS))), None
        # Pairs of two fitted profiles (the common case when learning from history) use the
        # fitted encodings; only the others are encoded, each distinct object once.
        c_fit = self._fitted_positions(candidates, Candidate)
        s_fit = self._fitted_positions(slots, Slot)
        fitted = (c_fit >= 0) & (s_fit >= 0)
        if fitted.any():
            c_pos, s_pos = c_fit[fitted], s_fit[fitted]
            values[fitted] = self._pair_values(self.candidates_, self.slots_, c_pos, s_pos)
            part = self._pair_extras(self.candidates_, self.slots_, c_pos, s_pos)
            extras = _fill(extras, fitted, part, len(candidates))
        rest = np.flatnonzero(~fitted)
        if len(rest):
            cands, c_pos = _distinct([candidates[i] for i in rest])
            others, s_pos = _distinct([slots[i] for i in rest])
            vocabularies = self._vocabularies(*cands, *others)
            cands = self._encode(cands, Candidate, vocabularies)
            others = self._encode(others, Slot, vocabularies)
            values[rest] = self._pair_values(cands, others, c_pos, s_pos)
            part = self._pair_extras(cands, others, c_pos, s_pos)
            extras = _fill(extras, rest, part, len(candidates))
        return values, extras

    def _fitted_positions(self, profiles, kind) -> np.ndarray:
        """Each profile's row in the fitted index, or -1 when it is not the fitted profile."""
        fitted = self.candidates_ if kind is Candidate else self.slots_
        lookup = self.candidate_position_ if kind is Candidate else self.slot_position_
        out = np.full(len(profiles), -1, dtype=np.int64)
        for i, profile in enumerate(profiles):
            pos = lookup.get(profile.id)
            known = None if pos is None else fitted.objects[pos]
            if known is not None and (known is profile or known == profile):
                out[i] = pos
        return out

    @staticmethod
    def _pair_extras_empty() -> np.ndarray:
        return outcomes.pair_features([], [], [], [])

    def allowed_pairs(self, candidates, slots) -> dict:
        """Every pair of ``candidates`` × ``slots`` that meets the hard rules, scored.

        For allocation rounds over a team's candidates and a chosen set of slots (hundreds to
        a few thousand on each side), evaluated in blocks of candidates. Returns arrays
        ``candidate``, ``slot`` (positions in the given lists), ``score`` (what a caseworker
        sees) and ``expected_good`` (what allocation maximises; see ``matching.outcomes``).
        """
        check_is_fitted(self)
        candidates = _profiles(candidates, Candidate)
        slots = _profiles(slots, Slot)
        empty = np.zeros(0, dtype=np.int64)
        out = {"candidate": [empty], "slot": [empty], "score": [], "expected_good": []}
        if candidates and slots:
            vocabularies = self._vocabularies(*candidates, *slots)
            cands = self._encode(candidates, Candidate, vocabularies)
            encoded = self._encode(slots, Slot, vocabularies)
            step = max(1, self.block_size * 16 // max(len(slots), 1))
            for start in range(0, len(candidates), step):
                block = np.arange(start, min(start + step, len(candidates)))
                allowed = allowed_mask(cands.rules.take(block), encoded.rules)
                rows, cols = np.nonzero(allowed)
                c_pos, s_pos = block[rows], cols
                score, good = self._scores(cands, encoded, c_pos, s_pos)
                out["candidate"].append(c_pos)
                out["slot"].append(s_pos)
                out["score"].append(score)
                out["expected_good"].append(good)
        return {
            "candidate": np.concatenate(out["candidate"]).astype(np.int64),
            "slot": np.concatenate(out["slot"]).astype(np.int64),
            "score": np.concatenate([np.zeros(0), *out["score"]]),
            "expected_good": np.concatenate([np.zeros(0), *out["expected_good"]]),
        }

    def candidate_graph(self, candidates, n_top=100) -> dict:
        """Each candidate's ``n_top`` fitted slots by text within the hard rules, scored.

        The sparse graph an allocation round over the whole market works on (memory bounded by
        ``block_size × n_top`` pairs at a time, never candidates × slots). Returns the same
        arrays as :meth:`allowed_pairs`; ``slot`` holds positions in the fitted slots.
        """
        check_is_fitted(self)
        candidates = _profiles(candidates, Candidate)
        queries = self._query_profiles(candidates, Candidate)
        parts = {"candidate": [], "slot": [], "score": [], "expected_good": []}
        for start in range(0, len(queries), self.block_size):
            block = slice(start, min(start + self.block_size, len(queries)))
            positions, _text = self._retrieve(queries, self.slots_, block, n_top, True)
            rows, cols = np.nonzero(positions >= 0)
            c_pos, s_pos = rows + start, positions[rows, cols].astype(np.int64)
            score, good = self._scores(queries, self.slots_, c_pos, s_pos)
            for name, value in zip(parts, (c_pos, s_pos, score, good), strict=True):
                parts[name].append(value)
        return {
            name: np.concatenate(values) if values else np.zeros(0)
            for name, values in parts.items()
        }

    def _scores(self, cands, slots, c_pos, s_pos):
        """``(score, expected_good)`` of aligned pairs given as positions."""
        values = self._pair_values(cands, slots, c_pos, s_pos)
        hand = values @ weight_vector(self.weights_)
        scorer = getattr(self, "learned_", None)
        if scorer is None:
            return hand, hand
        x = np.column_stack([values, self._pair_extras(cands, slots, c_pos, s_pos)])
        return scorer.blend(hand, x), scorer.expected_good(hand, x)


def _profiles(profiles, kind) -> list:
    profiles = list(profiles)
    for profile in profiles:
        if not isinstance(profile, kind):
            raise ValueError(f"expected {kind.__name__} objects, got {profile!r:.80}")
    return profiles


def _fill(table, rows, part, n: int) -> np.ndarray:
    """``table[rows] = part``, making an ``n``-row table on first use (width from ``part``)."""
    if table is None:
        table = np.zeros((n, part.shape[1]))
    table[rows] = part
    return table


def _distinct(profiles) -> tuple[list, np.ndarray]:
    """The distinct profile objects (by identity) and each input's position among them."""
    seen: dict[int, int] = {}
    distinct, positions = [], np.empty(len(profiles), dtype=np.int64)
    for i, profile in enumerate(profiles):
        key = id(profile)
        if key not in seen:
            seen[key] = len(distinct)
            distinct.append(profile)
        positions[i] = seen[key]
    return distinct, positions
