"""The text model: TF-IDF over words and character n-grams, as one sparse vector per profile.

Norwegian writes compounds as one word ("helsefagarbeider", "kokkefaget"), so whole words
alone miss most matches; character n-grams inside word boundaries catch the shared stems. The
model concatenates an L2-normalised word block and an L2-normalised character block, both with
sublinear tf. Text similarity is the cosine of these full vectors. Retrieval over a whole market
uses a pruned copy that keeps each row's ``max_terms`` heaviest features: pruning drops the
near-ubiquitous n-grams (low idf, low weight) that carry little meaning but dominate the cost of
a sparse product. ``bench/quality.py`` measures these choices.

Character n-grams are computed per distinct word, not per occurrence: a document's n-gram
counts are its word counts times a word × n-gram matrix. That is exactly scikit-learn's
``char_wb`` analyzer applied to the word tokens, at a fraction of the cost, because a
Zipf-distributed vocabulary repeats the same words over and over.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import scipy.sparse as sp
import Stemmer
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

ANALYZERS = ("union", "word", "char")
#: Best on the dev split of the ESCO sets in bench/quality.py (see bench/README.md).
DEFAULT_ANALYZER = "union"
#: Snowball stemmers for the word block: a word's bokmål and English stems are both features,
#: so "sjåføren"/"sjåfører" and "drivers"/"driver" meet without knowing the language.
SNOWBALL_LANGUAGES = ("norwegian", "english")
#: Words of two or more letters or digits (``\w`` covers æ, ø and å).
TOKEN_PATTERN = re.compile(r"\w\w+")
CHAR_NGRAM_RANGE = (3, 5)
#: Share of the squared norm given to the character block in the union (words get the rest).
CHAR_BLOCK_SHARE = 0.8
#: Features kept per row; ``None`` keeps all.
MAX_TERMS = 64
#: Retrieval keeps only features seen in at least this many fitted documents.
MIN_RETRIEVAL_DF = 2
#: How much a feature's document frequency counts in choosing retrieval features. 0 keeps the
#: heaviest (rarest) shared features: sparse products stay cheap. 0.5 favours commoner ones,
#: which finds more of the exhaustive top-10 but makes the products several times denser
#: (measured with bench/scale.py; see bench/README.md).
RETRIEVAL_DF_EXPONENT = 0.0
#: Rows turned into vectors together (bounds the intermediate copies).
VECTOR_CHUNK_ROWS = 16384
#: Stems whose character rows ``char_vectors`` keeps.
CHAR_ROW_CACHE = 50_000
#: Rows pruned together (bounds the padded work array in ``keep_top_terms``).
PRUNE_CHUNK_ROWS = 8192
DTYPE = np.float32


#: Function words of Norwegian (bokmål and nynorsk) and English. In a small market their idf
#: is not low enough to silence them, and their n-grams (" og ", " and") match everything.
_STOP_WORDS_TEXT = """
og i på med for til en et ei som er av å har det den de du jeg vi dere han hun meg deg oss
seg sin sitt sine min mitt mine din ditt dine vår vårt våre hos ved om fra ut inn opp ned
eller men så at ikke kan vil skal må blir bli ble var være vært også bare mer mest noe noen
alle hver hvor når der her etter før over under mellom mot uten ein eit ikkje eg me dei
the a an and or of to in on at for with from by as is are was were be been being it its
this that these those i you he she we they my your our their me him her us them has have
had do does did will would can could should may might not no but so if into about than
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


#: Inflection endings of Norwegian (definite and plural nouns, verb forms, -ing nouns) and
#: English (plural, past, -ing, -er), longest first. Stripping them lets "lastebilen" and
#: "lastebiler", "trucks" and "truck" share a word feature and most character n-grams.
_SUFFIXES_TEXT = "ene ane erne er ere en et a ing ingen inga ingene s es ed ers ly ied ies"
STEM_SUFFIXES = tuple(sorted(_SUFFIXES_TEXT.split(), key=len, reverse=True))
#: A stem keeps at least this many characters (so "kokk" and "bake" stay whole).
MIN_STEM_LENGTH = 4


#: Longest text that still reads as a profile; longer ones are flagged low-confidence.
MAX_PROFILE_TEXT_CHARS = 10_000
#: Letters below this code point are Latin (basic, Latin-1, Extended-A/B: æ, ø, å, é, ş, …).
LATIN_LETTERS_END = 0x250
#: A text whose letters are less than this share Latin is in a script the model cannot read.
MIN_LATIN_SHARE = 0.5


def unusual_text(text: str) -> bool:
    """True for text the model cannot judge: very long, or mostly in a non-Latin script."""
    if len(text) > MAX_PROFILE_TEXT_CHARS:
        return True
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    latin = sum(ord(c) < LATIN_LETTERS_END for c in letters)
    return latin < MIN_LATIN_SHARE * len(letters)


def words(text: str) -> list[str]:
    """Lower-cased word tokens of two or more characters, function words left out."""
    return [w for w in TOKEN_PATTERN.findall(text.lower()) if w not in STOP_WORDS]


def stem(word: str) -> str:
    """Strip one inflection ending, keeping at least ``MIN_STEM_LENGTH`` characters."""
    for suffix in STEM_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM_LENGTH:
            return word[: -len(suffix)]
    return word


def tokenize(text: str) -> list[str]:
    """Lightly stemmed word tokens: the words character n-grams are cut from."""
    return [stem(w) for w in words(text)]


@functools.lru_cache(maxsize=1)
def _stemmers() -> tuple:
    return tuple(Stemmer.Stemmer(language) for language in SNOWBALL_LANGUAGES)


def snowball_stems(word_list) -> list[tuple[str, ...]]:
    """Each word's distinct Snowball stems (bokmål, English): the word block's features."""
    stemmed = [stemmer.stemWords(list(word_list)) for stemmer in _stemmers()]
    return [tuple(dict.fromkeys(forms)) for forms in zip(*stemmed, strict=True)]


class ProfileText(str):
    """A profile's text with what the engine added (occupation labels); ``own`` is the rest."""

    def __new__(cls, text: str, own: str):
        value = super().__new__(cls, text)
        value.own = own
        return value


class TextModel:
    """Fit a vocabulary on profile texts and turn texts into unit-length sparse rows.

    Parameters
    ----------
    analyzer : {"char", "union", "word"}
        Character n-gram TF-IDF (``char_wb`` style, cut from the stemmed words), word TF-IDF,
        or both side by side.
    max_terms : int or None
        Keep at most this many features per row (the heaviest), then renormalise.
    char_share : float
        Weight of the character block's squared norm in the union, in (0, 1).
    char_ngram_range : (int, int)
        Character n-gram lengths.
    """

    def __init__(
        self,
        analyzer=DEFAULT_ANALYZER,
        max_terms=MAX_TERMS,
        char_share=CHAR_BLOCK_SHARE,
        char_ngram_range=CHAR_NGRAM_RANGE,
    ):
        self.analyzer = analyzer
        self.max_terms = max_terms
        self.char_share = char_share
        self.char_ngram_range = char_ngram_range

    def fit(self, texts) -> TextModel:
        """Learn vocabularies and idf from ``texts`` (both sides of the market)."""
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts) -> sp.csr_matrix:
        """Fit on ``texts`` and return their vectors (one pass over the text)."""
        if self.analyzer not in ANALYZERS:
            raise ValueError(f"analyzer must be one of {', '.join(ANALYZERS)}")
        if self.max_terms is not None and (
            isinstance(self.max_terms, bool)
            or not isinstance(self.max_terms, int)
            or self.max_terms < 1
        ):
            raise ValueError(f"max_terms must be a positive int or None, got {self.max_terms!r}")
        if not 0.0 < self.char_share < 1.0:
            raise ValueError(f"char_share must be in (0, 1), got {self.char_share!r}")
        docs = [words(t) for t in texts]
        surface = sorted({w for doc in docs for w in doc})
        if not surface:
            raise ValueError("text: no words to learn from in the profiles")
        self.words_ = {w: i for i, w in enumerate(surface)}
        counts = self._word_counts(docs, len(surface), self.words_)
        light = [stem(w) for w in surface]
        self.char_counter_ = CountVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(self.char_ngram_range),
            lowercase=False,
            dtype=DTYPE,
        ).fit(light)
        self.word_grams_ = sp.csr_matrix(self.char_counter_.transform(light))
        stems = snowball_stems(surface)
        self.vocabulary_ = {x: i for i, x in enumerate(sorted({x for f in stems for x in f}))}
        self.word_stems_ = self._stem_matrix(stems)
        stem_counts = counts @ self.word_stems_
        self.word_tfidf_ = TfidfTransformer(sublinear_tf=True).fit(stem_counts)
        char_counts = counts @ self.word_grams_
        self.char_tfidf_ = TfidfTransformer(sublinear_tf=True).fit(char_counts)
        df = self._document_frequency(stem_counts, char_counts)
        # Columns in order of falling document frequency: the features most rows share sit
        # together at the front, so scoring pairs mostly reads one small, cached stretch.
        self.column_rank_ = np.empty(len(df), dtype=np.int32)
        self.column_rank_[np.argsort(-df, kind="stable")] = np.arange(len(df), dtype=np.int32)
        self.document_frequency_ = np.zeros(len(df), dtype=np.int64)
        self.document_frequency_[self.column_rank_] = df
        return self._vectors(counts, self.word_grams_, self.word_stems_)

    def _stem_matrix(self, stems) -> sp.csr_matrix:
        """Binary words × known Snowball stems (stems outside the vocabulary are dropped)."""
        cols = [
            sorted({self.vocabulary_[x] for x in forms if x in self.vocabulary_}) for forms in stems
        ]
        indptr = np.concatenate([[0], np.cumsum([len(c) for c in cols])]).astype(np.int64)
        indices = np.fromiter((j for c in cols for j in c), dtype=np.int32)
        data = np.ones(len(indices), dtype=DTYPE)
        return sp.csr_matrix((data, indices, indptr), shape=(len(cols), len(self.vocabulary_)))

    def _document_frequency(self, counts, char_counts) -> np.ndarray:
        """Fitted documents per union column."""
        blocks = []
        if self.analyzer in ("union", "word"):
            blocks.append(np.diff(sp.csc_matrix(counts).indptr))
        if self.analyzer in ("union", "char"):
            blocks.append(np.diff(sp.csc_matrix(char_counts).indptr))
        return np.concatenate(blocks)

    def transform(self, texts) -> sp.csr_matrix:
        """Unit-length (or all-zero, for empty text) CSR rows, ``float32``, every feature kept.

        Works on the texts' own words only (their rows of the fitted word matrices, then the
        words not seen at fit): one new profile costs what its words cost, not a copy of the
        whole vocabulary.
        """
        docs = [words(t) for t in texts]
        distinct = {w for doc in docs for w in doc}
        # In the order of the whole vocabulary, new words after it, sorted: every row then sums
        # its words in the same order whatever else is in the batch (same floats either way).
        known = sorted((w for w in distinct if w in self.words_), key=self.words_.__getitem__)
        unseen = sorted(w for w in distinct if w not in self.words_)
        index = {w: i for i, w in enumerate(known + unseen)}
        rows = np.fromiter((self.words_[w] for w in known), dtype=np.int64, count=len(known))
        grams, stems = self.word_grams_[rows], self.word_stems_[rows]
        if unseen:  # new words: their known stems and their n-grams still count
            new_grams = self.char_counter_.transform([stem(w) for w in unseen])
            grams = sp.vstack([grams, new_grams], format="csr")
            stems = sp.vstack([stems, self._stem_matrix(snowball_stems(unseen))], format="csr")
        counts = self._word_counts(docs, len(index), index)
        return self._vectors(counts, grams, stems)

    def _word_counts(self, docs, n_words, index) -> sp.csr_matrix:
        indices = np.fromiter((index[w] for doc in docs for w in doc), dtype=np.int32)
        indptr = np.concatenate([[0], np.cumsum([len(doc) for doc in docs])]).astype(np.int64)
        data = np.ones(len(indices), dtype=DTYPE)
        counts = sp.csr_matrix((data, indices, indptr), shape=(len(docs), n_words))
        counts.sum_duplicates()
        return counts

    def _vectors(self, counts, grams, stems) -> sp.csr_matrix:
        """Union vectors for word ``counts``, a row chunk at a time to bound the copies."""
        return sp.vstack(
            [
                self._chunk_vectors(counts[start : start + VECTOR_CHUNK_ROWS], grams, stems)
                for start in range(0, max(counts.shape[0], 1), VECTOR_CHUNK_ROWS)
            ],
            format="csr",
        )

    def _chunk_vectors(self, counts, grams, stems) -> sp.csr_matrix:
        blocks = []
        if self.analyzer in ("union", "word"):
            blocks.append(_tfidf(counts @ stems, self.word_tfidf_) * self._block_weight("word"))
        if self.analyzer in ("union", "char"):
            blocks.append(_tfidf(counts @ grams, self.char_tfidf_) * self._block_weight("char"))
        matrix = sp.hstack(blocks, format="csr", dtype=DTYPE)
        matrix.indices = self.column_rank_[matrix.indices]
        matrix.has_sorted_indices = False
        matrix.sort_indices()
        return normalise_rows(matrix)

    def retrieval_vectors(self, vectors: sp.csr_matrix) -> sp.csr_matrix:
        """``vectors`` cut to the ``max_terms`` features most useful for retrieval, renormalised.

        Retrieval searches these (cheap sparse products); the text factor uses the full vectors.
        Features shared by two or more fitted documents win the cut before the others: a
        feature of a single document has the highest idf, so it would win on weight, yet it can
        match nothing else in the market. Among them, the cut ranks by weight ×
        ``df ** RETRIEVAL_DF_EXPONENT``.
        """
        if self.max_terms is None:
            return vectors
        vectors = sp.csr_matrix(vectors)
        df = np.maximum(self.document_frequency_[vectors.indices], 1).astype(np.float64)
        # Shared features (df >= 2) first, then by weight × df ** exponent (data is in (0, 1]).
        usefulness = vectors.data * df**RETRIEVAL_DF_EXPONENT + (df >= MIN_RETRIEVAL_DF)
        return normalise_rows(keep_top_terms(vectors, self.max_terms, key=usefulness))

    def _block_weight(self, block: str) -> float:
        if self.analyzer != "union":
            return 1.0
        share = self.char_share if block == "char" else 1.0 - self.char_share
        return float(np.sqrt(share))

    def word_terms(self, text: str) -> dict[str, tuple[str, float]]:
        """Known stems of ``text`` → (a surface word, tf-idf weight), for explanations."""
        surface, tf = {}, {}
        text_words = words(text)
        for word, forms in zip(text_words, snowball_stems(text_words), strict=True):
            for form in forms:
                if form in self.vocabulary_:
                    surface.setdefault(form, word)
                    tf[form] = tf.get(form, 0) + 1
        # TfidfTransformer's sublinear tf × idf with l2 norm, without its per-call validation
        # (explain calls this twice a pair; a ranked list explains 30 pairs).
        weights = {
            form: (1.0 + np.log(count)) * self.word_tfidf_.idf_[self.vocabulary_[form]]
            for form, count in tf.items()
        }
        norm = float(np.sqrt(sum(w * w for w in weights.values()))) or 1.0
        return {form: (surface[form], float(w / norm)) for form, w in weights.items()}

    def char_vectors(self, stems) -> sp.csr_matrix:
        """Unit-length character n-gram rows for single stems (to relate compounds).

        Rows are kept per stem (a ranked list explains one slot's words 30 times over); the
        cache is not pickled and is emptied when it reaches ``CHAR_ROW_CACHE`` stems.
        """
        cache = self.__dict__.setdefault("_char_rows", {})
        missing = list(dict.fromkeys(s for s in stems if s not in cache))
        if missing:
            if len(cache) + len(missing) > CHAR_ROW_CACHE:
                cache.clear()
            counts = sp.csr_matrix(self.char_counter_.transform(missing), dtype=np.float64)
            counts.data = (1.0 + np.log(counts.data)) * self.char_tfidf_.idf_[counts.indices]
            rows = normalise_rows(counts)
            for i, stem_ in enumerate(missing):
                lo, hi = rows.indptr[i], rows.indptr[i + 1]
                cache[stem_] = (rows.indices[lo:hi], rows.data[lo:hi])
        parts = [cache[s] for s in stems]
        indptr = np.concatenate([[0], np.cumsum([len(i) for i, _ in parts])])
        indices = np.concatenate([i for i, _ in parts]) if parts else np.zeros(0, np.int32)
        data = np.concatenate([d for _, d in parts]) if parts else np.zeros(0, DTYPE)
        shape = (len(parts), len(self.char_tfidf_.idf_))
        return sp.csr_matrix((data, indices, indptr), shape=shape)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_char_rows", None)
        return state


def _tfidf(counts, transformer) -> sp.csr_matrix:
    """What the fitted ``TfidfTransformer(sublinear_tf=True)`` returns, without its per-call
    input validation (a third of the cost of encoding one profile)."""
    matrix = sp.csr_matrix(counts, dtype=DTYPE, copy=True)
    np.log(matrix.data, out=matrix.data)
    matrix.data += 1.0
    matrix.data *= transformer.idf_[matrix.indices]
    return normalise_rows(matrix)


def normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Scale each row to unit L2 norm; all-zero rows stay zero."""
    matrix = sp.csr_matrix(matrix, dtype=DTYPE)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / norms).astype(DTYPE)) @ matrix)


def keep_top_terms(matrix: sp.csr_matrix, max_terms: int, key=None) -> sp.csr_matrix:
    """Keep each row's ``max_terms`` entries with the largest ``key`` (default: the values).

    Entries tied with the last one kept stay too; entries with a key of 0 or less are dropped.
    """
    matrix = sp.csr_matrix(matrix)
    counts = np.diff(matrix.indptr)
    key = matrix.data if key is None else np.asarray(key, dtype=np.float64)
    keep = np.ones(matrix.nnz, dtype=bool)
    for start in range(0, matrix.shape[0], PRUNE_CHUNK_ROWS):
        stop = min(start + PRUNE_CHUNK_ROWS, matrix.shape[0])
        lo, hi = matrix.indptr[start], matrix.indptr[stop]
        keep[lo:hi] = _keep_in_chunk(key[lo:hi], counts[start:stop], max_terms)
    keep &= key > 0
    rows = np.repeat(np.arange(matrix.shape[0]), counts)
    kept = np.bincount(rows[keep], minlength=matrix.shape[0])
    indptr = np.concatenate([[0], np.cumsum(kept)]).astype(matrix.indptr.dtype)
    return sp.csr_matrix((matrix.data[keep], matrix.indices[keep], indptr), shape=matrix.shape)


def _keep_in_chunk(data, counts, max_terms) -> np.ndarray:
    """Per-row threshold by partitioning a padded (rows × longest row) array."""
    rows = np.repeat(np.arange(len(counts)), counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    slot = np.arange(len(data)) - starts[rows]
    width = max(int(counts.max(initial=0)), max_terms)
    padded = np.full((len(counts), width), -np.inf)
    padded[rows, slot] = data
    threshold = np.partition(padded, width - max_terms, axis=1)[:, width - max_terms]
    return data >= threshold[rows]
