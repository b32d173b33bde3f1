"""Pagination for lists over the whole municipality, whose count must not read every match.

Flask-SQLAlchemy's pagination reads the page, then counts every match in a second statement:
a cost that grows with the table on every visit. Two cheaper ways, for two kinds of list:

- :class:`CappedPagination`, for a list read in an index's order (newest first, nearest
  first): the count stops ``cap`` rows past the page's offset, so it follows the page number,
  not the table, and every page that has a successor still links to it.
- :class:`CountedPagination`, for a list that must see every match to order them (ranked by
  relevance): the database has them all in hand anyway, so the page's own statement counts
  them (``count(*) OVER ()``), exactly, instead of a second statement finding them again.
- :class:`ChainedPagination`, for a list of two kinds of row each read in its own order (slots
  with a place nearest first, then those without one), counted over both.
"""

from __future__ import annotations

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from webapp.extensions import db


class CappedPagination(SelectPagination):
    """``total`` is exact up to ``cap`` rows past the page's offset (every row when ``cap`` is
    None); beyond, ``capped`` is true.

    When capped, ``total`` is one more than ``shown_total`` and the templates say
    "over ``shown_total``".
    """

    capped: bool = False

    def _query_count(self) -> int:
        counted = self._query_args.get("counted", self._query_args["select"])
        counted = counted.options(lazyload("*")).order_by(None)
        cap = self._query_args["cap"]
        limit = None
        if cap is not None:
            # At least one row past the page, so a full page always knows whether another follows.
            limit = self._query_offset + max(cap, self.per_page) + 1
            counted = counted.limit(limit)
        session = self._query_args["session"]
        total = session.execute(select(func.count()).select_from(counted.subquery())).scalar_one()
        self.capped = limit is not None and total >= limit
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


class ChainedPagination(CappedPagination):
    """One list made of two ordered statements, ``select``'s rows and then ``then``'s (of one
    column each), counted (as :class:`CappedPagination`) over ``counted``: all of them.

    Each statement can be read in its own index's order, where one statement ordering the two
    kinds of row together would have to sort them all.
    """

    def _query_items(self) -> list:
        session = self._query_args["session"]
        first = self._query_args["select"]
        offset, size = self._query_offset, self.per_page
        items = list(session.execute(first.limit(size).offset(offset)).scalars())
        if len(items) == size:
            return items
        # The first list ends on this page or before it; where it ends places the second.
        if items:
            first_length = offset + len(items)
        else:
            bounded = first.order_by(None).limit(offset).subquery()
            first_length = session.execute(select(func.count()).select_from(bounded)).scalar_one()
        then = (
            self._query_args["then"].limit(size - len(items)).offset(max(0, offset - first_length))
        )
        return items + list(session.execute(then).scalars())


def _paginate(kind, statement, page: int, per_page: int, **arguments):
    return kind(
        select=statement,
        session=db.session(),
        page=page,
        per_page=per_page,
        max_per_page=None,  # as db.paginate: the caller bounds per_page
        error_out=False,
        **arguments,
    )


def capped_paginate(statement, *, page: int, per_page: int, cap: int | None) -> CappedPagination:
    """One page of ``statement`` (a page past the end is empty, not a 404)."""
    return _paginate(CappedPagination, statement, page, per_page, cap=cap)


def counted_paginate(statement, *, page: int, per_page: int) -> CountedPagination:
    """One page of ``statement`` (selecting one column) with the exact count, in one statement."""
    return _paginate(CountedPagination, statement, page, per_page)


def chained_paginate(
    first, then, *, counted, page: int, per_page: int, cap: int | None
) -> ChainedPagination:
    """One page of ``first``'s rows followed by ``then``'s; see :class:`ChainedPagination`."""
    return _paginate(ChainedPagination, first, page, per_page, then=then, counted=counted, cap=cap)
