"""Storage of the live index: one side's profiles in growable buffers and two segments.

A fitted :class:`~matching.Matcher` keeps each side (slots, candidates) in a :class:`_SideIndex`
(``index.py`` changes them through ``update`` and ``remove``):

* every per-profile array (rule attributes, scoring features, text vectors, flags) lives in a
  growable buffer with spare capacity, so appending a profile is an amortised O(1) copy of
  that profile's own data, never of the whole side (``_Rows``, ``_CsrRows``);
* retrieval searches two segments, the way search engines do: the **main** segment, whose
  transposed (inverted) text index was built at the last merge, and a small **delta** segment
  of the profiles appended since, searched through its own small inverted index. Their top
  lists are merged by score, then position, which is exactly the order one index over all the
  rows gives;
* a removed profile, or the old version of a replaced one, is a **tombstone**: its rule group
  is ``-1``, whose column (and row) of the rule table is all False, so retrieval never returns
  it;
* when the delta outgrows ``DELTA_SHARE`` of the main segment, or tombstones pass
  ``DEAD_SHARE`` of the side, the side is merged: its live rows are copied into a fresh main
  segment and its inverted index is rebuilt. Merges are rare, so their cost is amortised over
  the updates that caused them.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .encoding import _Profiles
from .scoring import SideFeatures

#: The delta segment is merged into the main one when it holds more rows than this share of
#: the main segment (and more than ``DELTA_MIN_ROWS``).
DELTA_SHARE = 1 / 16
DELTA_MIN_ROWS = 256
#: A side is compacted when tombstones pass this share of its rows (and ``DELTA_MIN_ROWS``).
DEAD_SHARE = 1 / 4
#: Growth factor of the buffers: appends cost amortised O(1) per row.
GROWTH = 2
DEAD = -1


class _Rows:
    """A numpy array that grows along its first axis with spare capacity."""

    def __init__(self, array: np.ndarray):
        self.buffer = np.array(array)
        self.n = len(self.buffer)

    def append(self, rows: np.ndarray) -> None:
        need = self.n + len(rows)
        if need > len(self.buffer):
            grown = np.empty(
                (max(need, GROWTH * len(self.buffer), 16), *self.buffer.shape[1:]),
                dtype=self.buffer.dtype,
            )
            grown[: self.n] = self.buffer[: self.n]
            self.buffer = grown
        self.buffer[self.n : need] = rows
        self.n = need

    def view(self) -> np.ndarray:
        return self.buffer[: self.n]


class _CsrRows:
    """A CSR matrix that grows by rows; :meth:`view` shares the buffers (no copy)."""

    def __init__(self, matrix):
        matrix = sp.csr_matrix(matrix)
        # One index dtype for indices and indptr, so the view is built without a cast.
        self.index_dtype = np.int32 if matrix.nnz < 2**31 - 1 else np.int64
        self.data = _Rows(matrix.data)
        self.indices = _Rows(matrix.indices.astype(self.index_dtype))
        self.indptr = _Rows(matrix.indptr.astype(self.index_dtype))
        self.width = matrix.shape[1]

    def append(self, matrix) -> None:
        matrix = sp.csr_matrix(matrix)
        end = self.indptr.buffer[self.indptr.n - 1]
        if int(end) + matrix.nnz >= 2**31 - 1 and self.index_dtype == np.int32:
            self.index_dtype = np.int64
            self.indices.buffer = self.indices.buffer.astype(np.int64)
            self.indptr.buffer = self.indptr.buffer.astype(np.int64)
        self.data.append(matrix.data.astype(self.data.buffer.dtype, copy=False))
        self.indices.append(matrix.indices.astype(self.index_dtype, copy=False))
        self.indptr.append((matrix.indptr[1:] + end).astype(self.index_dtype, copy=False))
        self.width = max(self.width, matrix.shape[1])

    def view(self) -> sp.csr_matrix:
        return sp.csr_matrix(
            (self.data.view(), self.indices.view(), self.indptr.view()),
            shape=(self.indptr.n - 1, self.width),
            copy=False,
        )


class _Groups:
    """One side's rows grouped by rule signature; grows as new signatures arrive.

    ``group`` is ``-1`` for a tombstone. ``representatives`` holds one rules row per group.
    """

    def __init__(self, rules):
        key = rules.static_key()
        _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
        self.representatives = rules.take(first)
        self.keys = {key[row].tobytes(): g for g, row in enumerate(first)}
        self.rows = _Rows(inverse.reshape(-1).astype(np.int32))

    @property
    def group(self) -> np.ndarray:
        return self.rows.view()

    def __len__(self) -> int:
        return len(self.keys)

    def assign(self, rules) -> tuple[np.ndarray, list[int]]:
        """Group ids for new rows, and the ids of groups created for them."""
        key = rules.static_key()
        ids, created = np.empty(len(key), dtype=np.int32), []
        for row in range(len(key)):
            packed = key[row].tobytes()
            group = self.keys.get(packed)
            if group is None:
                group = self.keys[packed] = len(self.keys)
                created.append(row)
                self.representatives = _concat_rules(self.representatives, rules.take([row]))
            ids[row] = group
        return ids, created


class _SideIndex:
    """One side's profiles: growable buffers, two retrieval segments, tombstones."""

    def __init__(self, profiles, exact: bool):
        self.ids = list(profiles.ids)
        self.objects = list(profiles.objects)
        self.position = {pid: i for i, pid in enumerate(self.ids)}
        self.rules_type = type(profiles.rules)
        self.rules = {name: _Rows(v) for name, v in vars(profiles.rules).items()}
        features = profiles.features
        self.features = {
            "hours": _Rows(features.hours),
            "day": _Rows(features.day),
            "latlon": _Rows(features.latlon),
            "skills": _CsrRows(features.skills),
            "occupations": (
                _CsrRows(features.occupations)
                if sp.issparse(features.occupations)
                else _Rows(features.occupations)
            ),
        }
        if features.concepts is not None:  # the occupation layer's concepts (occupations.py)
            self.features["concepts"] = _CsrRows(features.concepts)
        self.vectors = _CsrRows(profiles.vectors)
        self.retrieval = _CsrRows(profiles.retrieval)
        self.thin = _Rows(profiles.thin)
        self.groups = _Groups(profiles.rules)
        self.exact = exact
        self.main_rows = len(self.ids)
        self.index_t = self._search_vectors().T.tocsr()
        self._delta_t = None
        self.dead = 0

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def live(self) -> int:
        return len(self.ids) - self.dead

    def _search_vectors(self) -> sp.csr_matrix:
        return (self.vectors if self.exact else self.retrieval).view()

    def delta_t(self) -> sp.csr_matrix:
        """The delta segment's inverted index (built once per change of the delta)."""
        if self._delta_t is None:
            self._delta_t = self._search_vectors()[self.main_rows :].T.tocsr()
        return self._delta_t

    def profiles(self):
        """The side as an engine ``_Profiles`` of views on the buffers (no copy)."""
        features = SideFeatures(**{name: buf.view() for name, buf in self.features.items()})
        rules = self.rules_type(**{name: buf.view() for name, buf in self.rules.items()})
        return _Profiles(
            self.ids,
            self.objects,
            self.vectors.view(),
            self.retrieval.view(),
            rules,
            features,
            self.thin.view(),
        )

    def append(self, encoded, groups: np.ndarray) -> None:
        start = len(self.ids)
        self.ids.extend(encoded.ids)
        self.objects.extend(encoded.objects)
        for offset, pid in enumerate(encoded.ids):
            self.position[pid] = start + offset
        for name, value in vars(encoded.rules).items():
            self.rules[name].append(value)
        for name in self.features:
            self.features[name].append(getattr(encoded.features, name))
        self.vectors.append(encoded.vectors)
        self.retrieval.append(encoded.retrieval)
        self.thin.append(encoded.thin)
        self.groups.rows.append(groups)
        self._delta_t = None

    def bury(self, pid) -> None:
        """Turn the row of ``pid`` into a tombstone."""
        row = self.position.pop(pid)
        self.groups.rows.buffer[row] = DEAD
        self.ids[row] = self.objects[row] = None
        self.dead += 1

    def needs_merge(self, exact: bool) -> bool:
        delta = len(self.ids) - self.main_rows
        return (
            exact != self.exact
            or delta > max(DELTA_MIN_ROWS, self.main_rows * DELTA_SHARE)
            or self.dead > max(DELTA_MIN_ROWS, len(self.ids) * DEAD_SHARE)
        )

    def live_rows(self) -> np.ndarray:
        return np.flatnonzero(self.groups.group != DEAD)


def _concat_rules(a, b):
    return type(a)(**{name: np.concatenate([v, getattr(b, name)]) for name, v in vars(a).items()})


def _with_dead(table: np.ndarray, rows: bool = True, cols: bool = True) -> np.ndarray:
    """``table`` with an all-False last row and/or column: where group ``-1`` points."""
    out = np.zeros((table.shape[0] + rows, table.shape[1] + cols), dtype=bool)
    out[: table.shape[0], : table.shape[1]] = table
    return out


def _merge_top(first, second, offset: int, width: int):
    """Merge two segments' top lists (positions, scores) into one, as one index would rank."""
    positions = np.hstack([first[0], np.where(second[0] >= 0, second[0] + offset, -1)])
    scores = np.hstack([first[1], second[1]])
    # Best score first; ties by position (the lower one first, as top_n breaks them); padding last.
    order = np.lexsort((positions, -scores, positions < 0), axis=-1)[:, :width]
    return (
        np.take_along_axis(positions, order, axis=1).astype(np.int32),
        np.take_along_axis(scores, order, axis=1),
    )
