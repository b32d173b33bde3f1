"""Every role's main pages at a phone's width (375 px) and a desktop's: nothing wider than the
screen. A wide table scrolls inside its own container or stacks its cells; the page never
scrolls sideways. Screenshots of each page go to test-results/screenshots/ (not committed; a
few are copied to docs/screenshots/ for the README)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_smoke import log_in

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}

PAGES = {
    "caseworker": [
        "/veileder/",
        "/veileder/kandidater",
        "{candidate}",
        "{candidate}/forslag",
        "/veileder/plasser",
        "/veileder/forslag?vis=venter",
        "/veileder/praksis",
        "/varsler",
    ],
    "employer": [
        "/arbeidsgiver/",
        "/arbeidsgiver/plasser",
        "/arbeidsgiver/plasser/ny",
        "/arbeidsgiver/forslag?status=answered",
        "/arbeidsgiver/praksis",
        "/arbeidsgiver/steder",
    ],
    "school": ["/skole/", "/skole/behov", "/skole/samarbeid", "/skole/udekket"],
    "admin": ["/admin/", "/admin/organisasjoner", "/admin/brukere", "/admin/logg"],
}

# Elements reaching past the right edge, outside any container that scrolls on its own.
OVERFLOWING = """() => {
  const width = window.innerWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden'].includes(style.overflowX)) return true;
    }
    return false;
  };
  return [...document.body.querySelectorAll('*')]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !scrolls(el))
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} `
      + `${Math.round(el.getBoundingClientRect().right)}px`);
}"""


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_fit_the_screen(browser, base_url, role, width):
    context = browser.new_context(
        base_url=base_url, viewport=dict(zip(("width", "height"), WIDTHS[width], strict=True))
    )
    page = context.new_page()
    log_in(page, base_url, role)
    page.wait_for_load_state("load")
    candidate = ""
    if role == "caseworker":
        page.goto(base_url + "/veileder/kandidater")
        candidate = (
            page.locator("a[href^='/veileder/kandidater/']")
            .filter(has_text=re.compile("NAV"))
            .first.get_attribute("href")
        )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    too_wide = {}
    for path in PAGES[role]:
        url = path.format(candidate=candidate)
        response = page.goto(base_url + url)
        assert response is not None and response.ok, url
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        page.screenshot(path=SCREENSHOTS / f"{role}-{_slug(path)}-{width}.png", full_page=True)
        if scroll_width > inner_width:
            too_wide[url] = (scroll_width, page.evaluate(OVERFLOWING))
    context.close()
    assert not too_wide, f"pages wider than {WIDTHS[width][0]} px: {too_wide}"
