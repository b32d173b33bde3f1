"""The Matcher: fit on slots and candidates, rank either side for the other, explain a pair."""

from __future__ import annotations

import numpy as np
import sklearn
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from . import learning, semantic
from . import occupations as occupation_layer
from .encoding import (  # noqa: F401 (_Profiles: pickled artefacts name matching.engine._Profiles)
    ProfileEncoding,
    _check_profiles,
    _distance_side,
    _Profiles,
)
from .explain import Explaining
from .index import LiveIndexMixin
from .pairs import PairScoring
from .persistence import (  # noqa: F401 (re-exported: matching/__init__.py, older importers)
    MODEL_VERSION,
    SIGNED_MAGIC,
    ModelVersionError,
    Persistence,
    TamperedModelError,
)
from .rules import RULES, adaptation_vocabulary, pair_rule_masks
from .scoring import Vocabulary, check_weights, distance_km
from .text import DEFAULT_ANALYZER, MAX_TERMS, TextModel
from .topk import pair_dots, resolve_backend
from .types import Candidate, Slot, Suggestion

#: Retrieved by text per query before re-ranking with the full score. On the synthetic market
#: of bench/scale.py a window of 50, 100, 200 or 400 finds the same share of the exhaustive
#: top-10 (within 2 points); the cost of re-ranking grows linearly with it.
RERANK_SIZE = 100
#: Queries ranked per block: bounds memory to ``block_size × rerank_size`` pairs.
BLOCK_SIZE = 4096
_RULES_WITHOUT_DISTANCE = tuple(rule for rule in RULES if rule != "distance")


class Matcher(LiveIndexMixin, PairScoring, Explaining, ProfileEncoding, Persistence, BaseEstimator):
    """Rank slots for candidates and candidates for slots.

    Parameters
    ----------
    weights : dict of str to float, optional
        Hand-set factor weights (any subset of ``scoring.FACTORS``, scaled to sum 1); defaults to
        ``scoring.HAND_WEIGHTS``.
    analyzer : {"char", "union", "word"}, default "union"
        Text features: character n-grams of the (stemmed) words, Snowball-stemmed word TF-IDF,
        or both side by side. ``bench/quality.py --variants`` compares them on the dev splits.
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
    encoder : None, "minilm" or an encoder object, default None
        The optional semantic encoder (``semantic.py``, the ``[semantic]`` extra): sentence
        embeddings fused with the sparse text score. Pass the previous model's
        ``text_model_.encoder`` to reuse its cached embeddings.
    semantic_weight : float, default ``semantic.SEMANTIC_WEIGHT``
        Share of the embedding cosine in the fused text score, in (0, 1).
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
        encoder=None,
        semantic_weight=semantic.SEMANTIC_WEIGHT,
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
        self.encoder = encoder
        self.semantic_weight = semantic_weight
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
        encoder = semantic.resolve(self.encoder)
        if encoder is not None:
            self.text_model_ = semantic.FusedTextModel(
                self.text_model_, encoder, self.semantic_weight
            )
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

    def suggest_candidates_among(self, slot, candidate_ids, k=10) -> list[Suggestion]:
        """Rank only the fitted candidates with ``candidate_ids`` for ``slot``, best first.

        For one office's caseload: retrieval keeps a slot's best candidates county-wide, of
        which one office has few, so here every allowed pair of the slot and the office's
        candidates that shares some text is scored exactly (as retrieval is when the index is
        small). The rows also carry the words the texts share, as :meth:`explain` gives them.
        """
        check_is_fitted(self)
        k = _check_k(k)
        (slot,) = _check_profiles([slot], Slot, "slot")
        lookup = self.candidate_position_
        positions = np.array(
            sorted({lookup[i] for i in candidate_ids if i in lookup}), dtype=np.int64
        )
        if not len(positions):
            return []
        queries = self._query_profiles([slot], Slot)
        same_slot = np.zeros(len(positions), dtype=np.int64)
        masks = pair_rule_masks(
            self.candidates_.rules.take(positions), queries.rules.take(same_slot)
        )
        cosine = pair_dots(
            queries.vectors, self.candidates_.vectors, same_slot, positions, self.backend
        )
        keep = np.logical_and.reduce(list(masks.values())) & (cosine > 0)
        (rows,) = self._rerank(
            queries, self.candidates_, 0, positions[keep][None, :], None, k, False, terms=True
        )
        return rows

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

    def _rerank(self, queries, index, start, positions, text, k, query_is_candidate, terms=False):
        """Score retrieved pairs with every factor and keep each query's best ``k``; with
        ``terms``, the words each pair's texts share (ms a pair: for pages, not re-matches)."""
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
        extras = [{}] * len(sel)
        if terms:
            extras = [
                {"shared_terms": self._shared_terms(c_objects[c], s_objects[s])}
                for c, s in zip(c_sel, s_sel, strict=True)
            ]
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
                **extras[p],
            )
            for p in range(len(sel))
        ]
        bounds = np.concatenate([[0], np.cumsum(per_row)]).tolist()
        return [suggestions[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


# ---------------------------------------------------------------------- helpers
def _check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}")
    return int(k)
