"""Query arguments (GET parameters) read safely: bounded, cleaned, never a 500.

Use these instead of ``request.args.get(..., type=int)``: a page number of 10**30 or a filter
with a NUL byte must give a normal page, not an overflow in the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import request

from webapp.extensions import db
from webapp.ui.input import DATE_MAX, DATE_MIN, DB_INT_MAX, DB_INT_MIN, clean_text

# Far past any real list; keeps OFFSET = (page - 1) * per_page inside a 64-bit integer.
MAX_PAGE = 100_000
DEFAULT_TEXT_MAX = 100


def arg_text(name: str, default: str = "", *, max_length: int = DEFAULT_TEXT_MAX) -> str:
    """A text argument, cleaned and cut to ``max_length`` characters."""
    value = request.args.get(name)
    if value is None:
        return default
    return clean_text(value)[:max_length]


def arg_choice(name: str, choices: Iterable[str], default: str = "") -> str:
    """An argument that must be one of ``choices``; anything else gives ``default``."""
    value = arg_text(name)
    return value if value in set(choices) else default


def arg_int(
    name: str, default: int | None = None, *, low: int = DB_INT_MIN, high: int = DB_INT_MAX
) -> int | None:
    """A whole number clamped to ``low`` … ``high``; not a number gives ``default``."""
    value = arg_text(name, max_length=40)
    try:
        number = int(value)
    except ValueError:
        return default
    return min(max(number, low), high)


def arg_date(name: str, default: date | None = None) -> date | None:
    """A YYYY-MM-DD date within the sane window; anything else gives ``default``."""
    try:
        day = date.fromisoformat(arg_text(name, max_length=10))
    except ValueError:
        return default
    return day if DATE_MIN <= day <= DATE_MAX else default


def page_number(name: str = "page") -> int:
    """The page asked for, clamped to 1 … :data:`MAX_PAGE`."""
    return arg_int(name, 1, low=1, high=MAX_PAGE)


def paginate(statement, *, per_page: int, **kwargs):
    """Flask-SQLAlchemy's pagination with the page number from :func:`page_number`.

    ``db.paginate`` without ``page`` reads ``?page=`` unbounded; this never lets it.
    """
    return db.paginate(
        statement,
        page=page_number(),
        per_page=per_page,
        max_per_page=per_page,
        error_out=False,
        **kwargs,
    )
