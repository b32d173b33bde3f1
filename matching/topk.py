"""Top-n retrieval by text within the hard-rule masks, without a dense query × index matrix.

Two backends compute the same thing: for each query row, the ``n_top`` index rows with the
largest positive dot product among those the hard rules allow, best first.

* ``numpy``: per row block, one sparse product ``Q_block @ IT`` (``IT`` is the index matrix
  transposed and stored as CSR, so a single query costs milliseconds), the rule mask evaluated on
  the product's non-zeros only, and a lexsort to keep each row's best.
* ``numba`` (if installed): a fused per-thread accumulator over the same CSR arrays with a
  bounded min-heap, checking the rules only for entries that would enter the heap. This is what
  makes a full 100k × 50k re-match fit in seconds; see ``bench/scale.py``.

Both take the non-distance rules as a ``(n_queries, n_groups)`` table (``rules.Groups``) and
the distance rule as unit vectors plus a minimum dot product per row (see ``rules.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

try:  # numba is optional: the numpy backend gives the same results, more slowly at scale
    import numba
except ImportError:  # pragma: no cover - exercised when numba is absent
    numba = None

BACKENDS = ("auto", "numba", "numpy")
#: Below this many queries the sparse-product backend is as fast and needs no compilation.
NUMBA_MIN_QUERIES = 64
#: Row block of the numpy backend: bounds the size of one sparse product.
NUMPY_BLOCK_ROWS = 256
#: Pairs scored together by the numpy ``pair_dots``.
PAIR_CHUNK = 65536


@dataclass
class Side:
    """Distance data of one side: unit vectors, known-location flags, minimum dot products."""

    xyz: np.ndarray
    located: np.ndarray
    min_dot: np.ndarray


def resolve_backend(backend: str, n_queries: int) -> str:
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    if backend == "numba" and numba is None:
        raise ValueError("backend: 'numba' requested but numba is not installed")
    if backend == "auto":
        return "numba" if numba is not None and n_queries >= NUMBA_MIN_QUERIES else "numpy"
    return backend


def top_n(
    queries, index_t, static, group, q_side: Side, i_side: Side, n_top, backend="auto", q_group=None
):
    """Best ``n_top`` allowed index rows per query row.

    Parameters
    ----------
    queries : csr_matrix, shape (n_queries, n_features)
    index_t : csr_matrix, shape (n_features, n_index)
        The index vectors, transposed, as CSR.
    static : bool ndarray, shape (n_query_groups, n_groups)
        Non-distance rules per query group and index group.
    group : int32 ndarray, shape (n_index,)
    q_side, i_side : Side
    n_top : int
    backend : {"auto", "numba", "numpy"}
    q_group : int32 ndarray, shape (n_queries,), optional
        Row of ``static`` for each query; by default query ``j`` uses row ``j``.

    Returns
    -------
    positions : int32 ndarray, shape (n_queries, n_top)
        Index rows, best first; ``-1`` pads rows with fewer allowed positive matches.
    scores : float32 ndarray, shape (n_queries, n_top)
        Dot products (``0`` where padded).
    """
    n_top = int(min(n_top, index_t.shape[1]))
    n_queries = queries.shape[0]
    positions = np.full((n_queries, n_top), -1, dtype=np.int32)
    scores = np.zeros((n_queries, n_top), dtype=np.float32)
    if n_top == 0 or n_queries == 0:
        return positions, scores
    if q_group is None:
        q_group = np.arange(n_queries, dtype=np.int32)
    q_group = np.asarray(q_group, dtype=np.int32)
    if resolve_backend(backend, n_queries) == "numba":
        _numba_top_n(queries, index_t, static, q_group, group, q_side, i_side, positions, scores)
    else:
        for start in range(0, n_queries, NUMPY_BLOCK_ROWS):
            block = slice(start, start + NUMPY_BLOCK_ROWS)
            _numpy_block(
                queries[block],
                index_t,
                static,
                q_group[block],
                group,
                _take(q_side, block),
                i_side,
                positions[block],
                scores[block],
            )
    return positions, scores


def pair_dots(queries, index, q_rows, i_rows, backend="auto") -> np.ndarray:
    """Dot products ``queries[q_rows[j]] · index[i_rows[j]]`` for pairs grouped by query row.

    Used to score retrieved pairs with the full (unpruned) vectors.
    """
    q_rows = np.asarray(q_rows, dtype=np.int64)
    i_rows = np.asarray(i_rows, dtype=np.int64)
    if len(q_rows) == 0:
        return np.zeros(0)
    if resolve_backend(backend, len(np.unique(q_rows))) == "numba":
        queries = sp.csr_matrix(queries, dtype=np.float32)
        index = sp.csr_matrix(index, dtype=np.float32)
        starts = np.flatnonzero(np.diff(q_rows, prepend=-1)).astype(np.int64)
        out = np.zeros(len(q_rows), dtype=np.float64)
        _pair_dots_kernel(
            queries.indptr.astype(np.int64),
            queries.indices,
            queries.data,
            index.indptr.astype(np.int64),
            index.indices,
            index.data,
            queries.shape[1],
            q_rows,
            i_rows,
            np.append(starts, len(q_rows)),
            out,
        )
        return out
    dots = np.empty(len(q_rows))
    for lo in range(0, len(q_rows), PAIR_CHUNK):
        hi = lo + PAIR_CHUNK
        product = queries[q_rows[lo:hi]].multiply(index[i_rows[lo:hi]])
        dots[lo:hi] = np.asarray(product.sum(axis=1)).ravel()
    return dots


def _take(side: Side, index) -> Side:
    return Side(side.xyz[index], side.located[index], side.min_dot[index])


def _numpy_block(queries, index_t, static, q_group, group, q_side, i_side, positions, scores):
    product = sp.csr_matrix(queries @ index_t)
    rows = np.repeat(np.arange(product.shape[0]), np.diff(product.indptr))
    cols, vals = product.indices, product.data
    keep = vals > 0
    keep[keep] = static[q_group[rows[keep]], group[cols[keep]]]
    rows, cols, vals = rows[keep], cols[keep], vals[keep]
    dots = np.einsum("ij,ij->i", q_side.xyz[rows], i_side.xyz[cols])
    near = dots >= np.maximum(q_side.min_dot[rows], i_side.min_dot[cols])
    keep = near | ~q_side.located[rows] | ~i_side.located[cols]
    rows, cols, vals = rows[keep], cols[keep], vals[keep]
    n_top = positions.shape[1]
    if product.shape[0] == 1 and len(vals) > n_top:
        # One query (a new or edited profile): partition first, sort only the best n_top.
        best = np.argpartition(-vals, n_top - 1)[:n_top]
        rows, cols, vals = rows[best], cols[best], vals[best]
    order = np.lexsort((cols, -vals, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    starts = np.searchsorted(rows, np.arange(product.shape[0]))
    rank = np.arange(len(rows)) - starts[rows]
    top = rank < positions.shape[1]
    positions[rows[top], rank[top]] = cols[top]
    scores[rows[top], rank[top]] = vals[top]


def _numba_top_n(queries, index_t, static, q_group, group, q_side, i_side, positions, scores):
    queries = sp.csr_matrix(queries, dtype=np.float32)
    index_t = sp.csr_matrix(index_t, dtype=np.float32)
    _kernel(
        queries.indptr.astype(np.int64),
        queries.indices,
        queries.data,
        index_t.indptr.astype(np.int64),
        index_t.indices,
        index_t.data,
        index_t.shape[1],
        np.ascontiguousarray(static),
        q_group,
        group,
        q_side.xyz,
        q_side.located,
        q_side.min_dot,
        i_side.xyz,
        i_side.located,
        i_side.min_dot,
        positions,
        scores,
    )


if numba is not None:
    _ROWS_PER_TASK = 64
    #: Scan the whole accumulator when a row's postings reach ratio × the index size.
    _DENSE_SCAN_RATIO = 1000

    @numba.njit(cache=True, inline="always")
    def _worse(vals, idx, a, b):
        # The heap keeps the worst kept entry at its root: lower score, or equal and higher index.
        return vals[a] < vals[b] or (vals[a] == vals[b] and idx[a] > idx[b])

    @numba.njit(cache=True, inline="always")
    def _swap(vals, idx, a, b):
        vals[a], vals[b] = vals[b], vals[a]
        idx[a], idx[b] = idx[b], idx[a]

    @numba.njit(cache=True, inline="always")
    def _sift_down(vals, idx, size, pos):
        while True:
            child = 2 * pos + 1
            if child >= size:
                return
            if child + 1 < size and _worse(vals, idx, child + 1, child):
                child += 1
            if not _worse(vals, idx, child, pos):
                return
            _swap(vals, idx, pos, child)
            pos = child

    @numba.njit(cache=True, inline="always")
    def _sift_up(vals, idx, pos):
        while pos > 0:
            parent = (pos - 1) // 2
            if not _worse(vals, idx, pos, parent):
                return
            _swap(vals, idx, pos, parent)
            pos = parent

    @numba.njit(cache=True, inline="always")
    def _allowed(q, i, static, q_group, group, q_xyz, q_loc, q_min, i_xyz, i_loc, i_min):
        if not static[q_group[q], group[i]]:
            return False
        if not (q_loc[q] and i_loc[i]):
            return True
        dot = q_xyz[q, 0] * i_xyz[i, 0] + q_xyz[q, 1] * i_xyz[i, 1] + q_xyz[q, 2] * i_xyz[i, 2]
        return dot >= max(q_min[q], i_min[i])

    @numba.njit(cache=True, inline="always")
    def _offer(
        q,
        i,
        v,
        size,
        heap_v,
        heap_i,
        static,
        q_group,
        group,
        q_xyz,
        q_loc,
        q_min,
        i_xyz,
        i_loc,
        i_min,
    ):
        """Push ``(v, i)`` if it beats the heap's worst and meets the rules; return the size."""
        n_top = len(heap_v)
        # Full heap: skip what is no better than its worst (ties keep the lower index, as the
        # numpy backend does). Rules are checked only for entries that would get in.
        if size == n_top and (v < heap_v[0] or (v == heap_v[0] and i > heap_i[0])):
            return size
        if not _allowed(q, i, static, q_group, group, q_xyz, q_loc, q_min, i_xyz, i_loc, i_min):
            return size
        if size < n_top:
            heap_v[size] = v
            heap_i[size] = i
            _sift_up(heap_v, heap_i, size)
            return size + 1
        heap_v[0] = v
        heap_i[0] = i
        _sift_down(heap_v, heap_i, size, 0)
        return size

    @numba.njit(cache=True, parallel=True, nogil=True)
    def _kernel(
        q_ptr,
        q_ind,
        q_dat,
        t_ptr,
        t_ind,
        t_dat,
        n_index,
        static,
        q_group,
        group,
        q_xyz,
        q_loc,
        q_min,
        i_xyz,
        i_loc,
        i_min,
        positions,
        scores,
    ):  # pragma: no cover - compiled
        n_queries = len(q_ptr) - 1
        n_top = positions.shape[1]
        n_tasks = (n_queries + _ROWS_PER_TASK - 1) // _ROWS_PER_TASK
        for task in numba.prange(n_tasks):
            acc = np.zeros(n_index, dtype=np.float32)
            touched = np.empty(n_index + 1, dtype=np.int32)
            heap_v = np.empty(n_top, dtype=np.float32)
            heap_i = np.empty(n_top, dtype=np.int32)
            for q in range(task * _ROWS_PER_TASK, min(n_queries, (task + 1) * _ROWS_PER_TASK)):
                work = 0
                for p in range(q_ptr[q], q_ptr[q + 1]):
                    work += t_ptr[q_ind[p] + 1] - t_ptr[q_ind[p]]
                size = 0
                if work >= n_index * _DENSE_SCAN_RATIO:
                    # Most index rows get touched: accumulate without bookkeeping, then scan
                    # the whole accumulator once (a predictable loop beats a branchy one).
                    for p in range(q_ptr[q], q_ptr[q + 1]):
                        w = q_dat[p]
                        t = q_ind[p]
                        for pp in range(t_ptr[t], t_ptr[t + 1]):
                            acc[t_ind[pp]] += w * t_dat[pp]
                    for i in range(n_index):
                        v = acc[i]
                        if v > 0.0:
                            acc[i] = 0.0
                            size = _offer(
                                q,
                                i,
                                v,
                                size,
                                heap_v,
                                heap_i,
                                static,
                                q_group,
                                group,
                                q_xyz,
                                q_loc,
                                q_min,
                                i_xyz,
                                i_loc,
                                i_min,
                            )
                else:
                    n_touched = 0
                    for p in range(q_ptr[q], q_ptr[q + 1]):
                        w = q_dat[p]
                        t = q_ind[p]
                        for pp in range(t_ptr[t], t_ptr[t + 1]):
                            i = t_ind[pp]
                            # Branch-free: always write, advance only on a first touch.
                            touched[n_touched] = i
                            n_touched += acc[i] == 0.0
                            acc[i] += w * t_dat[pp]
                    for j in range(n_touched):
                        i = touched[j]
                        v = acc[i]
                        acc[i] = 0.0
                        if v > 0.0:
                            size = _offer(
                                q,
                                i,
                                v,
                                size,
                                heap_v,
                                heap_i,
                                static,
                                q_group,
                                group,
                                q_xyz,
                                q_loc,
                                q_min,
                                i_xyz,
                                i_loc,
                                i_min,
                            )
                # Heap sort: move the worst to the back until the front holds the best.
                for end in range(size - 1, 0, -1):
                    _swap(heap_v, heap_i, 0, end)
                    _sift_down(heap_v, heap_i, end, 0)
                for r in range(size):
                    positions[q, r] = heap_i[r]
                    scores[q, r] = heap_v[r]

    # fastmath lets LLVM split the dot product over several accumulators (the order of a float
    # sum changes in the last bits only).
    @numba.njit(cache=True, parallel=True, nogil=True, fastmath=True)
    def _pair_dots_kernel(
        q_ptr, q_ind, q_dat, i_ptr, i_ind, i_dat, n_features, q_rows, i_rows, starts, out
    ):  # pragma: no cover - compiled
        """Scatter each query row into a dense scratch once, then gather for its pairs."""
        n_groups = len(starts) - 1
        n_tasks = (n_groups + _ROWS_PER_TASK - 1) // _ROWS_PER_TASK
        for task in numba.prange(n_tasks):
            dense = np.zeros(n_features, dtype=np.float32)
            for g in range(task * _ROWS_PER_TASK, min(n_groups, (task + 1) * _ROWS_PER_TASK)):
                q = q_rows[starts[g]]
                for p in range(q_ptr[q], q_ptr[q + 1]):
                    dense[q_ind[p]] = q_dat[p]
                for j in range(starts[g], starts[g + 1]):
                    i = i_rows[j]
                    total = np.float32(0.0)
                    for p in range(i_ptr[i], i_ptr[i + 1]):
                        total += dense[i_ind[p]] * i_dat[p]
                    out[j] = total
                for p in range(q_ptr[q], q_ptr[q + 1]):
                    dense[q_ind[p]] = 0.0
