"""Bulk import of candidates (caseworkers) and slots (employers) from CSV or XLSX.

``run`` reads the file, validates every row with the same rules as the forms and the API (the
services' own checks), and reports errors per row and column. A dry run saves nothing; a real run
saves every valid row in one transaction, or nothing at all when ``all_or_nothing`` is asked and
any row is wrong. A row whose reference code exists already updates that object instead of
making a second one, so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

from flask_babel import gettext as _

from webapp.extensions import db
from webapp.services.bulk_import.columns import CellError, Column, Taxonomy, normalise, parse_cell
from webapp.services.bulk_import.reading import looks_like_formula, read_sheet
from webapp.services.bulk_import.report import ImportReport, RowError
from webapp.services.errors import DomainError


class RowInvalid(Exception):
    """Errors of one row: ``[(field, message), …]``."""

    def __init__(self, errors: list[tuple[str | None, str]]):
        super().__init__(errors)
        self.errors = errors


def map_header(header: list[str], columns: list[Column]) -> tuple[dict[int, Column], list]:
    """Column index → Column; unknown, repeated or missing required headers are file errors."""
    by_name = {name: column for column in columns for name in column.names()}
    mapping: dict[int, Column] = {}
    errors = []
    for index, title in enumerate(header):
        if not title.strip():
            continue
        column = by_name.get(normalise(title))
        if column is None:
            errors.append(RowError(1, title, _("Ukjent kolonne. Bruk overskriftene i malen.")))
        elif column in mapping.values():
            errors.append(RowError(1, title, _("Kolonnen står to ganger.")))
        else:
            mapping[index] = column
    return mapping, errors


def run(importer, actor, data: bytes, filename: str = "", *, dry_run: bool, all_or_nothing: bool):
    """Validate (and unless ``dry_run``, save) the rows of one file; returns an ImportReport."""
    report = ImportReport(kind=importer.kind, dry_run=dry_run, all_or_nothing=all_or_nothing)
    importer.require_actor(actor)
    try:
        sheet = read_sheet(data, filename)
    except DomainError as error:
        report.errors.append(RowError(1, "", error.message))
        return report
    mapping, header_errors = map_header(sheet.header, importer.columns)
    present = {column.field for column in mapping.values()}
    header_errors += [
        RowError(1, column.nb, _("Kolonnen mangler."))
        for column in importer.columns
        if column.field in importer.required and column.field not in present
    ]
    report.rows = len(sheet.rows)
    report.errors.extend(header_errors)
    if header_errors:
        return report  # a wrong header would put values in the wrong fields

    headers = {column.field: sheet.header[index] for index, column in mapping.items()}

    def header_of(field: str | None) -> str:
        if field is None:
            return ""
        if field in headers:
            return headers[field]
        column = next((c for c in importer.columns if c.field == field), None)
        return column.nb if column else field

    taxonomies = {
        c.field: importer.taxonomy(c) for c in importer.columns if c.kind in {"code", "codes"}
    }
    context = importer.prepare(actor)
    seen: dict[str, int] = {}
    valid = []
    for number, cells in sheet.rows:
        errors: list[RowError] = []
        values = {}
        for index, column in mapping.items():
            text = cells[index] if index < len(cells) else ""
            if (number, index) in sheet.formulas or looks_like_formula(text):
                errors.append(
                    RowError(number, sheet.header[index], _("Cellen ser ut som en formel."))
                )
                continue
            try:
                values[column.field] = parse_cell(column, text, taxonomies)
            except CellError as error:
                errors.append(RowError(number, sheet.header[index], str(error)))
        if any(cells[len(sheet.header) :]):
            errors.append(RowError(number, "", _("Raden har flere celler enn overskrifter.")))
        key = importer.key(values)
        if not errors and key in seen:
            errors.append(
                RowError(
                    number,
                    header_of(importer.key_field),
                    _("Referansekoden står også på rad %(n)d.", n=seen[key]),
                )
            )
        if not errors:
            if key:
                seen[key] = number
            try:
                valid.append(importer.validate(actor, context, values))
            except RowInvalid as invalid:
                errors.extend(RowError(number, header_of(f), m) for f, m in invalid.errors)
            except DomainError as error:
                errors.append(RowError(number, header_of(error.field), error.message))
        report.errors.extend(errors)
    report.valid = len(valid)
    if dry_run or not valid or (all_or_nothing and report.errors):
        db.session.rollback()  # nothing is saved (validation wrote nothing anyway)
        return report
    try:
        report.created, report.updated = importer.apply(actor, context, valid)
    except DomainError as error:
        db.session.rollback()
        report.errors.append(RowError(1, header_of(error.field), error.message))
        return report
    report.saved = True
    importer.after_save(context)
    return report


__all__ = ["Column", "ImportReport", "RowError", "RowInvalid", "Taxonomy", "run"]
