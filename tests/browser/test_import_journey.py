"""A caseworker checks a large candidate file through the import page: while the server works the
page shows a progress bar and how many rows the file has; then the row-by-row result."""

from __future__ import annotations

import csv
import re

from playwright.sync_api import expect
from test_smoke import log_in

ROWS = 1200


def _candidate_file(path):
    from webapp.services.bulk_import.candidates import COLUMNS

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([column.nb for column in COLUMNS])
        for i in range(ROWS):
            values = {column.field: "" for column in COLUMNS}
            values.update(
                reference_code=f"IMPORT-{i:05d}",
                display_name=f"Kandidat {i}",
                kinds="Arbeidstrening",
                goals="Lager og logistikk",
                norwegian_level="B1",
                home_postal_code="1470",
            )
            writer.writerow([values[column.field] for column in COLUMNS])
    return path


def test_a_large_file_shows_progress_while_it_is_checked(page, base_url, tmp_path):
    log_in(page, base_url, "caseworker_refugee")
    page.wait_for_load_state("load")
    page.goto(base_url + "/import/kandidater")
    upload = _candidate_file(tmp_path / "kandidater.csv")
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(upload)

    # Hold the post back (a listener after the page's own one) so the notice can be read;
    # then let it go.
    page.evaluate(
        """() => { window.holdBack = (e) => e.preventDefault();
                   const form = document.querySelector('form[data-busy]');
                   form.addEventListener('submit', holdBack); }"""
    )
    page.get_by_role("button", name="Kontroller filen").click()
    status = page.locator("#import-progress")
    expect(status).to_be_visible()
    expect(status).to_contain_text(re.compile(r"Filen har 1\s200 rader"))
    expect(status.locator("progress")).to_be_visible()
    expect(page.get_by_role("button", name="Importer")).to_have_attribute("aria-disabled", "true")
    page.evaluate(
        """() => { const form = document.querySelector('form[data-busy]');
                   form.removeEventListener('submit', holdBack); form.removeAttribute('data-sent');
                   form.querySelectorAll('[aria-disabled]').forEach(
                     (b) => b.removeAttribute('aria-disabled')); }"""
    )
    with page.expect_navigation(timeout=60_000):
        page.get_by_role("button", name="Kontroller filen").click()
    expect(page.get_by_role("heading", name="Resultat av kontrollen")).to_be_visible()
    expect(page.get_by_text(f"Rader i filen: {ROWS}")).to_be_visible()
    expect(page.get_by_text(f"Gyldige rader: {ROWS}")).to_be_visible()
