"""Columns of an import file: Norwegian and English headers, and how each cell is read.

Multi-valued cells (skills, kinds, …) list taxonomy codes or labels in either language, separated
by ``;``, ``|`` or ``,``. Dates are ``2027-02-01`` or ``01.02.2027``; numbers may use a comma.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from webapp.extensions import db

SPLIT = re.compile(r"[;|,]")
PARENTHESIS = re.compile(r"\s*\([^)]*\)\s*$")


def normalise(header: str) -> str:
    return re.sub(r"[\s_\-.:/()]+", " ", header.replace("\ufeff", "").strip().lower()).strip()


@dataclass(frozen=True)
class Column:
    field: str
    nb: str  # the header in the template
    en: str
    kind: str = "text"  # text, int, date, codes, code
    taxonomy: type | None = None
    aliases: tuple[str, ...] = ()
    example: str = ""

    def names(self) -> set[str]:
        return {normalise(name) for name in (self.nb, self.en, self.field, *self.aliases)}


class CellError(ValueError):
    pass


class Taxonomy:
    """Codes and labels (both languages, any case) of one taxonomy, loaded once per import."""

    def __init__(self, model):
        self.lookup: dict[str, str] = {}
        for row in db.session.scalars(select(model)):
            for key in (row.code, getattr(row, "name_nb", ""), getattr(row, "name_en", "")):
                if key:
                    self.lookup.setdefault(key.strip().lower(), row.code)
                    # "Arbeidstrening" for "Arbeidstrening (NAV)"
                    short = PARENTHESIS.sub("", key).strip().lower()
                    if short:
                        self.lookup.setdefault(short, row.code)

    def code(self, text: str) -> str:
        found = self.lookup.get(text.strip().lower())
        if found is None:
            raise CellError(_("Ukjent verdi «%(value)s».", value=text[:60]))
        return found


def parse_cell(column: Column, text: str, taxonomies: dict):
    """The value of one cell for ``column``; CellError with a message when it cannot be read."""
    text = text.strip()
    if column.kind == "text":
        return text
    if column.kind == "codes":
        tokens = [token.strip() for token in SPLIT.split(text) if token.strip()]
        return list(dict.fromkeys(taxonomies[column.field].code(token) for token in tokens))
    if not text:
        return None
    if column.kind == "code":
        return taxonomies[column.field].code(text)
    if column.kind == "int":
        number = text.replace(" ", "").replace("\u00a0", "").replace(",", ".")
        try:
            value = float(number)
        except ValueError as error:
            raise CellError(_("Skriv et helt tall.")) from error
        if not value.is_integer() or abs(value) > 2**31:
            raise CellError(_("Skriv et helt tall."))
        return int(value)
    if column.kind == "date":
        for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise CellError(_("Skriv datoen som 2027-02-01 eller 01.02.2027."))
    raise AssertionError(column.kind)


def template_value(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
