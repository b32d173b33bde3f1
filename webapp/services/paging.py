"""Pagination for lists over the whole municipality, whose count must not read every match.

Flask-SQLAlchemy's pagination reads the page, then counts every match in a second statement:
a cost that grows with the table on every visit. Two cheaper ways, for two kinds of list:

- :class:`CappedPagination`, for a list read in an index's order (newest first, nearest
  first): the count stops ``cap`` rows past the page's offset, so it follows the page number,
  not the table, and every page that has a successor still links to it.
- :class:`CountedPagination`, for a list that must see every match to order them (ranked by
  relevance): the database has them all in hand anyway, so the page's own statement counts
  them (``count(*) OVER ()``), exactly, instead of a second statement finding them again.
"""

from __future__ import annotations

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from webapp.extensions import db


class CappedPagination(SelectPagination):
    """``total`` is exact up to ``cap`` rows past the page's offset; beyond, ``capped`` is true.

    When capped, ``total`` is one more than ``shown_total`` and the templates say
    "over ``shown_total``".
    """

    capped: bool = False

    def _query_count(self) -> int:
        # At least one row past the page, so a full page always knows whether another follows.
        limit = self._query_offset + max(self._query_args["cap"], self.per_page) + 1
        bounded = (
            self._query_args["select"].options(lazyload("*")).order_by(None).limit(limit).subquery()
        )
        session = self._query_args["session"]
        total = session.execute(select(func.count()).select_from(bounded)).scalar_one()
        self.capped = total >= limit
        return total

    @property
    def shown_total(self) -> int:
        """The number to show: exact, or (when ``capped``) the number the matches exceed."""
        return self.total - 1 if self.capped else self.total


class CountedPagination(SelectPagination):
    """The page and the exact count of its matches from one statement (``select`` of columns)."""

    capped = False
    _counted: int | None = None

    def _query_items(self) -> list:
        stmt = self._query_args["select"].add_columns(func.count().over().label("matches"))
        stmt = stmt.limit(self.per_page).offset(self._query_offset)
        rows = self._query_args["session"].execute(stmt).all()
        if rows:
            self._counted = rows[0].matches
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        if self._counted is not None:
            return self._counted
        return super()._query_count()  # a page past the end: no row carried the count

    @property
    def shown_total(self) -> int:
        return self.total


def capped_paginate(statement, *, page: int, per_page: int, cap: int) -> CappedPagination:
    """One page of ``statement`` (a page past the end is empty, not a 404)."""
    return CappedPagination(
        select=statement,
        session=db.session(),
        page=page,
        per_page=per_page,
        error_out=False,
        cap=cap,
    )


def counted_paginate(statement, *, page: int, per_page: int) -> CountedPagination:
    """One page of ``statement`` (selecting one column) with the exact count, in one statement."""
    return CountedPagination(
        select=statement, session=db.session(), page=page, per_page=per_page, error_out=False
    )
