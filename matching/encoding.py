"""Encoding profiles: texts, vocabularies, and the rule and score arrays of each side.

A mixin of :class:`matching.engine.Matcher` with the helpers the engine and the live index
(``index.py``) share. Everything here works on one side's :class:`_Profiles` at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from . import occupations as occupation_layer
from .rules import CandidateRules, SlotRules, adaptation_vocabulary
from .scoring import factor_values, side_features
from .text import ProfileText, unusual_text
from .topk import Side
from .types import Candidate, Slot

_WORD = re.compile(r"\w\w+")
#: A profile with fewer words + skills + occupations than this is flagged low-confidence.
MIN_PROFILE_ITEMS = 3


@dataclass
class _Profiles:
    """One side's profiles, encoded once: ids, objects, text vectors, rule and score arrays."""

    ids: list
    objects: list
    #: Full text vectors (the text factor) and their pruned copies (retrieval).
    vectors: sp.csr_matrix
    retrieval: sp.csr_matrix
    rules: object
    features: object
    #: Profiles with too little data for a score to mean much.
    thin: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


class ProfileEncoding:
    """Methods of ``Matcher`` that turn profiles into the arrays ranking and scoring use."""

    @staticmethod
    def _vectors(profiles, exact: bool) -> sp.csr_matrix:
        """The vectors retrieval uses: full ones for an exact search, else the pruned copies."""
        return profiles.vectors if exact else profiles.retrieval

    def _slot_text(self, slot: Slot) -> str:
        occupation = [] if slot.occupation is None else [slot.occupation]
        return " ".join(
            [
                slot.title,
                *self._labels(occupation, self.occupation_labels),
                slot.description,
                *self._labels(sorted(slot.skills), self.skill_labels),
            ]
        )

    def _candidate_text(self, candidate: Candidate) -> str:
        return " ".join(
            [
                candidate.goals,
                *self._labels(sorted(candidate.occupations), self.occupation_labels),
                candidate.experience,
                *self._labels(sorted(candidate.skills), self.skill_labels),
            ]
        )

    def _texts(self, profiles, kind) -> tuple[list[str], sp.csr_matrix | None]:
        """Profile texts, expanded with their occupation concepts' labels, and the concepts."""
        is_slot = kind is Slot
        text = self._slot_text if is_slot else self._candidate_text
        texts = [text(p) for p in profiles]
        index = self.occupation_index_
        if index is None:
            return texts, None
        concepts = occupation_layer.profile_concepts(index, profiles, is_slot)
        expanded = [
            ProfileText(f"{t} {extra}", own=t) if extra else t
            for t, extra in zip(texts, index.expansions(concepts), strict=True)
        ]
        return expanded, concepts

    @staticmethod
    def _labels(codes, labels) -> list[str]:
        if not labels:
            return list(codes)
        return [labels.get(code, code) for code in codes]

    def _encode(self, profiles, kind, vocabularies=None, vectors=None, concepts=None) -> _Profiles:
        """Encode profiles with the fitted vocabularies (labels first seen here get new columns)."""
        vocabularies = vocabularies or self._vocabularies()
        is_slot = kind is Slot
        if vectors is None:
            texts, concepts = self._texts(profiles, kind)
            vectors = self.text_model_.transform(texts)
        unknown = [self._unknown_codes(p) for p in profiles]
        thin = np.array(
            [_is_thin(p) or bool(u) for p, u in zip(profiles, unknown, strict=True)], dtype=bool
        )
        # An unknown code says nothing: it is scored as no code at all (neutral).
        scored = [_without_codes(p, u) if u else p for p, u in zip(profiles, unknown, strict=True)]
        if is_slot:
            rules = SlotRules.from_slots(scored, vocabularies["adaptation"])
            attrs = {
                "hours": "hours_per_week",
                "day": "start_date",
                "skills": "skills",
                "occupations": "occupation",
            }
            occupation_sets = [{p.occupation} - {None} for p in scored]
        else:
            rules = CandidateRules.from_candidates(scored, vocabularies["adaptation"])
            attrs = {
                "hours": "hours_per_week",
                "day": "available_from",
                "skills": "skills",
                "occupations": "occupations",
            }
            occupation_sets = [p.occupations for p in scored]
        features = side_features(
            scored,
            **attrs,
            skill_vocab=vocabularies["skill"].extended([p.skills for p in scored]),
            occupation_vocab=vocabularies["occupation"].extended(occupation_sets),
        )
        features.concepts = concepts
        retrieval = self.text_model_.retrieval_vectors(vectors)
        return _Profiles(
            [p.id for p in profiles], list(profiles), vectors, retrieval, rules, features, thin
        )

    def _unknown_codes(self, profile) -> set:
        """Occupation codes outside the caller's taxonomy (``occupation_labels``) and ESCO."""
        labels = self.occupation_labels
        if not labels:
            return set()  # without a taxonomy every code is taken as given
        index = getattr(self, "occupation_index_", None)
        return {
            code
            for code in _occupations(profile)
            if code not in labels and not (index is not None and index.knows_code(code))
        }

    def _vocabularies(self, *profiles) -> dict:
        """Fitted vocabularies, extended with the labels of ``profiles`` (for ``explain``)."""
        if not profiles:
            return {
                "adaptation": self.adaptation_vocab_,
                "skill": self.skill_vocab_,
                "occupation": self.occupation_vocab_,
            }
        adaptations = [
            p.adaptations if isinstance(p, Slot) else p.adaptation_needs for p in profiles
        ]
        return {
            "adaptation": adaptation_vocabulary(set(self.adaptation_vocab_), *adaptations),
            "skill": self.skill_vocab_.extended([p.skills for p in profiles]),
            "occupation": self.occupation_vocab_.extended([_occupations(p) for p in profiles]),
        }

    def _query_profiles(self, profiles, kind) -> _Profiles:
        """Encode queries, reusing fitted encodings when every query is a fitted profile."""
        fitted = self.candidates_ if kind is Candidate else self.slots_
        lookup = self.candidate_position_ if kind is Candidate else self.slot_position_
        positions = [lookup.get(p.id) for p in profiles]
        if all(
            pos is not None and (fitted.objects[pos] is p or fitted.objects[pos] == p)
            for pos, p in zip(positions, profiles, strict=True)
        ):
            positions = np.array(positions, dtype=np.int64)
            if len(positions) == len(fitted) and np.array_equal(positions, np.arange(len(fitted))):
                return fitted  # the whole fitted side, in order: no copy
            return _take(fitted, positions)
        return self._encode(profiles, kind)

    def _pair_values(self, cands, slots, c_pos, s_pos, cosine=None) -> np.ndarray:
        c_pos, s_pos = np.asarray(c_pos, dtype=np.int64), np.asarray(s_pos, dtype=np.int64)
        if cosine is None:
            cosine = _rowwise_dot(cands.vectors[c_pos], slots.vectors[s_pos])
        return factor_values(cands.features.take(c_pos), slots.features.take(s_pos), cosine)


def _check_profiles(profiles, kind, name) -> list:
    if isinstance(profiles, (str, bytes)) or not hasattr(profiles, "__iter__"):
        raise ValueError(f"{name} must be a sequence of {kind.__name__}")
    profiles = list(profiles)
    seen = set()
    for profile in profiles:
        if not isinstance(profile, kind):
            raise ValueError(f"{name} must contain {kind.__name__} objects, got {profile!r:.80}")
        if profile.id in seen:
            raise ValueError(f"{name}: duplicate id {profile.id!r}")
        seen.add(profile.id)
    return profiles


def _occupations(profile) -> set:
    if isinstance(profile, Slot):
        return {profile.occupation} - {None}
    return set(profile.occupations)


def _is_thin(profile) -> bool:
    """Too little to go on: fewer than ``MIN_PROFILE_ITEMS`` words, skills and occupations, or
    text the model cannot judge (mostly another script, or far too long)."""
    if isinstance(profile, Slot):
        text = f"{profile.title} {profile.description}"
        items = len(profile.skills) + (profile.occupation is not None)
    else:
        text = f"{profile.goals} {profile.experience}"
        items = len(profile.skills) + len(profile.occupations)
    # Words with a letter: a goal that is only a number says nothing about an occupation.
    words = [w for w in _WORD.findall(text) if not w.isdigit()]
    return items + len(words) < MIN_PROFILE_ITEMS or unusual_text(text)


def _without_codes(profile, codes):
    """``profile`` without the occupation ``codes`` (for scoring only)."""
    if isinstance(profile, Slot):
        return replace(profile, occupation=None)
    return replace(profile, occupations=profile.occupations - codes)


def _take(profiles: _Profiles, positions) -> _Profiles:
    return _Profiles(
        [profiles.ids[p] for p in positions],
        [profiles.objects[p] for p in positions],
        profiles.vectors[positions],
        profiles.retrieval[positions],
        profiles.rules.take(positions),
        profiles.features.take(positions),
        profiles.thin[positions],
    )


def _distance_side(rules) -> Side:
    if isinstance(rules, CandidateRules):
        return Side(rules.xyz, rules.limited, rules.min_dot)
    return Side(rules.xyz, rules.located, np.full(len(rules), -np.inf))


def _rowwise_dot(a: sp.csr_matrix, b: sp.csr_matrix) -> np.ndarray:
    return np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()
