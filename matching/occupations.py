"""The occupation layer: free text mapped to ESCO occupation concepts, in bokmål and English.

ESCO (the EU's classification of occupations, CC BY 4.0, see ``data/esco/README.md``) gives
each occupation a preferred label and alternative labels in both languages. A profile's short
text (a slot's title, a candidate's goals) is compared with every label by character n-gram
TF-IDF; the closest labels name the concepts, and the cosine is the confidence. The engine then

* expands the profile's text with the concept's preferred labels in both languages, so a
  Norwegian goal ("sykepleier") and an English slot ("nurse") share words, and
* scores a shared concept as an occupation match with its reason ("both are
  *helsefagarbeider*").

Occupation codes are concepts too: an ESCO code (the concept's UUID, as seeded in the occupation
taxonomy) maps to itself, and the Utdanningsdirektoratet trades map through
``data/occupation_codes_esco.csv``.

Label search is two-step so that 150,000 profiles map in seconds: a sparse product over the
rarer n-grams (those in at most ``SHORTLIST_MAX_DF`` labels) shortlists the labels near
each text's best, and the exact cosine over all n-grams ranks the shortlist.
"""

from __future__ import annotations

import csv
import functools
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from .text import STOP_WORDS, keep_top_terms

DATA_DIR = Path(__file__).resolve().parent / "data"
ESCO_DIR = DATA_DIR / "esco"
LANGUAGES = ("nb", "en")
ESCO_PREFIX = "http://data.europa.eu/esco/occupation/"
CODE_MAP_FILE = DATA_DIR / "occupation_codes_esco.csv"
DTYPE = np.float32

#: Label n-grams kept for the shortlist: those in at most this many labels (of ~40,000).
SHORTLIST_MAX_DF = 1000
#: Labels whose rough score reaches this share of the text's best get an exact cosine.
SHORTLIST_RATIO = 0.7
#: Words of a text compared with the labels (labels are short; a long text would only dilute).
MAX_CONCEPT_WORDS = 8
#: Concepts kept per text, and the lowest cosine that counts as a concept at all. 0.75 is the
#: lowest threshold at which no dev set of bench/quality.py (ESCO-derived or hand-written)
#: ranks worse than the engine without the layer; 0.55 gains 0.01–0.02 MRR on the ESCO sets
#: but loses 0.04 on the hand-written bokmål goals ("kjøre trailer" → "sykkelmontør").
MAX_CONCEPTS = 2
MIN_CONFIDENCE = 0.75
#: A concept's cosine may trail the best one by at most this much to be kept beside it.
CONFIDENCE_MARGIN = 0.05
#: A shared concept is named as a reason from this confidence (both sides).
REASON_MIN_CONFIDENCE = 0.8
CHAR_NGRAM_RANGE = (3, 5)
#: Distinct texts mapped together (bounds the shortlist's intermediate arrays).
CHUNK_TEXTS = 2048
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class LabelRow:
    """One ESCO label: concept URI, language, ``preferred`` or ``alternative``, text."""

    uri: str
    language: str
    kind: str
    label: str


def read_labels(directory: Path = ESCO_DIR) -> list[LabelRow]:
    """Every occupation label in the shipped ESCO files, bokmål first."""
    rows = []
    for language in LANGUAGES:
        path = Path(directory) / f"occupation_labels_{language}.tsv"
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row["esco_uri"].startswith(ESCO_PREFIX) and row["label"].strip():
                    rows.append(LabelRow(row["esco_uri"], language, row["kind"], row["label"]))
    return rows


def concept_code(uri: str) -> str:
    """The taxonomy code of an ESCO concept: its UUID (36 characters)."""
    return uri.rsplit("/", 1)[-1]


def read_code_map(path: Path = CODE_MAP_FILE) -> dict[str, str]:
    """Project occupation codes (Utdanningsdirektoratet trades) → ESCO concept URI."""
    if not Path(path).exists():
        return {}
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["esco_uri"] for row in csv.DictReader(handle) if row["esco_uri"]}


#: Words that say what kind of placement, not which occupation ("Lærling i kokkfaget").
_FILLER_TEXT = """
lærling lærlinger lærlingen lærlingplass lærekandidat praksisplass praksis arbeidstrening
språkpraksis utplassering jobb jobbe jobber arbeide stilling ønsker innen innenfor gjerne
apprentice apprenticeship trainee internship placement job work working position wants
"""
FILLER_WORDS = frozenset(_FILLER_TEXT.split()) | STOP_WORDS
#: A trade's name ends in "faget" ("kokkfaget"); the occupation is the rest.
TRADE_SUFFIXES = ("faget", "fag")
MIN_TRADE_STEM = 4


def _occupation_word(word: str) -> str:
    for suffix in TRADE_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_TRADE_STEM:
            return word[: -len(suffix)]
    return word


def normalise(text: str) -> str:
    """Lower-cased words that may name an occupation, at most ``MAX_CONCEPT_WORDS``."""
    found = [_occupation_word(w) for w in _WORD.findall(text.lower()) if w not in FILLER_WORDS]
    return " ".join(found[:MAX_CONCEPT_WORDS])


class OccupationIndex:
    """ESCO labels, searchable by free text; maps texts and codes to concepts.

    Parameters
    ----------
    rows : iterable of LabelRow
        The labels to know (the bench builds an index without its held-out labels).
    code_map : mapping of str to str, optional
        Extra occupation codes → concept URI (the project's own trades).
    name : str, optional
        ``"esco"`` for the shipped index: pickled by name, not by value (see ``__reduce__``).
    """

    def __init__(self, rows, code_map=None, name=None):
        rows = list(rows)
        self.name = name
        #: Whether ``expansions`` adds labels (the bench turns it off to measure the factor).
        self.expand = True
        self.uris = sorted({r.uri for r in rows})
        position = {uri: i for i, uri in enumerate(self.uris)}
        self.preferred = {lang: [""] * len(self.uris) for lang in LANGUAGES}
        for r in rows:
            if r.kind == "preferred" and not self.preferred[r.language][position[r.uri]]:
                self.preferred[r.language][position[r.uri]] = r.label
        for lang in LANGUAGES:  # a concept without a label in one language borrows the other's
            other = self.preferred[LANGUAGES[1 - LANGUAGES.index(lang)]]
            self.preferred[lang] = [
                label or other[i] for i, label in enumerate(self.preferred[lang])
            ]
        texts = {}
        for r in rows:  # one row per distinct (normalised label, concept)
            texts.setdefault((normalise(r.label), position[r.uri]), r)
        keys = [k for k in texts if k[0]]
        self.labels = [texts[k] for k in keys]
        self.label_concept = np.array([k[1] for k in keys], dtype=np.int32)
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=CHAR_NGRAM_RANGE, sublinear_tf=True, dtype=DTYPE
        )
        self.label_vectors = self.vectorizer.fit_transform([k[0] for k in keys]).astype(DTYPE)
        df = np.diff(self.label_vectors.tocsc().indptr)
        rare = sp.diags((df <= SHORTLIST_MAX_DF).astype(DTYPE))
        self.shortlist_vectors_t = sp.csr_matrix((self.label_vectors @ rare).T)
        self.shortlist_vectors_t.eliminate_zeros()
        self.codes = {concept_code(uri): i for i, uri in enumerate(self.uris)}
        self.codes.update({uri: i for i, uri in enumerate(self.uris)})
        for code, uri in (code_map or {}).items():
            if uri in position:
                self.codes[code] = position[uri]

    def __reduce__(self):
        if self.name == "esco":
            return (default_index, ())
        return object.__reduce__(self)

    def __len__(self) -> int:
        return len(self.uris)

    # ------------------------------------------------------------------ text → concepts
    def concepts(self, texts) -> sp.csr_matrix:
        """Concepts of each text: CSR (texts × concepts) of confidences in (0, 1]."""
        normal = [normalise(t) for t in texts]
        distinct = sorted(set(normal))
        where = {t: i for i, t in enumerate(distinct)}
        blocks = [
            self._distinct_concepts(distinct[start : start + CHUNK_TEXTS])
            for start in range(0, max(len(distinct), 1), CHUNK_TEXTS)
        ]
        found = sp.vstack(blocks, format="csr") if len(blocks) > 1 else blocks[0]
        return found[[where[t] for t in normal]] if normal else found[:0]

    def _distinct_concepts(self, texts) -> sp.csr_matrix:
        shape = (len(texts), len(self.uris))
        queries = self.vectorizer.transform(texts).astype(DTYPE)
        if not queries.nnz:
            return sp.csr_matrix(shape, dtype=DTYPE)
        # Rough scores over the rare n-grams; labels near each text's best rough score.
        # The shortlist matrix has no entries for common n-grams: they drop out here.
        rough = sp.csr_matrix(queries @ self.shortlist_vectors_t)
        counts = np.diff(rough.indptr)
        rows = np.repeat(np.arange(shape[0]), counts)
        top = np.zeros(shape[0], dtype=DTYPE)
        filled = counts > 0
        top[filled] = np.maximum.reduceat(rough.data, rough.indptr[:-1][filled])
        near = rough.data >= top[rows] * SHORTLIST_RATIO
        rows, labels = rows[near], rough.indices[near]
        cosine = np.asarray(
            queries[rows].multiply(self.label_vectors[labels]).sum(axis=1), dtype=DTYPE
        ).ravel()
        concepts = self.label_concept[labels]
        # Per (text, concept) the best label's cosine.
        order = np.lexsort((-cosine, concepts, rows))
        rows, concepts, cosine = rows[order], concepts[order], cosine[order]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (concepts[1:] != concepts[:-1])
        rows, concepts, cosine = rows[first], concepts[first], cosine[first]
        best = np.zeros(shape[0], dtype=DTYPE)
        np.maximum.at(best, rows, cosine)
        keep = (cosine >= MIN_CONFIDENCE) & (cosine >= best[rows] - CONFIDENCE_MARGIN)
        found = sp.csr_matrix((cosine[keep], (rows[keep], concepts[keep])), shape=shape)
        return keep_top_terms(found, MAX_CONCEPTS) if found.nnz else found

    def code_concepts(self, code_sets) -> sp.csr_matrix:
        """Concepts named by occupation codes (confidence 1); unknown codes name none."""
        cols = [sorted({self.codes[c] for c in codes if c in self.codes}) for codes in code_sets]
        indptr = np.concatenate([[0], np.cumsum([len(c) for c in cols])]).astype(np.int64)
        indices = np.fromiter((j for c in cols for j in c), dtype=np.int32)
        data = np.ones(len(indices), dtype=DTYPE)
        return sp.csr_matrix((data, indices, indptr), shape=(len(cols), len(self.uris)))

    def knows_code(self, code: str) -> bool:
        return code in self.codes

    def expansions(self, concepts: sp.csr_matrix) -> list[str]:
        """Per row, the preferred labels (bokmål and English) of its concepts, as text."""
        if not self.expand:
            return [""] * concepts.shape[0]
        out = []
        for row in range(concepts.shape[0]):
            cols = concepts.indices[concepts.indptr[row] : concepts.indptr[row + 1]]
            out.append(
                " ".join(f"{self.preferred['nb'][j]} {self.preferred['en'][j]}" for j in cols)
            )
        return out

    def label(self, concept: int, language: str = "nb") -> str:
        return self.preferred[language][concept]


@functools.lru_cache(maxsize=1)
def default_index() -> OccupationIndex:
    """The shipped ESCO index (built once per process, ~2 s)."""
    return OccupationIndex(read_labels(), read_code_map(), name="esco")


class LabelSearch:
    """Type-ahead over occupation labels (both languages, synonyms included); no TF-IDF."""

    def __init__(self, rows):
        rows = list(rows)
        preferred = {}
        for r in rows:
            if r.kind == "preferred":
                preferred.setdefault(r.uri, {}).setdefault(r.language, r.label)
        self.preferred = preferred
        seen, self.rows = set(), []
        for r in rows:
            key = (r.uri, r.label.casefold())
            if key not in seen:
                seen.add(key)
                self.rows.append((r.label.casefold(), r))
        self.rows.sort(key=lambda item: (item[1].kind != "preferred", len(item[0]), item[0]))

    def search(self, query: str, limit: int = 10) -> list[dict]:
        """Labels starting with ``query`` first, then containing it; one per concept.

        Each item is ``{"label", "language", "code", "preferred_nb", "preferred_en"}``. A query
        without two letters or digits in a row finds nothing.
        """
        needle = " ".join(query.casefold().split())
        if not _WORD.search(needle) or len(_WORD.search(needle).group()) < 2 or limit < 1:
            return []
        starts = [r for text, r in self.rows if text.startswith(needle)]
        contains = [r for text, r in self.rows if needle in text and not text.startswith(needle)]
        seen, out = set(), []
        for r in starts + contains:
            if r.uri in seen:
                continue
            seen.add(r.uri)
            names = self.preferred.get(r.uri, {})
            out.append(
                {
                    "label": r.label,
                    "language": r.language,
                    "code": concept_code(r.uri),
                    "preferred_nb": names.get("nb") or names.get("en", r.label),
                    "preferred_en": names.get("en") or names.get("nb", r.label),
                }
            )
            if len(out) == limit:
                break
        return out


@functools.lru_cache(maxsize=1)
def label_search() -> LabelSearch:
    """The shipped labels, searchable by prefix (built once per process, well under a second)."""
    return LabelSearch(read_labels())


def resolve(occupations) -> OccupationIndex | None:
    """The ``Matcher(occupations=...)`` parameter as an index: "esco", an index, or None."""
    if occupations is None or isinstance(occupations, OccupationIndex):
        return occupations
    if occupations == "esco":
        return default_index()
    raise ValueError(f"occupations must be 'esco', an OccupationIndex or None, got {occupations!r}")


def stable_bucket(text: str, buckets: int) -> int:
    """A fixed hash bucket for a text (split assignment that survives restarts)."""
    return zlib.crc32(text.encode("utf-8")) % buckets


def short_texts(profiles, is_slot: bool) -> list[str]:
    """The text that names a profile's occupation: a slot's title, a candidate's goals."""
    return [p.title if is_slot else p.goals for p in profiles]


def profile_concepts(index: OccupationIndex, profiles, is_slot: bool) -> sp.csr_matrix:
    """Concepts of profiles: from their short text and from their occupation codes."""
    codes = [{p.occupation} - {None} if is_slot else p.occupations for p in profiles]
    from_text = index.concepts(short_texts(profiles, is_slot))
    from_codes = index.code_concepts(codes)
    return sp.csr_matrix(from_text.maximum(from_codes))


def shared_concepts(index, cand_concepts, slot_concepts) -> list[dict | None]:
    """Per aligned pair, the best concept both sides share (as reason parameters), or None."""
    if cand_concepts is None or slot_concepts is None or cand_concepts.shape[0] == 0:
        return [None] * (0 if cand_concepts is None else cand_concepts.shape[0])
    product = sp.csr_matrix(cand_concepts.multiply(slot_concepts))
    out = []
    for row in range(product.shape[0]):
        lo, hi = product.indptr[row], product.indptr[row + 1]
        if lo == hi:
            out.append(None)
            continue
        best = lo + int(np.argmax(product.data[lo:hi]))
        confidence = float(np.sqrt(product.data[best]))
        if confidence < REASON_MIN_CONFIDENCE:
            out.append(None)
            continue
        concept = int(product.indices[best])
        out.append(
            {
                "code": concept_code(index.uris[concept]),
                "label_nb": index.label(concept, "nb"),
                "label_en": index.label(concept, "en"),
                "confidence": round(confidence, 2),
            }
        )
    return out
