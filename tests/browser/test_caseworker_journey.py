"""A caseworker registers a candidate with consent, finds a slot in browse, withdraws consent."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from test_smoke import log_in


def nav_link(page, name: str):
    return page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name=name)


def test_caseworker_registers_a_candidate_finds_a_slot_and_withdraws_consent(
    page, base_url, check_accessibility
):
    log_in(page, base_url, "caseworker")
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversikt for NAV Lørenskog")
    expect(page.get_by_text("aktive kandidater")).to_be_visible()
    check_accessibility(page)

    nav_link(page, "Kandidater").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kandidater")
    check_accessibility(page)
    page.get_by_role("link", name="Registrer kandidat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrer kandidat")
    expect(page.get_by_label(re.compile("^Kandidaten har gitt samtykke"))).not_to_be_checked()
    check_accessibility(page)

    # An empty form first: the messages appear, and the page stays accessible.
    page.get_by_role("button", name="Registrer kandidaten").click()
    expect(page.get_by_role("heading", name="Skjemaet har feil som må rettes")).to_be_visible()
    expect(page.locator("#reference_code-error")).to_have_text("Skriv inn en referansekode.")
    check_accessibility(page)

    page.get_by_label("Referansekode").fill("NETT-001")
    page.get_by_label("Visningsnavn").fill("Nettleser N.")
    page.get_by_label("Program").select_option("introduksjonsprogrammet")
    page.get_by_label("Språkpraksis", exact=True).check()
    page.get_by_label("Ferdigheter", exact=True).select_option(["matlaging", "oppvask"])
    page.get_by_label("Norsknivå").select_option("A2")
    page.get_by_label("Postnummer hjemme").fill("1470")
    page.get_by_label("Lengste reisevei (km)").fill("20")
    page.get_by_label("Timer per uke").fill("20")
    page.get_by_label("Språkstøtte på arbeidsplassen").check()
    page.get_by_label(re.compile("^Kandidaten har gitt samtykke")).check()
    page.get_by_label("Hva samtykket gjelder").fill("Deling av profil med arbeidsgivere")
    page.get_by_role("button", name="Registrer kandidaten").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("NETT-001 – Nettleser N.")
    expect(page.get_by_text("Kandidaten NETT-001 er registrert.")).to_be_visible()
    expect(page.get_by_role("button", name="Trekk samtykket")).to_be_visible()
    candidate_url = page.url
    check_accessibility(page)

    page.get_by_role("link", name="Endre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Endre NETT-001")
    expect(page.get_by_label("Referansekode")).to_have_value("NETT-001")
    check_accessibility(page)

    nav_link(page, "Ledige plasser").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledige plasser")
    check_accessibility(page)
    page.get_by_label("Type plass").select_option("language_practice")
    page.get_by_label("Søk i tittel, beskrivelse, fag eller ferdigheter").fill("kjøkken")
    page.get_by_label("Fra postnummer").fill("1470")
    page.get_by_label("Avstand").select_option("20")
    page.get_by_label("Sortering").select_option("distance")
    page.get_by_role("button", name="Søk", exact=True).click()
    results = page.get_by_role("table")
    expect(results.get_by_role("link", name="Språkpraksis på storkjøkken").first).to_be_visible()
    expect(results.get_by_role("link", name=re.compile("Lærling"))).to_have_count(0)
    check_accessibility(page)

    results.get_by_role("link", name="Språkpraksis på storkjøkken").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Språkpraksis på storkjøkken")
    expect(page.get_by_text("Språkstøtte på arbeidsplassen")).to_be_visible()
    check_accessibility(page)

    page.goto(candidate_url)
    page.get_by_role("button", name="Trekk samtykket").click()
    expect(page.get_by_text("Samtykket er trukket tilbake.", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Trekk samtykket")).to_have_count(0)
    expect(page.get_by_role("button", name="Registrer samtykke")).to_be_visible()
    expect(page.get_by_text("Samtykke trukket", exact=True)).to_be_visible()
    # The history is a timeline of decisions in words, not audit codes.
    history = page.locator(".app-timeline")
    expect(history.get_by_text("Samtykket trukket tilbake", exact=True)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Arkiver…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arkiver NETT-001?")
    check_accessibility(page)
    page.get_by_role("link", name="Avbryt").click()
    expect(page).to_have_url(candidate_url)

    nav_link(page, "Kandidater").click()
    page.get_by_label("Samtykke", exact=True).select_option("no")
    page.get_by_label("Søk i referanse, navn, yrke eller ferdighet").fill("NETT")
    page.get_by_role("button", name="Søk", exact=True).click()
    expect(page.get_by_role("link", name="NETT-001")).to_be_visible()
    check_accessibility(page)


def test_caseworker_pages_are_accessible_in_english(page, base_url, check_accessibility):
    log_in(page, base_url, "caseworker_refugee")
    page.locator("#language").select_option("en")
    page.get_by_role("button", name="Bytt").click()
    for path in ("/veileder/kandidater", "/veileder/kandidater/ny", "/veileder/plasser"):
        page.goto(base_url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_accessibility(page)
    page.goto(base_url + "/veileder/kandidater")
    page.get_by_role("table").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_accessibility(page)
    page.locator("#language").select_option("nb")
    page.get_by_role("button", name="Change").click()
