"""The Matcher: fit on slots and candidates, rank either side for the other, explain a pair."""

from __future__ import annotations

import hashlib
import hmac
import io
import pickle
import re
from dataclasses import dataclass, replace

import joblib
import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from . import explain as explaining
from . import learning
from . import occupations as occupation_layer
from .index import LiveIndexMixin
from .pairs import PairScoring
from .rules import (
    RULES,
    CandidateRules,
    SlotRules,
    adaptation_vocabulary,
    distance_applies,
    pair_rule_masks,
)
from .scoring import (
    FACTORS,
    Vocabulary,
    check_weights,
    distance_km,
    factor_values,
    side_features,
)
from .text import DEFAULT_ANALYZER, MAX_TERMS, TextModel, unusual_text
from .topk import Side, pair_dots, resolve_backend
from .types import Candidate, Slot, Suggestion

#: Bump when a change makes saved models or stored scores incomparable (features, factors, rules).
MODEL_VERSION = "1.1.0"
SAVE_FORMAT = "arbeidsbro-matcher"
#: Retrieved by text per query before re-ranking with the full score. On the synthetic market
#: of bench/scale.py a window of 50, 100, 200 or 400 finds the same share of the exhaustive
#: top-10 (within 2 points); the cost of re-ranking grows linearly with it.
RERANK_SIZE = 100
#: Queries ranked per block: bounds memory to ``block_size × rerank_size`` pairs.
BLOCK_SIZE = 4096
_WORD = re.compile(r"\w\w+")
#: A profile with fewer words + skills + occupations than this is flagged low-confidence.
MIN_PROFILE_ITEMS = 3
_RULES_WITHOUT_DISTANCE = tuple(rule for rule in RULES if rule != "distance")


class ModelVersionError(ValueError):
    """A saved model was written by another model or scikit-learn version: refit it."""


class TamperedModelError(ValueError):
    """A signed artefact whose signature does not match: it is refused, never unpickled."""


#: Signed artefacts (:meth:`Matcher.to_bytes`) start with this, then a 32-byte HMAC-SHA256.
SIGNED_MAGIC = b"ARBEIDSBRO-MATCHER-HMAC-SHA256\n"


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


class Matcher(LiveIndexMixin, PairScoring, BaseEstimator):
    """Rank slots for candidates and candidates for slots.

    Parameters
    ----------
    weights : dict of str to float, optional
        Hand-set factor weights (any subset of ``scoring.FACTORS``, scaled to sum 1); defaults to
        ``scoring.HAND_WEIGHTS``.
    analyzer : {"char", "union", "word"}, default "char"
        Text features: character n-grams of the (stemmed) words, word TF-IDF, or both side by
        side. ``bench/quality.py --variants`` compares them; "char" was best on the dev split.
    max_terms : int or None, default 64
        Features kept per retrieval vector (see ``text.py``); the text factor uses all.
    rerank_size : int, default 100
        Pairs per query retrieved by text and re-ranked with the full score. A side with no
        more profiles than this is searched exactly (full vectors, every allowed pair).
    block_size : int, default 4096
        Queries processed together; bounds memory.
    backend : {"auto", "numba", "numpy"}, default "auto"
        Retrieval backend (``topk.py``); ``auto`` uses numba for large batches when installed.
    occupation_labels, skill_labels : mapping of str to str, optional
        Readable text for occupation and skill codes (e.g. nb and en labels joined), added to the
        profile text. Without them the codes themselves are used as words.
    occupations : "esco", OccupationIndex or None, default "esco"
        The occupation layer (``occupations.py``): texts and codes mapped to ESCO concepts,
        which expand the text with their labels in both languages and count as an occupation
        match. ``None`` turns it off.
    learn_weights : bool, default True
        When ``fit`` is given decisions, learn weights from them and keep them if they beat the
        hand weights on held-out decisions.
    random_state : int, default 0
        Seed of the held-out split when learning weights.

    Attributes
    ----------
    weights_ : dict of str to float
        The weights in use.
    weights_source_ : {"hand", "learned"}
    weight_report_ : dict
        How learned and hand weights compared on held-out decisions (empty without decisions).
    model_version_ : str
    sklearn_version_ : str
    """

    def __init__(
        self,
        weights=None,
        analyzer=DEFAULT_ANALYZER,
        max_terms=MAX_TERMS,
        rerank_size=RERANK_SIZE,
        block_size=BLOCK_SIZE,
        backend="auto",
        occupation_labels=None,
        skill_labels=None,
        occupations="esco",
        learn_weights=True,
        random_state=0,
    ):
        self.weights = weights
        self.analyzer = analyzer
        self.max_terms = max_terms
        self.rerank_size = rerank_size
        self.block_size = block_size
        self.backend = backend
        self.occupation_labels = occupation_labels
        self.skill_labels = skill_labels
        self.occupations = occupations
        self.learn_weights = learn_weights
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting
    def fit(self, slots, candidates, decisions=None) -> Matcher:
        """Learn the vocabulary from both sides, encode them, and set the weights.

        Parameters
        ----------
        slots : sequence of Slot
        candidates : sequence of Candidate
        decisions : iterable of (candidate_id, slot_id, bool), optional
            Caseworker and employer decisions (approved or accepted = True). Decisions on a
            candidate or slot not in this fit are skipped and counted in ``weight_report_``.

        Returns
        -------
        self
        """
        slots = _check_profiles(slots, Slot, "slots")
        candidates = _check_profiles(candidates, Candidate, "candidates")
        self._check_params()
        weights = check_weights(self.weights)
        self.text_model_ = TextModel(self.analyzer, self.max_terms)
        self.occupation_index_ = occupation_layer.resolve(self.occupations)
        slot_texts, slot_concepts = self._texts(slots, Slot)
        candidate_texts, candidate_concepts = self._texts(candidates, Candidate)
        vectors = self.text_model_.fit_transform(slot_texts + candidate_texts)
        self.adaptation_vocab_ = adaptation_vocabulary(
            *[s.adaptations for s in slots], *[c.adaptation_needs for c in candidates]
        )
        self.skill_vocab_ = Vocabulary.from_labels(
            [s.skills for s in slots] + [c.skills for c in candidates]
        )
        self.occupation_vocab_ = Vocabulary.from_labels(
            [{s.occupation} - {None} for s in slots] + [c.occupations for c in candidates]
        )
        self.slots_ = self._encode(
            slots, Slot, vectors=vectors[: len(slots)], concepts=slot_concepts
        )
        self.candidates_ = self._encode(
            candidates, Candidate, vectors=vectors[len(slots) :], concepts=candidate_concepts
        )
        self._index_profiles()
        self.weights_, self.weights_source_, self.weight_report_ = weights, "hand", {}
        if decisions is not None and self.learn_weights:
            self._learn_weights(decisions, weights)
        self.learned_ = None
        self.model_version_ = MODEL_VERSION
        self.sklearn_version_ = sklearn.__version__
        return self

    def _check_params(self) -> None:
        for name in ("rerank_size", "block_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        resolve_backend(self.backend, 0)

    @staticmethod
    def _vectors(profiles, exact: bool) -> sp.csr_matrix:
        """The vectors retrieval uses: full ones for an exact search, else the pruned copies."""
        return profiles.vectors if exact else profiles.retrieval

    def _learn_weights(self, decisions, hand_weights) -> None:
        pairs, labels, skipped = learning.decision_pairs(
            decisions, self.candidate_position_, self.slot_position_
        )
        values = self._pair_values(
            self.candidates_, self.slots_, pairs[:, 0], pairs[:, 1], cosine=None
        )
        learned, report = learning.learn_weights(values, labels, hand_weights, self.random_state)
        self.weight_report_ = {**report, "skipped_unknown_pairs": skipped}
        if learned is not None:
            self.weights_, self.weights_source_ = learned, "learned"

    # ------------------------------------------------------------------ encoding
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
            f"{t} {extra}" if extra else t
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

    # ------------------------------------------------------------------ ranking
    def suggest_slots(self, candidates, k=10) -> list[list[Suggestion]]:
        """Rank the fitted slots for each candidate (fitted or new; no refit needed).

        Parameters
        ----------
        candidates : sequence of Candidate
        k : int, default 10
            Most suggestions per candidate.

        Returns
        -------
        list of list of Suggestion
            One list per candidate, best first, at most ``k``, only pairs meeting every hard rule
            and sharing some text. A candidate with nothing in common with any open slot gets an
            empty list.
        """
        check_is_fitted(self)
        k = _check_k(k)
        candidates = _check_profiles(candidates, Candidate, "candidates")
        queries = self._query_profiles(candidates, Candidate)
        return self._rank(queries, self.slots_, k, query_is_candidate=True)

    def suggest_candidates(self, slots, k=10) -> list[list[Suggestion]]:
        """Rank the fitted candidates for each slot (fitted or new; no refit needed).

        Parameters
        ----------
        slots : sequence of Slot
        k : int, default 10

        Returns
        -------
        list of list of Suggestion
            One list per slot, best first, at most ``k``.
        """
        check_is_fitted(self)
        k = _check_k(k)
        slots = _check_profiles(slots, Slot, "slots")
        queries = self._query_profiles(slots, Slot)
        return self._rank(queries, self.candidates_, k, query_is_candidate=False)

    def retrieve(self, profiles, n_top=None):
        """Text retrieval within the hard rules, before re-ranking (for benchmarks and checks).

        Returns
        -------
        positions : int32 ndarray, shape (n_profiles, n_top)
            Rows of the other fitted side, best first, ``-1`` padded.
        similarity : float32 ndarray
            Cosine similarity of the retrieval vectors: the pruned copies, or the full vectors
            when the other side has no more than ``rerank_size`` profiles (then retrieval is
            exact and every allowed pair with any text in common is a candidate).
        """
        check_is_fitted(self)
        is_candidate = bool(profiles) and isinstance(profiles[0], Candidate)
        kind = Candidate if is_candidate else Slot
        profiles = _check_profiles(profiles, kind, "candidates" if is_candidate else "slots")
        queries = self._query_profiles(profiles, kind)
        index = self.slots_ if is_candidate else self.candidates_
        blocks = [
            self._retrieve(
                queries,
                index,
                slice(start, start + self.block_size),
                n_top or self.rerank_size,
                is_candidate,
            )
            for start in range(0, len(queries), self.block_size)
        ]
        if not blocks:
            return np.zeros((0, 0), dtype=np.int32), np.zeros((0, 0), dtype=np.float32)
        return np.vstack([b[0] for b in blocks]), np.vstack([b[1] for b in blocks])

    def _retrieve(self, queries, index, block, n_top, query_is_candidate):
        q_rules = queries.rules.take(block)
        if query_is_candidate:
            exact, fitted = self.slots_exact_, self.candidates_
        else:
            exact, fitted = self.candidates_exact_, self.slots_
        if queries is fitted:
            # A full re-match: rules between fitted groups are tabled (see index.py).
            own = self.candidate_groups_ if query_is_candidate else self.slot_groups_
            static = self.static_table_ if query_is_candidate else self.static_table_.T
            q_group = own.group[block]
        else:
            static, q_group = self._static_rows(q_rules, query_is_candidate), None
        return self._search(
            self._vectors(queries, exact)[block],
            static,
            q_group,
            _distance_side(q_rules),
            n_top,
            query_is_candidate,
        )

    def _rank(self, queries, index, k, query_is_candidate) -> list[list[Suggestion]]:
        return [
            row for rows in self._rank_blocks(queries, index, k, query_is_candidate) for row in rows
        ]

    def _rank_blocks(self, queries, index, k, query_is_candidate):
        """Yield the ranked rows of ``block_size`` queries at a time."""
        n_top = max(k, self.rerank_size)
        for start in range(0, len(queries), self.block_size):
            block = slice(start, min(start + self.block_size, len(queries)))
            positions, text = self._retrieve(queries, index, block, n_top, query_is_candidate)
            yield self._rerank(queries, index, start, positions, text, k, query_is_candidate)

    def iter_suggest_slots(self, candidates, k=10):
        """Like :meth:`suggest_slots`, but yield one candidate's list at a time.

        For a full re-match: memory stays bounded by ``block_size`` candidates' suggestions,
        so the caller can write them to the database as they come.
        """
        check_is_fitted(self)
        k = _check_k(k)
        candidates = _check_profiles(candidates, Candidate, "candidates")
        queries = self._query_profiles(candidates, Candidate)
        for rows in self._rank_blocks(queries, self.slots_, k, query_is_candidate=True):
            yield from rows

    def iter_suggest_candidates(self, slots, k=10):
        """Like :meth:`suggest_candidates`, but yield one slot's list at a time."""
        check_is_fitted(self)
        k = _check_k(k)
        slots = _check_profiles(slots, Slot, "slots")
        queries = self._query_profiles(slots, Slot)
        for rows in self._rank_blocks(queries, self.candidates_, k, query_is_candidate=False):
            yield from rows

    def _rerank(self, queries, index, start, positions, text, k, query_is_candidate):
        """Score retrieved pairs with every factor and keep each query's best ``k``."""
        rows, slots_in_row = np.nonzero(positions >= 0)
        q_pos, i_pos = rows + start, positions[rows, slots_in_row]
        if query_is_candidate:
            cands, slots, c_pos, s_pos = queries, index, q_pos, i_pos
        else:
            cands, slots, c_pos, s_pos = index, queries, i_pos, q_pos
        # Full-vector cosine for the retrieved pairs only (rows are grouped by query).
        cosine = pair_dots(queries.vectors, index.vectors, q_pos, i_pos, self.backend)
        values = self._pair_values(cands, slots, c_pos, s_pos, cosine)
        contributions = self._contributions(cands, slots, c_pos, s_pos, values)
        score = np.full(positions.shape, -np.inf)
        score[rows, slots_in_row] = contributions.sum(axis=1)
        pair_of = np.full(positions.shape, -1, dtype=np.int64)
        pair_of[rows, slots_in_row] = np.arange(len(rows))
        # Stable: equal scores keep the retrieval order (pruned text, then position).
        best = np.argsort(-score, axis=1, kind="stable")[:, :k]
        chosen = np.take_along_axis(pair_of, best, axis=1)
        per_row = (chosen >= 0).sum(axis=1).tolist()
        # Row-major order: each row's chosen pairs, best first. Only these become objects.
        sel = chosen[chosen >= 0]
        c_sel, s_sel = c_pos[sel], s_pos[sel]
        km = distance_km(cands.features.latlon[c_sel], slots.features.latlon[s_sel]).tolist()
        applies = (cands.rules.limited[c_sel] & slots.rules.located[s_sel]).tolist()
        low = (cands.thin[c_sel] | slots.thin[s_sel]).tolist()
        concepts = self._shared_concepts(cands.features, slots.features, c_sel, s_sel)
        values, contributions = values[sel].tolist(), contributions[sel].tolist()
        c_objects, s_objects = cands.objects, slots.objects
        c_sel, s_sel = c_sel.tolist(), s_sel.tolist()
        suggestions = [
            self._suggestion(
                c_objects[c_sel[p]],
                s_objects[s_sel[p]],
                contributions[p],
                values[p],
                km[p],
                low[p],
                concept=concepts[p],
                rules_met=RULES if applies[p] else _RULES_WITHOUT_DISTANCE,
            )
            for p in range(len(sel))
        ]
        bounds = np.concatenate([[0], np.cumsum(per_row)]).tolist()
        return [suggestions[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]

    def _pair_values(self, cands, slots, c_pos, s_pos, cosine=None) -> np.ndarray:
        c_pos, s_pos = np.asarray(c_pos, dtype=np.int64), np.asarray(s_pos, dtype=np.int64)
        if cosine is None:
            cosine = _rowwise_dot(cands.vectors[c_pos], slots.vectors[s_pos])
        return factor_values(cands.features.take(c_pos), slots.features.take(s_pos), cosine)

    def _shared_concepts(self, cand_features, slot_features, c_sel, s_sel) -> list:
        """Reason parameters of the best concept each selected pair shares (or None)."""
        index = getattr(self, "occupation_index_", None)
        if index is None or cand_features.concepts is None or slot_features.concepts is None:
            return [None] * len(c_sel)
        return occupation_layer.shared_concepts(
            self.occupation_index_,
            cand_features.concepts[c_sel],
            slot_features.concepts[s_sel],
        )

    def _suggestion(
        self, candidate, slot, contributions, values, km, low, concept=None, **extra
    ) -> Suggestion:
        """Build one Suggestion from a scored pair (lists of factor contributions and values)."""
        if candidate.skills and slot.skills:
            shared_skills = tuple(sorted(candidate.skills & slot.skills))
        else:
            shared_skills = ()
        score = sum(contributions)
        fields = {
            "candidate_id": candidate.id,
            "slot_id": slot.id,
            "score": 1.0 if score > 1.0 else max(0.0, score),
            "factors": dict(zip(FACTORS, contributions, strict=True)),
            "reasons": explaining.reasons(
                candidate,
                slot,
                values,
                contributions,
                km,
                shared_skills,
                low,
                extra.get("shared_terms", ()),
                concept,
            ),
            "blocked_by": (),
            "rules_met": (),
            "shared_terms": (),
            "shared_skills": shared_skills,
            "low_confidence": low,
            "model_version": self.model_version_,
            **extra,
        }
        return _new_suggestion(fields)

    # ------------------------------------------------------------------ explaining
    def explain(self, candidate, slot) -> Suggestion:
        """Full breakdown for any candidate–slot pair, fitted or not.

        Returns
        -------
        Suggestion
            With ``factors``, ``reasons``, ``rules_met``, ``shared_terms`` and ``shared_skills``.
            For a pair that breaks a hard rule, ``blocked_by`` names the rules, ``score`` is 0 and
            ``factors`` show how the pair would otherwise have scored.
        """
        check_is_fitted(self)
        _check_profiles([candidate], Candidate, "candidate")
        _check_profiles([slot], Slot, "slot")
        vocabularies = self._vocabularies(candidate, slot)
        cands = self._encode([candidate], Candidate, vocabularies)
        slots = self._encode([slot], Slot, vocabularies)
        masks = {
            name: bool(mask[0]) for name, mask in pair_rule_masks(cands.rules, slots.rules).items()
        }
        applies = bool(distance_applies(cands.rules, slots.rules)[0])
        blocked = tuple(name for name in RULES if not masks[name])
        met = tuple(name for name in RULES if masks[name] and (name != "distance" or applies))
        values = self._pair_values(cands, slots, [0], [0])
        contributions = self._contributions(cands, slots, [0], [0], values)[0]
        values = values[0]
        km = float(distance_km(cands.features.latlon[:1], slots.features.latlon[:1])[0])
        # The people's own words only: the taxonomy labels the texts are expanded with carry
        # both languages, and skills and occupations have reasons of their own.
        terms = explaining.shared_terms(
            self.text_model_,
            f"{candidate.goals} {candidate.experience}",
            f"{slot.title} {slot.description}",
        )
        suggestion = self._suggestion(
            candidate,
            slot,
            contributions.tolist(),
            values.tolist(),
            km,
            bool(cands.thin[0] or slots.thin[0]),
            concept=self._shared_concepts(cands.features, slots.features, [0], [0])[0],
            shared_terms=terms,
            rules_met=met,
            blocked_by=blocked,
        )
        if blocked:
            blocked_reasons = explaining.blocked_reasons(candidate, slot, blocked, km)
            suggestion = replace(
                suggestion, score=0.0, reasons=blocked_reasons + suggestion.reasons
            )
        return suggestion

    # ------------------------------------------------------------------ persistence
    def save(self, path, compress=3) -> None:
        """Write the fitted model with joblib, recording model and scikit-learn versions.

        ``path`` may be a filename or a binary file object (e.g. ``io.BytesIO`` for storing the
        artefact in a database).
        """
        check_is_fitted(self)
        header = {
            "format": SAVE_FORMAT,
            "model_version": self.model_version_,
            "sklearn_version": sklearn.__version__,
            "numpy_version": np.__version__,
            # Pickled separately so versions are checked before any estimator is unpickled.
            "payload": pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL),
        }
        joblib.dump(header, path, compress=compress)

    def to_bytes(self, key: bytes) -> bytes:
        """The saved model, signed with HMAC-SHA256 under ``key`` (see :meth:`from_bytes`).

        Store this, not a bare :meth:`save`, wherever others could write: loading checks the
        signature before anything is unpickled.
        """
        buffer = io.BytesIO()
        self.save(buffer)
        blob = buffer.getvalue()
        return SIGNED_MAGIC + hmac.new(_check_key(key), blob, hashlib.sha256).digest() + blob

    @classmethod
    def from_bytes(cls, data: bytes, key: bytes) -> Matcher:
        """Load a model written by :meth:`to_bytes`, refusing it unless the signature matches.

        Raises
        ------
        TamperedModelError
            Not a signed artefact, or signed with another key, or changed after signing.
        ModelVersionError
            Signed, but written by another model or scikit-learn version.
        """
        data = bytes(data or b"")
        head = len(SIGNED_MAGIC)
        if not data.startswith(SIGNED_MAGIC) or len(data) < head + 32:
            raise TamperedModelError("model artefact: not signed (refusing to unpickle it)")
        mac, blob = data[head : head + 32], data[head + 32 :]
        expected = hmac.new(_check_key(key), blob, hashlib.sha256).digest()
        if not hmac.compare_digest(mac, expected):
            raise TamperedModelError(
                "model artefact: signature does not match (changed after signing, or signed "
                "with another key); refusing to unpickle it"
            )
        return cls.load(io.BytesIO(blob))

    @classmethod
    def load(cls, path) -> Matcher:
        """Read a model written by :meth:`save`.

        Raises
        ------
        ModelVersionError
            If it was written by another model version or scikit-learn version: refit instead.
        """
        if isinstance(path, (bytes, bytearray)):
            path = io.BytesIO(path)
        header = joblib.load(path)
        if not isinstance(header, dict) or header.get("format") != SAVE_FORMAT:
            raise ModelVersionError("path: not a matcher saved by Matcher.save")
        saved = (header.get("model_version"), header.get("sklearn_version"))
        current = (MODEL_VERSION, sklearn.__version__)
        if saved != current:
            raise ModelVersionError(
                f"model saved with model version {saved[0]} and scikit-learn {saved[1]}, but this "
                f"is model version {current[0]} with scikit-learn {current[1]}: refit the model "
                "(Matcher().fit(slots, candidates)) and save it again"
            )
        # A file the caller chose to load (tests, benches); artefacts from the database go
        # through from_bytes, which checks the HMAC before unpickling.
        matcher = pickle.loads(header["payload"])  # nosec B301
        if not isinstance(matcher, cls):
            raise ModelVersionError("path: the saved object is not a Matcher")
        return matcher


# ---------------------------------------------------------------------- helpers
def _new_suggestion(fields: dict) -> Suggestion:
    """Suggestion without the frozen dataclass's per-field ``object.__setattr__`` calls.

    A full re-match builds a million of these; every field here comes from the engine itself,
    so the checks a public constructor would make are not needed.
    """
    suggestion = object.__new__(Suggestion)
    suggestion.__dict__.update(fields)
    return suggestion


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


def _check_key(key) -> bytes:
    if not isinstance(key, (bytes, bytearray)) or len(key) < 16:
        raise ValueError("key must be at least 16 bytes")
    return bytes(key)


def _check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}")
    return int(k)


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
