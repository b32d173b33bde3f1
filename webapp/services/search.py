"""Text search with the database's own engine: one service for PostgreSQL and SQLite.

A query is split into words; a row matches when *every* word is found in it. A word is found
when it occurs in one of the row's indexed fields, as a whole word or as part of one (case does
not matter, LIKE's wildcards are taken literally), or when it names a skill or an occupation the
row has. PostgreSQL also finds inflected forms through its ``norwegian`` and ``english``
configurations ("sveiser" finds "sveising"); SQLite has no Norwegian stemmer.

Skill and occupation names are matched through their codes: the taxonomy tables' names are kept
per process (read again when a table's number of rows changes) and the codes whose name contains
a word go into an ``IN`` on the link table, so no per-row ``EXISTS`` over the taxonomy runs.

A search within a part of the table (a caseworker's own office) passes ``within``, a condition
on the table: every branch then looks only at that part, so its cost follows the office's size,
not the table's.

Matches are ranked by relevance — ``ts_rank`` over the weighted ``tsvector`` on PostgreSQL,
``bm25`` over the FTS5 table on SQLite — with the higher-weighted fields (a slot's title, a
candidate's reference code and name) first. The indexes themselves are in
:mod:`webapp.models.search_index`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    Select,
    String,
    and_,
    cast,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    union_all,
)
from sqlalchemy.sql import TableClause
from sqlalchemy.sql.elements import ColumnElement

from webapp.extensions import db
from webapp.models.search_index import SEARCH_TEXT, SEARCH_VECTOR, SearchIndex

MAX_WORDS = 8
MAX_WORD_CHARS = 60
# The FTS5 trigram tokenizer needs three characters to use its index; shorter words are
# compared with LIKE (still the same answer).
TRIGRAM = 3


def words(q: str | None) -> list[str]:
    """The distinct words of a query (case-insensitively), at most MAX_WORDS of them."""
    seen: dict[str, str] = {}
    for word in (q or "").replace("\x00", " ").split():
        seen.setdefault(word.casefold(), word[:MAX_WORD_CHARS])
    return list(seen.values())[:MAX_WORDS]


def like_pattern(text: str) -> str:
    """A LIKE pattern for ``text`` anywhere, with LIKE's own wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class CodeLink:
    """A taxonomy the searched rows point to, and the ids of the rows having any of some codes."""

    model: type
    ids_having: Callable[[list[str]], Select]


@dataclass(frozen=True)
class Target:
    """What is searched: a table with a search index, its id column and its taxonomy links."""

    index: SearchIndex
    id_column: ColumnElement
    links: tuple[CodeLink, ...] = ()


@dataclass(frozen=True)
class TextMatch:
    """The condition every row must meet, and its relevance (higher is better)."""

    condition: ColumnElement
    relevance: ColumnElement
    joins: tuple = ()


#: Per (database, taxonomy, number of rows): each code with its two names, case-folded. Read
#: and folded on every search, the 3,000 occupations cost 15–20 ms of each text query.
_NAMES: dict[tuple, list[tuple[str, str]]] = {}


def _names(model) -> list[tuple[str, str]]:
    count = db.session.scalar(select(func.count()).select_from(model))
    key = (str(db.engine.url), model.__tablename__, count)
    if key not in _NAMES:
        if len(_NAMES) >= 16:  # old databases' and counts' names
            _NAMES.clear()
        rows = db.session.execute(select(model.code, model.name_nb, model.name_en))
        _NAMES[key] = [(code, f"{nb}\n{en}".casefold()) for code, nb, en in rows]
    return _NAMES[key]


def codes_named(model, query_words: list[str]) -> list[set[str]]:
    """Per word, the codes of ``model`` whose bokmål or English name contains it."""
    names = _names(model)
    return [{code for code, name in names if word.casefold() in name} for word in query_words]


def _dialect() -> str:
    return db.session.get_bind().dialect.name


Within = Callable[[TableClause], ColumnElement]


def match(target: Target, q: str | None, within: Within | None = None) -> TextMatch | None:
    """The text condition and relevance for ``q``, or None when ``q`` has no words; ``within``
    narrows every branch to a part of the table."""
    query_words = words(q)
    if not query_words:
        return None
    per_word_codes = [codes_named(link.model, query_words) for link in target.links]
    engine = _postgresql if _dialect() == "postgresql" else _sqlite
    text_hits, relevance, joins = engine(target, query_words, within)
    scope = target.id_column.table.alias(f"{target.index.table}_scope")

    def narrowed(ids: Select) -> Select:
        if within is None:
            return ids
        return select(scope.c.id).where(within(scope), scope.c.id.in_(ids))

    conditions = []
    for n, hits in enumerate(text_hits):
        # One id list per word from each index (a UNION, not an OR over every row), so each
        # branch uses its own index and the cost follows the matches, not the table.
        branches = list(hits)
        for link, codes in zip(target.links, per_word_codes, strict=True):
            if codes[n]:
                branches.append(narrowed(link.ids_having(sorted(codes[n]))))
        conditions.append(target.id_column.in_(union_all(*branches)))
    return TextMatch(condition=and_(*conditions), relevance=relevance, joins=joins)


def _narrow(hit: TableClause, within: Within | None) -> tuple:
    return () if within is None else (within(hit),)


def apply(stmt, target: Target, q: str | None, within: Within | None = None):
    """``stmt`` narrowed to rows matching ``q``; returns it and the relevance (or None)."""
    found = match(target, q, within)
    if found is None:
        return stmt, None
    for joined, on in found.joins:
        stmt = stmt.outerjoin(joined, on)
    return stmt.where(found.condition), found.relevance


# --- PostgreSQL: tsvector + pg_trgm -----------------------------------------------------------


def _tsquery(word: str):
    queries = [
        func.plainto_tsquery(literal_column(f"'{config}'::regconfig"), word)
        for config in ("norwegian", "english", "simple")
    ]
    combined = queries[0]
    for query in queries[1:]:
        combined = combined.op("||")(query)
    return combined


def _postgresql(target: Target, query_words: list[str], within: Within | None):
    name = target.index.table
    vector = literal_column(f"{name}.{SEARCH_VECTOR}")
    hit = target.id_column.table.alias(f"{name}_hit")
    hit_vector = literal_column(f"{name}_hit.{SEARCH_VECTOR}")
    hit_text = literal_column(f"{name}_hit.{SEARCH_TEXT}", String)
    hits = [
        (
            select(hit.c.id).where(hit_vector.op("@@")(_tsquery(word)), *_narrow(hit, within)),
            select(hit.c.id).where(
                hit_text.like(like_pattern(word.lower()), escape="\\"), *_narrow(hit, within)
            ),
        )
        for word in query_words
    ]
    any_word = _tsquery(query_words[0])
    for word in query_words[1:]:
        any_word = any_word.op("||")(_tsquery(word))
    return hits, func.ts_rank(vector, any_word), ()


# --- SQLite: FTS5 with the trigram tokenizer --------------------------------------------------


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _sqlite(target: Target, query_words: list[str], within: Within | None):
    index = target.index
    fts = table(index.fts_table, column("rowid"))
    fts_name = literal_column(index.fts_table)
    hit = target.id_column.table.alias(f"{index.table}_hit")

    hits = []
    for word in query_words:
        if len(word) >= TRIGRAM:
            found = select(fts.c.rowid).where(fts_name.op("MATCH")(_fts_phrase(word)))
            if within is not None:
                found = select(hit.c.id).where(within(hit), hit.c.id.in_(found))
            hits.append((found,))
        else:
            pattern = like_pattern(word)
            fields = (cast(hit.c[f.name], String).ilike(pattern, escape="\\") for f in index.fields)
            hits.append((select(hit.c.id).where(or_(*fields), *_narrow(hit, within)),))
    long_words = [w for w in query_words if len(w) >= TRIGRAM]
    if not long_words:
        return hits, literal_column("0.0"), ()
    ranked = (
        select(
            fts.c.rowid.label("id"),
            (-func.bm25(fts_name, *index.bm25_weights)).label("relevance"),
        )
        .where(fts_name.op("MATCH")(" OR ".join(_fts_phrase(w) for w in long_words)))
        .subquery(f"{index.fts_table}_ranked")
    )
    relevance = func.coalesce(ranked.c.relevance, 0.0)
    return hits, relevance, ((ranked, ranked.c.id == target.id_column),)
