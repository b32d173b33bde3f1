"""The municipality's dashboard in a browser: charts with tables, filters, a download."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from test_smoke import log_in

FUNNEL = "Fra forslag til fullført praksis"


def test_admin_filters_the_dashboard_and_downloads_an_export(page, base_url, check_accessibility):
    log_in(page, base_url, "admin")
    expect(page).to_have_url(base_url + "/admin/")
    expect(page.get_by_role("heading", name="Tall og utvikling")).to_be_visible()
    expect(page.get_by_role("heading", name=FUNNEL)).to_be_visible()
    expect(page.locator("svg.app-chart").first).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Type plass", exact=True).select_option(label="Arbeidstrening (NAV)")
    page.get_by_label("Fra dato").fill("2026-01-01")
    page.get_by_label("Til dato").fill("2026-12-31")
    page.get_by_role("button", name="Vis tallene").click()
    expect(page).to_have_url(re.compile(r"slot_kind=work_training"))
    places = page.get_by_role("table", name="Plasser tilbudt og fylt, etter type plass")
    expect(places.get_by_role("row")).to_have_count(2)  # the header and work training only
    check_accessibility(page)

    with page.expect_download() as download:
        page.get_by_role("link", name=f"Last ned «{FUNNEL}» som CSV").click()
    assert download.value.suggested_filename == "arbeidsbro-funnel.csv"
    lines = download.value.path().read_text("utf-8-sig").splitlines()
    assert lines[0] == "Steg;Antall;Andel av forslagene (%)"
    assert lines[1].startswith("Foreslått av modellen;")
