"""Import templates: the headers (Norwegian or English) and one example row."""

from __future__ import annotations

from webapp.services.bulk_import.reading import write_csv, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build(importer, file_format: str, lang: str = "nb") -> tuple[bytes, str, str]:
    """(body, mimetype, filename) of the template for ``importer``."""
    header = [column.en if lang == "en" else column.nb for column in importer.columns]
    rows = importer.template_rows()
    name = f"arbeidsbro-{importer.kind}-{'template' if lang == 'en' else 'mal'}"
    if file_format == "xlsx":
        return write_xlsx(header, rows, importer.kind), XLSX, f"{name}.xlsx"
    return write_csv(header, rows), "text/csv", f"{name}.csv"
