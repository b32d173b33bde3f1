"""The live index: add, replace and remove profiles after ``fit``, without refitting.

The side's storage (growable buffers, a main and a delta segment, tombstones, merges) is in
``side_index.py``.

A replaced profile moves to the end of its side (its id keeps no position). Positions only break
ties between equal scores, so the results after any sequence of updates and removals equal those
of a matcher encoded from scratch with the live profiles in index order (``slot_ids``,
``candidate_ids``) and the same vocabulary and weights; ``tests/matching/test_matching_live.py``
checks this after 1,000 random operations.
"""

from __future__ import annotations

import logging
from collections import ChainMap
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from .encoding import _WORD, _check_profiles, _distance_side, _occupations, _take
from .rules import static_mask
from .side_index import (  # noqa: F401 (_Rows, _CsrRows, _Groups: pickled artefacts name them here)
    _CsrRows,
    _Groups,
    _merge_top,
    _Rows,
    _SideIndex,
    _with_dead,
)
from .text import tokenize
from .topk import top_n
from .types import Candidate, Slot

log = logging.getLogger("matching.index")


@dataclass(frozen=True)
class IndexChange:
    """What one :meth:`Matcher.update` or :meth:`Matcher.remove` did, by side.

    ``unknown_*`` lists the ids ``remove`` was asked to drop that were not in the index (a
    no-op for each of them).
    """

    added_slots: tuple = ()
    replaced_slots: tuple = ()
    removed_slots: tuple = ()
    unknown_slots: tuple = ()
    added_candidates: tuple = ()
    replaced_candidates: tuple = ()
    removed_candidates: tuple = ()
    unknown_candidates: tuple = ()


class LiveIndexMixin:
    """``update`` / ``remove`` for :class:`~matching.Matcher` (see the module docstring)."""

    # ------------------------------------------------------------------ building
    def _index_profiles(self) -> None:
        """Build both sides' live indexes from ``slots_`` and ``candidates_`` (after fit)."""
        self._sides = {
            "slot": _SideIndex(self.slots_, len(self.slots_) <= self.rerank_size),
            "candidate": _SideIndex(self.candidates_, len(self.candidates_) <= self.rerank_size),
        }
        self._rebuild_static_table()
        self._refresh_views()

    def _rebuild_static_table(self) -> None:
        # Non-distance rules between every candidate signature and every slot signature, with
        # an all-False row and column for tombstones (group -1).
        self.static_table_ = _with_dead(
            static_mask(
                self._sides["candidate"].groups.representatives,
                self._sides["slot"].groups.representatives,
            )
        )

    def _refresh_views(self) -> None:
        """Point the public fitted attributes at the current buffers (views, no copies)."""
        slots, candidates = self._sides["slot"], self._sides["candidate"]
        self.slots_, self.candidates_ = slots.profiles(), candidates.profiles()
        self.slots_exact_, self.candidates_exact_ = slots.exact, candidates.exact
        self.slot_vectors_t_, self.candidate_vectors_t_ = slots.index_t, candidates.index_t
        self.slot_position_, self.candidate_position_ = slots.position, candidates.position
        self.slot_groups_, self.candidate_groups_ = slots.groups, candidates.groups

    @property
    def slot_ids(self) -> list:
        """Ids of the indexed slots, in index order (the order that breaks score ties)."""
        check_is_fitted(self)
        return [pid for pid in self._sides["slot"].ids if pid is not None]

    @property
    def candidate_ids(self) -> list:
        """Ids of the indexed candidates, in index order."""
        check_is_fitted(self)
        return [pid for pid in self._sides["candidate"].ids if pid is not None]

    # ------------------------------------------------------------------ searching
    def _static_rows(self, q_rules, query_is_candidate: bool) -> np.ndarray:
        """Non-distance rules of new queries against the other side's groups (+ tombstones)."""
        if query_is_candidate:
            table = static_mask(q_rules, self._sides["slot"].groups.representatives)
        else:
            table = static_mask(self._sides["candidate"].groups.representatives, q_rules).T
        return _with_dead(table, rows=False)

    def _search(self, query_vectors, static, q_group, q_side, n_top, query_is_candidate):
        """Top ``n_top`` index rows per query over the main and the delta segment."""
        side = self._sides["slot" if query_is_candidate else "candidate"]
        index = self.slots_ if query_is_candidate else self.candidates_
        group = side.groups.group
        i_side = _distance_side(index.rules)
        main = slice(0, side.main_rows)
        found = top_n(
            query_vectors,
            side.index_t,
            static,
            group[main],
            q_side,
            _take_side(i_side, main),
            n_top,
            self.backend,
            q_group,
        )
        if len(side) == side.main_rows:
            return found
        delta = slice(side.main_rows, len(side))
        recent = top_n(
            query_vectors,
            side.delta_t(),
            static,
            group[delta],
            q_side,
            _take_side(i_side, delta),
            n_top,
            self.backend,
            q_group,
        )
        return _merge_top(found, recent, side.main_rows, int(min(n_top, len(side))))

    # ------------------------------------------------------------------ changing
    def update(self, *, slots=(), candidates=()) -> IndexChange:
        """Add new profiles and replace changed ones (same id), without refitting.

        The profiles are encoded with the fitted text vocabulary and weights (transform only);
        skill and occupation codes first seen here get new columns, so two profiles that share
        a new code still match on it. Afterwards ``suggest_slots``, ``suggest_candidates`` and
        ``explain`` give exactly what a matcher holding the same profiles (in ``slot_ids`` /
        ``candidate_ids`` order) with this vocabulary and these weights would give.

        Cost: proportional to the profiles given (encoding them and appending to growable
        buffers); the index itself is not copied. Now and then the side's delta segment is
        merged into its main segment (see ``side_index.py``): amortised, that is a small
        constant per update.

        Parameters
        ----------
        slots : sequence of Slot, keyword-only
        candidates : sequence of Candidate, keyword-only

        Returns
        -------
        IndexChange
            The ids added and replaced, by side.

        Raises
        ------
        ValueError
            Naming the argument and field: not a sequence, an object of the other side (a
            Candidate among ``slots``), a duplicate id in one call, or a profile with no text
            to match on (a blank slot title; a candidate with no goals, experience, skills or
            occupations). Nothing is changed then.
        """
        check_is_fitted(self)
        slots = _check_profiles(slots, Slot, "slots")
        candidates = _check_profiles(candidates, Candidate, "candidates")
        for i, slot in enumerate(slots):
            if not slot.title.strip():
                raise ValueError(f"slots[{i}] (id {slot.id!r}): title is empty")
        for i, candidate in enumerate(candidates):
            if not _WORD.search(self._candidate_text(candidate)):
                raise ValueError(
                    f"candidates[{i}] (id {candidate.id!r}): goals, experience, skills and "
                    "occupations are all empty: nothing to match on"
                )
        # Codes first seen here get new columns for good, so every later encoding agrees.
        self.skill_vocab_ = self.skill_vocab_.extended([p.skills for p in [*slots, *candidates]])
        self.occupation_vocab_ = self.occupation_vocab_.extended(
            [_occupations(p) for p in [*slots, *candidates]]
        )
        changes = {}
        for kind, name, profiles in (
            ("slot", "slots", slots),
            ("candidate", "candidates", candidates),
        ):
            side = self._sides[kind]
            replaced = tuple(p.id for p in profiles if p.id in side.position)
            for pid in replaced:
                side.bury(pid)
            if profiles:
                text = self._slot_text if kind == "slot" else self._candidate_text
                if getattr(self, "occupation_index_", None) is None:
                    encoded = self._encode(
                        profiles,
                        Slot if kind == "slot" else Candidate,
                        vectors=_transform(self.text_model_, [text(p) for p in profiles]),
                    )
                else:  # texts expanded with their occupation concepts, as at fit
                    encoded = self._encode(profiles, Slot if kind == "slot" else Candidate)
                groups, created = side.groups.assign(encoded.rules)
                side.append(encoded, groups)
                if created:
                    self._rebuild_static_table()
            replaced_set = set(replaced)
            changes[f"added_{name}"] = tuple(p.id for p in profiles if p.id not in replaced_set)
            changes[f"replaced_{name}"] = replaced
        self._after_change()
        return IndexChange(**changes)

    def remove(self, *, slot_ids=(), candidate_ids=()) -> IndexChange:
        """Drop profiles by id; they are never suggested again, as if never fitted.

        An id not in the index is a no-op, reported in ``IndexChange.unknown_slots`` /
        ``unknown_candidates`` (and logged). Cost: O(1) per id (a tombstone); the rows are
        reclaimed when the side is next merged.

        Raises
        ------
        ValueError
            If ``slot_ids`` or ``candidate_ids`` is not a collection of ids (e.g. a string).
        """
        check_is_fitted(self)
        wanted = {
            "slot": _check_ids(slot_ids, "slot_ids"),
            "candidate": _check_ids(candidate_ids, "candidate_ids"),
        }
        changes = {}
        for kind, ids in wanted.items():
            side = self._sides[kind]
            known = tuple(pid for pid in ids if pid in side.position)
            unknown = tuple(pid for pid in ids if pid not in side.position)
            for pid in known:
                side.bury(pid)
            if unknown:
                log.info("remove: %s ids not in the index (nothing to do): %r", kind, unknown)
            changes[f"removed_{kind}s"], changes[f"unknown_{kind}s"] = known, unknown
        self._after_change()
        return IndexChange(**changes)

    def _after_change(self) -> None:
        merged = False
        for side_name in ("slot", "candidate"):
            side = self._sides[side_name]
            exact = side.live <= self.rerank_size
            if side.needs_merge(exact):
                self._merge(side_name, exact)
                merged = True
        if merged:
            self._rebuild_static_table()
        self._refresh_views()

    def _merge(self, side_name: str, exact: bool) -> None:
        """Copy a side's live rows into a fresh main segment (drops tombstones and the delta)."""
        side = self._sides[side_name]
        live = side.live_rows()
        log.debug("merging the %s index: %d live of %d rows", side_name, len(live), len(side))
        self._sides[side_name] = _SideIndex(_take(side.profiles(), live), exact)

    def _reindexed(self, slots, candidates):
        """A copy holding exactly these profiles, encoded with this vocabulary and weights.

        The reference the live index is checked against: what a fit on this data would give
        if it learned the same vocabulary and weights.
        """
        clone = type(self).__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.slots_ = clone._encode(list(slots), Slot)
        clone.candidates_ = clone._encode(list(candidates), Candidate)
        clone._index_profiles()
        return clone


def _transform(model, texts) -> sp.csr_matrix:
    """``model.transform(texts)`` without copying the fitted word × n-gram matrix.

    ``TextModel.transform`` stacks the n-grams of words it has not seen under the whole fitted
    word × n-gram matrix, a copy proportional to the vocabulary, for every call. Here that
    matrix is assembled from just the rows the texts use (the others left empty), so one new
    profile costs what its own words cost. The result is the same matrix.
    """
    grams = getattr(model, "word_grams_", None)
    # The text model with a Snowball word block indexes surface words (``words_``) and has
    # its own transform; this shortcut knows only the older, stem-indexed layout.
    if grams is None or not hasattr(model, "char_counter_") or hasattr(model, "words_"):
        return model.transform(texts)
    docs = [tokenize(t) for t in texts]
    vocabulary = model.vocabulary_
    # (``set - dict.keys()`` would walk the whole vocabulary; this walks the texts' words.)
    unseen = sorted({w for doc in docs for w in doc if w not in vocabulary})
    n_known = len(vocabulary)
    n_words = n_known + len(unseen)
    index = ChainMap({w: n_known + i for i, w in enumerate(unseen)}, vocabulary)
    counts = model._word_counts(docs, n_words, index)
    used = np.unique(counts.indices[counts.indices < n_known])
    stacked = sp.vstack([grams[used], model.char_counter_.transform(unseen)], format="csr")
    rows = np.concatenate([used, np.arange(n_known, n_words)])
    lengths = np.zeros(n_words + 1, dtype=np.int64)
    lengths[rows + 1] = np.diff(stacked.indptr)
    sparse_grams = sp.csr_matrix(
        (stacked.data, stacked.indices, np.cumsum(lengths)), shape=(n_words, grams.shape[1])
    )
    return model._vectors(counts, sparse_grams)


def _take_side(side, index):
    return type(side)(side.xyz[index], side.located[index], side.min_dot[index])


def _check_ids(ids, name: str) -> tuple:
    if isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__"):
        raise ValueError(f"{name} must be a collection of ids, got {ids!r:.80}")
    ids = tuple(ids)
    for pid in ids:
        if pid is None or isinstance(pid, bool) or not isinstance(pid, Hashable):
            raise ValueError(f"{name}: not an id: {pid!r:.80}")
    return tuple(dict.fromkeys(ids))
