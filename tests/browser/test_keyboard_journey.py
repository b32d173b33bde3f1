"""The caseworker's approve-and-propose journey and the employer's accept, with the keyboard only
(Tab, Shift+Tab, Enter, Space), and a visible focus indicator on every element tabbed through."""

from __future__ import annotations

from playwright.sync_api import expect
from test_placement_journey import _a_pair_for_the_demo_employer
from test_smoke import log_in

MAX_TABS = 250

# The focused element: what a screen reader would call it, and whether focus is drawn.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const drawn = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== 'none'
    || /skip-?link/.test(el.className);  // hidden until focused: appearing is its focus mark
  const name = (el.getAttribute('aria-label') || el.labels?.[0]?.textContent
    || el.textContent || '').replace(/\\s+/g, ' ').trim();
  return {tag: el.tagName.toLowerCase(), name, drawn, href: el.getAttribute('href') || ''};
}"""


def _tab_to(page, starts_with: str, key: str = "Tab", *, by: str = "name") -> None:
    """Press Tab (or Shift+Tab) until the focused element's name (or ``by``, e.g. its href)
    starts with ``starts_with``."""
    unseen = []
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        if focused["tag"] != "body" and not focused["drawn"]:
            unseen.append(focused["name"][:60])
        if focused[by].startswith(starts_with):
            assert not unseen, f"focus not visible on: {unseen}"
            return
    raise AssertionError(f"no element named {starts_with!r} within {MAX_TABS} tabs")


def test_caseworker_approves_and_proposes_with_the_keyboard_only(browser, live_app, base_url):
    suggestion_id, candidate_id, slot_title = _a_pair_for_the_demo_employer(live_app)
    page = browser.new_context(base_url=base_url).new_page()
    log_in(page, base_url, "caseworker")
    page.goto(f"{base_url}/veileder/kandidater/{candidate_id}/forslag")

    _tab_to(page, f"Godkjenn: {slot_title}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Forslaget er godkjent.")).to_be_visible()

    # The note first, then back and forth once to show Shift+Tab works, then Space sends.
    _tab_to(page, f"Kort notat til arbeidsgiveren: {slot_title}")
    page.keyboard.type("Punktlig og interessert i faget.")
    _tab_to(page, f"Send til arbeidsgiver: {slot_title}")
    _tab_to(page, f"Kort notat til arbeidsgiveren: {slot_title}", key="Shift+Tab")
    _tab_to(page, f"Send til arbeidsgiver: {slot_title}")
    with page.expect_navigation():
        page.keyboard.press("Space")
    expect(page.get_by_text("Forslaget er sendt til arbeidsgiveren.")).to_be_visible()
    card = page.locator(f"#suggestion-{suggestion_id}")
    expect(card).to_contain_text("Svarfrist")
    page.context.close()

    # The employer opens the proposal from the inbox and says yes, from the keyboard.
    employer = browser.new_context(base_url=base_url).new_page()
    log_in(employer, base_url, "employer")
    employer.goto(f"{base_url}/arbeidsgiver/forslag")
    _tab_to(employer, f"/arbeidsgiver/forslag/{suggestion_id}", by="href")
    with employer.expect_navigation():
        employer.keyboard.press("Enter")
    expect(employer).to_have_url(f"{base_url}/arbeidsgiver/forslag/{suggestion_id}")
    expect(employer.get_by_text("Punktlig og interessert i faget.")).to_be_visible()
    _tab_to(employer, "Ønsket startdato")  # left empty: the slot's own start date
    _tab_to(employer, "Takk ja til kandidaten")
    with employer.expect_navigation():
        employer.keyboard.press("Enter")
    expect(employer.get_by_text("Dere har takket ja. Praksisplassen er planlagt.")).to_be_visible()
    employer.context.close()
