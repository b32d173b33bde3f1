"""Reading an uploaded spreadsheet (CSV or XLSX) into rows of text, whatever Excel did to it.

CSV files arrive with or without a byte-order mark, separated by commas, semicolons (Norwegian
Excel) or tabs, with Windows or Unix line endings, and sometimes with lines in different
encodings (UTF-8 pasted into a Windows-1252 file): each line is decoded on its own.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from webapp.services.errors import DomainError

MAX_ROWS = 20_000
DELIMITERS = (";", ",", "\t")
XLSX_MAGIC = b"PK\x03\x04"
# A cell a spreadsheet would run as a formula when the data is opened again.
FORMULA_STARTS = ("=", "@")


@dataclass
class Sheet:
    """The header (as written) and the rows, each a list of cell texts, numbered as in the file."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row number, column index)


def read_sheet(data: bytes, filename: str = "") -> Sheet:
    """The rows of a CSV or XLSX file; a file that is neither is a DomainError."""
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    return _read_csv(data)


def _decode_lines(data: bytes) -> list[str]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise DomainError(_("Filen ser ikke ut som CSV eller XLSX."), "file")
    lines = []
    for raw in data.splitlines():
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(raw.decode("cp1252", errors="replace"))
    return lines


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Sheet:
    lines = _decode_lines(data)
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise DomainError(_("Filen er tom."), "file")
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=_delimiter(lines[0]))
    try:
        header = [cell.strip() for cell in next(reader)]
        sheet = Sheet(header=header)
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(sheet.rows) >= MAX_ROWS:
                raise DomainError(_("Høyst %(n)d rader per fil.", n=MAX_ROWS), "file")
            sheet.rows.append((number, [cell.strip() for cell in row]))
    except csv.Error as error:
        raise DomainError(_("Filen kunne ikke leses som CSV."), "file") from error
    return sheet


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise DomainError(_("Filen kunne ikke leses som XLSX."), "file") from error
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [_cell_text(value) for value in next(rows, ())]
        while header and not header[-1]:
            header.pop()
        if not header:
            raise DomainError(_("Filen er tom."), "file")
        sheet = Sheet(header=header)
        for number, values in enumerate(rows, start=2):
            cells = [_cell_text(value) for value in values]
            if not any(cells):
                continue
            if len(sheet.rows) >= MAX_ROWS:
                raise DomainError(_("Høyst %(n)d rader per fil.", n=MAX_ROWS), "file")
            for index, value in enumerate(values):
                if isinstance(value, str) and value.startswith("="):
                    sheet.formulas.add((number, index))
            sheet.rows.append((number, cells))
    finally:
        workbook.close()
    return sheet


def looks_like_formula(text: str) -> bool:
    """``=SUM(A1)``, ``@cmd``, ``+HYPERLINK(…)``, ``-1+CMD(…)``: what a spreadsheet would run."""
    if not text:
        return False
    if text[0] in FORMULA_STARTS or text[0] in "\t\r":
        return True
    return text[0] in "+-" and "(" in text


def write_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """A CSV that Norwegian Excel opens right: UTF-8 with BOM, semicolons, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(header: list[str], rows: list[list[str]], title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
