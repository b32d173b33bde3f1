"""School cooperation end to end in two browsers: a coordinator posts a need, finds a company
in the ranked finder and sends a request; the employer accepts; the partnership shows on both
sides. Every new page is checked with axe, and the school's pages at 375 px width too."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from test_smoke import log_in

AHUS = "Akershus universitetssykehus (Ahus)"
SCHOOL = "Lørenskog videregående skole"
NARROW = {"width": 375, "height": 800}


def new_page(browser, base_url, violations: list[str], **options):
    """A page in a context of its own that records Content Security Policy violations (like the
    ``context`` fixture does for the default context)."""
    context = browser.new_context(base_url=base_url, **options)
    context.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return context.new_page()


def fits_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_school_finds_a_partner_and_the_employer_accepts(browser, base_url, check_accessibility):
    violations: list[str] = []
    school = new_page(browser, base_url, violations)
    employer = new_page(browser, base_url, violations)

    log_in(school, base_url, "school")
    school.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Behov", exact=True
    ).click()
    expect(school.get_by_role("heading", name="Behov", level=1)).to_be_visible()
    check_accessibility(school)
    with school.expect_navigation():
        school.get_by_role("link", name="Meld et nytt behov").first.click()
    check_accessibility(school)
    school.get_by_label("Tittel").fill("Utplassering Vg1 helse, uke 10–11")
    school.locator("#program_area_code").select_option("HO")
    school.locator("#trades").select_option("helsearbeiderfaget")
    school.get_by_label("Utplassering (YFF)").check()
    school.get_by_label("Antall elever").fill("2")
    school.get_by_label("Fra dato").fill("2027-03-08")
    school.get_by_label("Til dato").fill("2027-03-19")
    school.get_by_role("button", name="Lagre behovet").click()
    expect(school.get_by_text("Behovet er lagret.")).to_be_visible()
    expect(school.get_by_text("0 av 2 elever dekket")).to_be_visible()
    check_accessibility(school)

    school.get_by_role("link", name="Finn bedrifter").click()
    results = school.locator("ol.app-finder > li")
    top_three = [results.nth(i).locator("h2").inner_text() for i in range(3)]
    assert AHUS in top_three, top_three
    card = school.locator("li", has=school.get_by_role("heading", name=AHUS))
    expect(card).to_contain_text("tilbyr Helse- og oppvekstfag")
    expect(card).to_contain_text("kan ta 6 elever i uke 10–11")
    check_accessibility(school)
    school.get_by_label(f"Spør {AHUS}").check()
    school.get_by_label("Melding til bedriftene").fill("Vi har to elever som gleder seg.")
    school.get_by_role("button", name="Send forespørsel").click()
    expect(school.get_by_text(f"Forespørselen er sendt til {AHUS}.")).to_be_visible()
    expect(school.get_by_role("cell", name="Venter på svar")).to_be_visible()

    log_in(employer, base_url, "employer")
    with employer.expect_navigation():
        employer.get_by_role("link", name=re.compile("forespørsel fra skoler venter")).click()
    check_accessibility(employer)
    employer.get_by_role("link", name=SCHOOL).click()
    expect(employer.get_by_text("Vi har to elever som gleder seg.")).to_be_visible()
    expect(employer.get_by_label("Antall elever dere tar imot")).to_have_value("2")
    check_accessibility(employer)
    employer.get_by_role("button", name="Takk ja til skolen").click()
    expect(employer.get_by_text("Dere har takket ja.")).to_be_visible()
    expect(employer.get_by_text("Avtalt", exact=True)).to_be_visible()
    employer.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Skoler").click()
    employer.get_by_role("link", name="Avtalt").click()
    # The demo history holds an earlier partnership with the same school: now there are two.
    expect(employer.get_by_role("link", name=SCHOOL)).to_have_count(2)
    with employer.expect_navigation():
        employer.get_by_role("link", name="Skoleprofilen deres").click()
    check_accessibility(employer)

    with school.expect_navigation():
        school.get_by_role("navigation", name="Hovedmeny").get_by_role(
            "link", name="Samarbeid"
        ).click()
    check_accessibility(school)
    school.get_by_role("link", name=AHUS).first.click()
    expect(school.get_by_text("Avtalt", exact=True)).to_be_visible()
    expect(school.get_by_text("Demo Arbeidsgiver (Ahus)")).to_be_visible()  # their contact
    check_accessibility(school)
    school.get_by_role("link", name="Varsler").click()
    expect(school.get_by_text(f"{AHUS} takket ja").first).to_be_visible()
    school.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Udekket behov"
    ).click()
    expect(school.get_by_role("cell", name="Elektro og datateknologi")).to_be_visible()
    check_accessibility(school)

    school.context.close()
    employer.context.close()
    assert not violations, violations


def test_the_school_pages_work_at_375_px(browser, base_url, check_accessibility):
    violations: list[str] = []
    page = new_page(browser, base_url, violations, viewport=NARROW)
    log_in(page, base_url, "school")
    for path in ("/skole/behov", "/skole/behov/ny", "/skole/samarbeid", "/skole/udekket"):
        page.goto(base_url + path)
        assert fits_width(page), f"{path} is wider than 375 px"
        check_accessibility(page)
    page.goto(base_url + "/skole/behov")
    page.get_by_role("link", name="Utplassering Vg1 helse- og oppvekstfag", exact=True).click()
    page.get_by_role("link", name="Finn bedrifter").click()
    expect(page.locator("ol.app-finder > li").first).to_be_visible()
    assert fits_width(page), "the finder is wider than 375 px"
    check_accessibility(page)
    page.context.close()
    assert not violations, violations


def test_the_admin_sees_unmet_school_demand(page, base_url, check_accessibility):
    log_in(page, base_url, "admin")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Skolebehov").click()
    expect(page.get_by_role("heading", name="Udekket skolebehov")).to_be_visible()
    expect(page.get_by_role("cell", name="Naturbruk")).to_be_visible()
    check_accessibility(page)
