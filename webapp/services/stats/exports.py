"""A dashboard table as CSV or XLSX: the same suppressed aggregate rows, safe to open in Excel."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from webapp.services.stats.tables import Table

# A spreadsheet treats a cell starting with one of these as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SUPPRESSED = "<5"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cells(table: Table) -> list[list]:
    header = [str(column.label) for column in table.columns]
    body = [[SUPPRESSED if value is None else value for value in row] for row in table.rows]
    return [
        [neutralise(str(v) if not isinstance(v, int | float) else v) for v in row]
        for row in [header, *body]
    ]


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark and semicolons, as Norwegian Excel opens it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(_cells(table))
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.key[:31])
    for row in _cells(table):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
