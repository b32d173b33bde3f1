"""Portable SQL pieces for the figures: the same statements run on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from webapp.extensions import db


def dialect() -> str:
    return db.session.get_bind().dialect.name


def month_of(column):
    """``YYYY-MM`` of a date or timestamp column."""
    if dialect() == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def driving(foreign_key):
    """A join column that makes the fact table (suggestions, placements) drive the join.

    Without statistics SQLite's planner walks the small side (slots) and looks up the fact rows
    per slot through the foreign-key index: thousands of index probes. An expression on the
    foreign key (``+ 0``, SQLite's documented trick) keeps that index out of the join, so the fact
    table is scanned once and each slot found by primary key. PostgreSQL hash-joins either way.
    """
    return foreign_key + 0 if dialect() == "sqlite" else foreign_key


def days_between(later, earlier):
    """Days (fractional) from ``earlier`` to ``later``, both timestamps."""
    if dialect() == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def medians(base, *, grouped: bool = True):
    """Per group, the median of ``v`` and the number of rows behind it.

    ``base`` selects two labelled columns, ``g`` (the group) and ``v`` (the value, never NULL), or
    only ``v`` when not ``grouped``. Window functions rank the values inside each group and the one
    or two middle ranks are averaged, so the database finds the median without sending the values
    to Python.
    """
    values = base.subquery()
    partition = {"partition_by": values.c.g} if grouped else {}
    groups = [values.c.g] if grouped else []
    ranked = select(
        *groups,
        values.c.v,
        func.row_number().over(order_by=values.c.v, **partition).label("rn"),
        func.count().over(**partition).label("n"),
    ).subquery()
    head = [ranked.c.g] if grouped else []
    stmt = select(*head, func.avg(ranked.c.v), func.max(ranked.c.n)).where(
        ranked.c.rn >= (ranked.c.n + 1) // 2, ranked.c.rn <= (ranked.c.n + 2) // 2
    )
    return stmt.group_by(ranked.c.g) if grouped else stmt


def median_map(base, *, grouped: bool = True, total_key: str = "*") -> dict:
    """``{group: (median, people)}``; a single ``total_key`` entry when not ``grouped``."""
    rows = db.session.execute(medians(base, grouped=grouped)).all()
    if not grouped:
        return {total_key: (rows[0][0], rows[0][1])} if rows and rows[0][1] else {}
    return {g: (value, n) for g, value, n in rows}
