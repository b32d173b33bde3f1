"""The text model: TF-IDF over words and character n-grams, as one sparse vector per profile.

Norwegian writes compounds as one word ("helsefagarbeider", "kokkefaget"), so whole words
alone miss most matches; character n-grams inside word boundaries catch the shared stems. The
model concatenates an L2-normalised word block and an L2-normalised character block (weights
below), both with sublinear tf, then keeps each row's ``max_terms`` heaviest features and
renormalises. Pruning drops the near-ubiquitous n-grams (low idf, low weight) that carry little
meaning but dominate the cost of a sparse product; ``bench/quality.py`` measures the choice.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

ANALYZERS = ("union", "word", "char")
#: Words of two or more letters or digits (``\w`` covers æ, ø and å).
TOKEN_PATTERN = r"(?u)\b\w\w+\b"
WORD_NGRAM_RANGE = (1, 1)
CHAR_NGRAM_RANGE = (3, 5)
#: Share of the squared norm given to the character block in the union (words get the rest).
CHAR_BLOCK_SHARE = 0.5
#: Features kept per row; ``None`` keeps all.
MAX_TERMS = 64
DTYPE = np.float32


class TextModel:
    """Fit a vocabulary on profile texts and turn texts into unit-length sparse rows.

    Parameters
    ----------
    analyzer : {"union", "word", "char"}
        Word TF-IDF, character n-gram TF-IDF (``char_wb``), or both side by side.
    max_terms : int or None
        Keep at most this many features per row (the heaviest), then renormalise.
    char_share : float
        Weight of the character block in the union, in (0, 1).
    """

    def __init__(self, analyzer="union", max_terms=MAX_TERMS, char_share=CHAR_BLOCK_SHARE):
        self.analyzer = analyzer
        self.max_terms = max_terms
        self.char_share = char_share

    def fit(self, texts) -> TextModel:
        """Learn vocabularies and idf from ``texts`` (both sides of the market)."""
        if self.analyzer not in ANALYZERS:
            raise ValueError(f"analyzer must be one of {', '.join(ANALYZERS)}")
        if self.max_terms is not None and self.max_terms < 1:
            raise ValueError("max_terms must be a positive int or None")
        self.word_ = self.char_ = None
        try:
            if self.analyzer in ("union", "word"):
                self.word_ = _word_vectorizer().fit(texts)
            if self.analyzer in ("union", "char"):
                self.char_ = _char_vectorizer().fit(texts)
        except ValueError as error:  # sklearn: "empty vocabulary"
            raise ValueError(f"text: no words to learn from in the profiles ({error})") from None
        return self

    def transform(self, texts) -> sp.csr_matrix:
        """Unit-length (or all-zero, for empty text) CSR rows, ``float32``."""
        blocks = []
        if self.word_ is not None:
            blocks.append(self.word_.transform(texts) * self._block_weight("word"))
        if self.char_ is not None:
            blocks.append(self.char_.transform(texts) * self._block_weight("char"))
        matrix = sp.hstack(blocks, format="csr", dtype=DTYPE)
        if self.max_terms is not None:
            matrix = keep_top_terms(matrix, self.max_terms)
        return normalise_rows(matrix)

    def _block_weight(self, block: str) -> float:
        if self.analyzer != "union":
            return 1.0
        share = self.char_share if block == "char" else 1.0 - self.char_share
        return float(np.sqrt(share))

    def word_terms(self, text: str) -> dict[str, float]:
        """Word features of ``text`` with their tf-idf weights (for explanations)."""
        vectorizer = self.word_ or _word_vectorizer().fit([text or "_"])
        row = vectorizer.transform([text])
        names = vectorizer.get_feature_names_out()
        return {names[j]: float(w) for j, w in zip(row.indices, row.data, strict=True)}

    def char_vector(self, words) -> sp.csr_matrix:
        """Character n-gram rows for single words (to relate compounds in explanations)."""
        vectorizer = self.char_ or _char_vectorizer().fit(list(words) or ["_"])
        return vectorizer.transform(list(words))


def _word_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="word",
        token_pattern=TOKEN_PATTERN,
        ngram_range=WORD_NGRAM_RANGE,
        sublinear_tf=True,
        dtype=DTYPE,
    )


def _char_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=CHAR_NGRAM_RANGE, sublinear_tf=True, dtype=DTYPE
    )


def normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Scale each row to unit L2 norm; all-zero rows stay zero."""
    matrix = sp.csr_matrix(matrix, dtype=DTYPE)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / norms).astype(DTYPE)) @ matrix)


def keep_top_terms(matrix: sp.csr_matrix, max_terms: int) -> sp.csr_matrix:
    """Keep the ``max_terms`` largest entries of each row (ties keep the lower column)."""
    matrix = sp.csr_matrix(matrix)
    counts = np.diff(matrix.indptr)
    if counts.max(initial=0) <= max_terms:
        return matrix
    rows = np.repeat(np.arange(matrix.shape[0]), counts)
    # Sort by row, then by weight descending: one lexsort over all entries.
    order = np.lexsort((matrix.indices, -matrix.data, rows))
    rank = np.arange(len(order)) - np.repeat(matrix.indptr[:-1], counts)
    keep = order[rank < max_terms]
    keep.sort()
    indptr = np.concatenate([[0], np.cumsum(np.minimum(counts, max_terms))])
    return sp.csr_matrix(
        (matrix.data[keep], matrix.indices[keep], indptr.astype(matrix.indptr.dtype)),
        shape=matrix.shape,
    )
