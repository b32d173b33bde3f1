"""Portable SQL pieces for the figures: the same statements run on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import case, func, select

from webapp.extensions import db


def dialect() -> str:
    return db.session.get_bind().dialect.name


def month_of(column):
    """``YYYY-MM`` of a date or timestamp column."""
    if dialect() == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def count_where(condition):
    """How many rows meet ``condition`` (0, not NULL, when none do)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


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

    ``base`` selects two labelled columns, ``g`` (the group) and ``v`` (the value, never NULL);
    ``g`` is left out of the ranking when not ``grouped``. Window functions rank the values inside
    each group and the one or two middle ranks are averaged, so the database finds the median
    without sending the values to Python.
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


def median_map(base, *, total_key: str = "*") -> dict:
    """``{group: (median, people)}`` and the whole set's under ``total_key``, by the portable
    window statements (``base`` as for ``medians``). PostgreSQL's callers use ``percentile_cont``
    instead, in the pass that counts the same rows.
    """
    rows = db.session.execute(medians(base)).all()
    found = {g: (value, n) for g, value, n in rows}
    total = db.session.execute(medians(base, grouped=False)).all()
    if total and total[0][1]:
        found[total_key] = (total[0][0], total[0][1])
    return found


def counts_and_median(base, condition, value, *, total_key: str = "*") -> dict:
    """``{group: (rows, rows meeting condition, median of value over those)}`` and the total.

    ``base`` selects ``g`` (the group) over the rows counted. PostgreSQL answers it all in one
    pass (``ROLLUP``, with the median as a filtered ``percentile_cont``); elsewhere the counts
    are one grouped statement and the medians the portable window statements.
    """
    group = base.selected_columns.g
    if dialect() == "postgresql":
        stmt = base.add_columns(
            func.grouping(group),
            func.count(),
            count_where(condition),
            func.percentile_cont(0.5).within_group(value).filter(condition),
        ).group_by(func.rollup(group))
        return {
            total_key if is_total else g: (n, met, median)
            for g, is_total, n, met, median in db.session.execute(stmt)
            if n
        }
    counted = {
        g: (n, met)
        for g, n, met in db.session.execute(
            base.add_columns(func.count(), count_where(condition)).group_by(group)
        )
    }
    if counted:
        counted[total_key] = tuple(sum(c) for c in zip(*counted.values(), strict=True))
    medians = median_map(base.add_columns(value.label("v")).where(condition), total_key=total_key)
    return {g: (n, met, medians.get(g, (None, 0))[0]) for g, (n, met) in counted.items()}
