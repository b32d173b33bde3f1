"""The full-text search indexes of candidates and slots, in each database's own engine.

PostgreSQL: two generated columns per table, kept current by the database itself —
``search_vector`` (``tsvector`` over the ``norwegian``, ``english`` and ``simple`` configurations,
weighted by field, GIN index) for words and their inflections, and ``search_text`` (the fields in
lower case, GIN ``pg_trgm`` index) for partial words and compounds ("fagarbeider" in
"helsefagarbeider"). SQLite: an FTS5 table with the ``trigram`` tokenizer over the same fields,
kept current by triggers, which answers the same substring questions and ranks with ``bm25``.

These objects are not SQLAlchemy columns or tables (neither dialect can express the other's), so
``create_all`` creates them through the DDL events below, the migration through
:func:`create_statements`, and the model/migration comparison skips them through
:func:`include_name` / :func:`include_object`.

Batch migrations on SQLite copy and rename a table, which drops its triggers: a migration that
batch-alters ``candidate`` or ``slot`` must call ``create_statements("sqlite")`` for it again
(the migration test searches after ``upgrade`` and fails when a trigger is missing). A change to
the indexed fields needs a migration that drops and recreates them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import DDL, event

from webapp.models.candidate import Candidate
from webapp.models.slot import Slot


@dataclass(frozen=True)
class IndexedField:
    name: str
    # "A" (most important) … "D"; bm25 weight on SQLite follows the same order.
    weight: str
    # Prose is stemmed in Norwegian and English; codes and names are indexed as they are.
    prose: bool
    json: bool = False


@dataclass(frozen=True)
class SearchIndex:
    table: str
    fields: tuple[IndexedField, ...]

    @property
    def fts_table(self) -> str:
        return f"{self.table}_fts"

    @property
    def bm25_weights(self) -> tuple[float, ...]:
        return tuple(BM25_WEIGHTS[f.weight] for f in self.fields)


BM25_WEIGHTS = {"A": 10.0, "B": 4.0, "C": 2.0, "D": 1.0}
SEARCH_VECTOR = "search_vector"
SEARCH_TEXT = "search_text"

CANDIDATE_INDEX = SearchIndex(
    "candidate",
    (
        IndexedField("reference_code", "A", prose=False),
        IndexedField("display_name", "A", prose=False),
        IndexedField("goals", "C", prose=True),
        IndexedField("experience", "C", prose=True),
    ),
)
SLOT_INDEX = SearchIndex(
    "slot",
    (
        IndexedField("title", "A", prose=True),
        IndexedField("description", "C", prose=True),
        IndexedField("extra_skills", "B", prose=False, json=True),
    ),
)
INDEXES = (CANDIDATE_INDEX, SLOT_INDEX)


def _pg_text(field: IndexedField) -> str:
    column = f"{field.name}::text" if field.json else field.name
    return f"coalesce({column}, '')"


def _pg_vector(index: SearchIndex) -> str:
    parts = []
    for field in index.fields:
        configs = ("norwegian", "english") if field.prose else ("simple",)
        for config in configs:
            vector = f"to_tsvector('{config}'::regconfig, {_pg_text(field)})"
            parts.append(f"setweight({vector}, '{field.weight}')")
    return " || ".join(parts)


def _pg_statements(index: SearchIndex) -> list[str]:
    table = index.table
    text = " || ' ' || ".join(_pg_text(field) for field in index.fields)
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"ALTER TABLE {table} ADD COLUMN {SEARCH_VECTOR} tsvector "
        f"GENERATED ALWAYS AS ({_pg_vector(index)}) STORED",
        f"ALTER TABLE {table} ADD COLUMN {SEARCH_TEXT} text "
        f"GENERATED ALWAYS AS (lower({text})) STORED",
        f"CREATE INDEX ix_{table}_{SEARCH_VECTOR} ON {table} USING gin ({SEARCH_VECTOR})",
        f"CREATE INDEX ix_{table}_{SEARCH_TEXT} ON {table} USING gin ({SEARCH_TEXT} gin_trgm_ops)",
    ]


def sqlite_trigger_statements(index: SearchIndex) -> list[str]:
    """The triggers that keep the FTS5 table in step with its content table."""
    table, fts = index.table, index.fts_table
    names = ", ".join(f.name for f in index.fields)
    new = ", ".join(f"new.{f.name}" for f in index.fields)
    old = ", ".join(f"old.{f.name}" for f in index.fields)
    # Identifiers from the SearchIndex definitions in code, never from input.
    delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"  # noqa: S608  # nosec B608
    insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"  # noqa: S608  # nosec B608
    return [
        f"DROP TRIGGER IF EXISTS {fts}_insert",
        f"DROP TRIGGER IF EXISTS {fts}_delete",
        f"DROP TRIGGER IF EXISTS {fts}_update",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {names} ON {table} "
        f"BEGIN {delete} {insert} END",
    ]


def _sqlite_statements(index: SearchIndex) -> list[str]:
    fts = index.fts_table
    names = ", ".join(f.name for f in index.fields)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({names}, "
        f"content='{index.table}', content_rowid='id', tokenize='trigram')",
        *sqlite_trigger_statements(index),
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # noqa: S608  # nosec B608
    ]


def create_statements(dialect: str, index: SearchIndex | None = None) -> list[str]:
    """DDL that creates the search index of one table (or of both) on ``dialect``."""
    statements = []
    for each in (index,) if index else INDEXES:
        if dialect == "postgresql":
            statements += _pg_statements(each)
        elif dialect == "sqlite":
            statements += _sqlite_statements(each)
    return statements


def drop_statements(dialect: str, index: SearchIndex | None = None) -> list[str]:
    statements = []
    for each in (index,) if index else INDEXES:
        if dialect == "postgresql":
            statements += [
                f"ALTER TABLE {each.table} DROP COLUMN IF EXISTS {SEARCH_VECTOR}",
                f"ALTER TABLE {each.table} DROP COLUMN IF EXISTS {SEARCH_TEXT}",
            ]
        elif dialect == "sqlite":
            statements += [
                f"DROP TRIGGER IF EXISTS {each.fts_table}_{name}"
                for name in ("insert", "delete", "update")
            ] + [f"DROP TABLE IF EXISTS {each.fts_table}"]
    return statements


# --- the model/migration comparison leaves these objects alone ------------------------------

_FTS_TABLES = {index.fts_table for index in INDEXES}
_COLUMNS = {SEARCH_VECTOR, SEARCH_TEXT}
_INDEX_NAMES = {f"ix_{index.table}_{column}" for index in INDEXES for column in _COLUMNS}


def is_search_table(name: str | None) -> bool:
    """The FTS5 tables and their shadow tables (``slot_fts_data``, ``slot_fts_idx``, …)."""
    return bool(name) and any(name == t or name.startswith(f"{t}_") for t in _FTS_TABLES)


def include_name(name, type_, parent_names) -> bool:
    if type_ == "table":
        return not is_search_table(name)
    if type_ == "column":
        return name not in _COLUMNS
    if type_ == "index":
        return name not in _INDEX_NAMES
    return True


def include_object(object_, name, type_, reflected, compare_to) -> bool:
    return include_name(name, type_, None)


# --- create_all / drop_all (tests, and the embedded demo) ------------------------------------


def _attach(table, index: SearchIndex) -> None:
    for dialect in ("postgresql", "sqlite"):
        for statement in create_statements(dialect, index):
            event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))
        for statement in drop_statements(dialect, index):
            if dialect == "sqlite":
                event.listen(table, "before_drop", DDL(statement).execute_if(dialect=dialect))


_attach(Candidate.__table__, CANDIDATE_INDEX)
_attach(Slot.__table__, SLOT_INDEX)
