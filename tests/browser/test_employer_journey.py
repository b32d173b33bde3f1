"""An employer adds a workplace, creates and publishes a slot, then pauses it."""

from __future__ import annotations

from playwright.sync_api import expect
from support import next_year
from test_smoke import log_in


def test_employer_adds_a_site_creates_publishes_and_pauses_a_slot(
    page, base_url, check_accessibility
):
    log_in(page, base_url, "employer")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Arbeidssteder"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbeidssteder")
    check_accessibility(page)
    page.get_by_label("Navn på arbeidsstedet").fill("Ahus Kongsvinger (nettlesertest)")
    page.get_by_label("Adresse").fill("Parkvegen 35")
    page.get_by_label("Postnummer").fill("1473")
    page.get_by_role("button", name="Legg til").click()
    expect(page.get_by_text("Arbeidsstedet er lagt til.")).to_be_visible()
    expect(
        page.get_by_role("cell", name="Ahus Kongsvinger (nettlesertest)", exact=True)
    ).to_be_visible()

    with page.expect_navigation():
        page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Plasser").click()
    check_accessibility(page)
    page.get_by_role("link", name="Ny plass").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny plass")
    check_accessibility(page)

    # Submitting empty shows the errors first, keeping the page usable.
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", name="Skjemaet har feil som må rettes")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Type plass").select_option("work_training")
    page.get_by_label("Tittel").fill("Arbeidstrening i resepsjonen (nettlesertest)")
    page.get_by_label("Søk i listen: Lærefag eller yrke").fill("resepsj")
    shown = page.get_by_label("Lærefag eller yrke", exact=True).locator("option:not([hidden])")
    # The trade, and the ESCO occupations that match (receptionists of several kinds).
    expect(shown.filter(has_text="Resepsjonsfaget")).to_have_count(1)
    expect(shown.filter(has_text="resepsjonist")).not_to_have_count(0)
    page.get_by_label("Lærefag eller yrke", exact=True).select_option("resepsjonsfaget")
    page.get_by_label("Beskrivelse").fill("Ta imot pasienter og besøkende, svare på telefon.")
    page.get_by_label("Ferdigheter", exact=True).select_option(["resepsjon", "kundeservice"])
    page.get_by_label("Krav til norsknivå").select_option("B1")
    page.get_by_label("Arbeidssted").select_option(label="Ahus Kongsvinger (nettlesertest)")
    page.get_by_label("Timer per uke").fill("30")
    page.get_by_label("Startdato").fill(next_year(3, 1).isoformat())
    page.get_by_label("Antall plasser").fill("2")
    page.get_by_label("Fast mentor eller fadder").check()
    page.get_by_role("button", name="Lagre").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Arbeidstrening i resepsjonen (nettlesertest)"
    )
    expect(page.get_by_text("Utkast", exact=True)).to_be_visible()
    check_accessibility(page)
    # Publishing and pausing re-rank the slot in the request when there is no Redis: on a busy
    # CI machine with PostgreSQL that took longer than the default 5 s once.
    page.get_by_role("button", name="Publiser").click()
    expect(page.get_by_text("Plassen er nå åpen.")).to_be_visible(timeout=30_000)
    with page.expect_navigation(timeout=30_000):
        page.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("Plassen er nå pauset.")).to_be_visible(timeout=30_000)
    check_accessibility(page)

    page.get_by_role("link", name="Lukk plassen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lukke")
    check_accessibility(page)
    page.get_by_role("link", name="Avbryt").click()
    expect(page.get_by_text("Pauset", exact=True)).to_be_visible()

    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Virksomheten"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Virksomheten")
    check_accessibility(page)
