"""Learning and allocation on the demo, through the pages: the admin reads the model card and runs
an allocation round for the refugee service's language-practice candidates; a caseworker of that
service approves one of the round's pairs like any other suggestion."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from test_smoke import log_in

SLOW = 60_000  # a round scores and explains every pair inside the request when there is no Redis


def test_admin_runs_a_round_and_a_caseworker_approves_its_pair(
    browser, base_url, check_accessibility
):
    admin = browser.new_context(base_url=base_url).new_page()
    log_in(admin, base_url, "admin")
    admin.wait_for_load_state("load")
    admin.goto(base_url + "/admin/matchmodell/kort")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Modellkort for matchmodellen")
    expect(admin.get_by_text("AUC").first).to_be_visible()
    check_accessibility(admin)

    admin.goto(base_url + "/fordeling/")
    team = "Flyktning- og innvandrertjenesten Lørenskog"
    admin.get_by_label("Kandidater fra").select_option(label=team)
    admin.get_by_label("Type plass").select_option(label="Språkpraksis")
    with admin.expect_navigation(timeout=SLOW):
        admin.get_by_role("button", name="Start runden").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(re.compile(r"Fordelingsrunde \d+"))
    figures = admin.locator("table.app-figures")
    expect(figures.get_by_role("row", name=re.compile("Kandidater plassert"))).to_be_visible()
    check_accessibility(admin)
    round_url = admin.url
    number = re.search(r"/fordeling/(\d+)", round_url).group(1)

    caseworker = browser.new_context(base_url=base_url).new_page()
    log_in(caseworker, base_url, "caseworker_refugee")
    caseworker.wait_for_load_state("load")
    caseworker.goto(round_url)
    with caseworker.expect_navigation():
        caseworker.get_by_role("table").last.get_by_role("link").first.click()
    card = (
        caseworker.locator("article, li, section")
        .filter(has=caseworker.get_by_text(f"Fra fordelingsrunde {number}", exact=True))
        .filter(has=caseworker.get_by_role("button", name=re.compile("^Godkjenn")))
    )
    expect(card.first).to_be_visible()
    with caseworker.expect_navigation():
        card.first.get_by_role("button", name=re.compile("^Godkjenn")).click()
    expect(caseworker.get_by_text("Forslaget er godkjent.", exact=False)).to_be_visible()
    check_accessibility(caseworker)
    admin.context.close()
    caseworker.context.close()
