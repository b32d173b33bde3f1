"""The audit log in a browser: in words, filtered, downloaded; the organisation decisions' pages."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from test_smoke import log_in


def test_admin_filters_the_audit_log_and_downloads_it(page, base_url, check_accessibility):
    log_in(page, base_url, "admin")
    with page.expect_navigation():
        page.get_by_role("link", name="Logg", exact=True).click()
    expect(page.get_by_role("heading", name="Revisjonslogg")).to_be_visible()
    table = page.get_by_role("table", name="Hendelser, nyeste først")
    expect(table.get_by_role("row").nth(1)).to_be_visible()
    expect(table).to_contain_text("Logget inn")  # the admin's own login, in words
    check_accessibility(page)

    page.get_by_label("Handling", exact=True).select_option(label="Godkjente et matchforslag")
    page.get_by_label("Fra dato").fill("2020-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"action=suggestion\.approved"))
    rows = table.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Godkjente et matchforslag")
    count = rows.count() - 1
    assert count >= 1
    for n in range(1, count + 1):
        expect(rows.nth(n)).to_contain_text("Godkjente et matchforslag")
    check_accessibility(page)

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"Last ned som CSV")).click()
    assert download.value.suggested_filename == "arbeidsbro-revisjonslogg.csv"
    lines = download.value.path().read_text("utf-8-sig").splitlines()
    assert lines[0].startswith("Tid (norsk tid);Hvem;Organisasjon;Handling;")
    assert len(lines) > 1
    assert all(";Godkjente et matchforslag;suggestion.approved;" in line for line in lines[1:])


def test_the_organisation_decision_pages_are_accessible(page, base_url, check_accessibility):
    """Reject and deactivate ask first; the pages are looked at, nothing is changed."""
    log_in(page, base_url, "admin")
    page.goto(base_url + "/admin/organisasjoner?status=pending")
    with page.expect_navigation():
        page.get_by_role("link", name="Demo Bakeri Lørenskog AS").click()
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Avvis registreringen").click()
    expect(page.get_by_label(re.compile("Begrunnelse"))).to_be_visible()
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Avbryt").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Deaktiver organisasjonen").click()
    expect(page.get_by_role("button", name="Ja, deaktiver")).to_be_visible()
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Avbryt").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Demo Bakersjef (venter på godkjenning)").click()
    expect(page.get_by_role("link", name="Deaktiver brukeren")).to_be_visible()
    check_accessibility(page)
