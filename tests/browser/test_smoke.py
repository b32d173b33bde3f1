"""Smoke journeys: each demo role logs in, sees its home page, switches language and logs out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from seeds.demo import DEMO_LOGINS, DEMO_PASSWORD

HOMES = {
    "admin": ("/admin/", "Oversikt", "Overview"),
    "employer": ("/arbeidsgiver/", "Akershus universitetssykehus (Ahus)", "Needs an answer"),
    "caseworker": ("/veileder/", "Oversikt for NAV Lørenskog", "Overview for NAV Lørenskog"),
    "school": (
        "/skole/",
        "Oversikt for Lørenskog videregående skole",
        "Overview for Lørenskog videregående skole",
    ),
}


def log_in(page, base_url: str, role: str) -> None:
    page.goto(base_url + "/logg-inn")
    page.get_by_label("E-post").fill(DEMO_LOGINS[role][0])
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()


def switch_language(page, code: str, button: str) -> None:
    page.locator("#language").select_option(code)
    page.get_by_role("button", name=button).click()


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_logs_in_switches_language_and_logs_out(
    page, base_url, role, check_accessibility
):
    home, heading_nb, text_en = HOMES[role]
    page.goto(base_url + "/logg-inn")
    expect(page.get_by_role("heading", name="Logg inn")).to_be_visible()
    check_accessibility(page)

    log_in(page, base_url, role)
    expect(page).to_have_url(base_url + home)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading_nb)
    expect(page.get_by_role("navigation", name="Hovedmeny")).to_be_visible()
    check_accessibility(page)

    switch_language(page, "en", "Bytt")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text(text_en).first).to_be_visible()
    check_accessibility(page)

    switch_language(page, "nb", "Change")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    page.get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(re.compile(r"/logg-inn$"))
    expect(page.get_by_text("Du er logget ut.")).to_be_visible()

    page.goto(base_url + home)
    expect(page).to_have_url(re.compile(r"/logg-inn\?next="))


def test_wrong_password_shows_a_message_next_to_the_field(page, base_url, check_accessibility):
    page.goto(base_url + "/logg-inn")
    page.get_by_label("E-post").fill(DEMO_LOGINS["employer"][0])
    page.get_by_label("Passord").fill("feil-passord-her")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.locator("#password-error")).to_have_text("Feil e-post eller passord.")
    expect(page.get_by_label("Passord")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)


@pytest.mark.parametrize(
    "path", ["/", "/registrer", "/tilgjengelighet", "/personvern", "/finnes-ikke"]
)
def test_public_pages_are_accessible(page, base_url, path, check_accessibility):
    page.goto(base_url + path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_accessibility(page)


def test_admin_pages_are_accessible(page, base_url, check_accessibility):
    log_in(page, base_url, "admin")
    for path in [
        "/admin/organisasjoner",
        "/admin/organisasjoner?status=pending",
        "/admin/brukere",
        "/admin/logg",
        "/admin/organisasjoner/ny",
        "/konto",
        "/konto/passord",
    ]:
        page.goto(base_url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_accessibility(page)


def test_the_page_loads_no_resource_from_outside_the_site(page, base_url):
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(base_url) else None
        ),
    )
    page.goto(base_url + "/logg-inn")
    page.wait_for_load_state("networkidle")
    assert outside == []
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Inter" in font
