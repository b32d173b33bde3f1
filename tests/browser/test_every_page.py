"""axe-core on every page each role can reach, in bokmål and English.

Not a hand list: each run logs in, starts at the role's home page and follows every link on every
page it opens (breadth first, same site only), so a new page is checked as soon as something links
to it. Pages of one shape (the same path with other ids, or other filters) are checked once.
Downloads, the API and the language and logout forms are left out; GET never changes anything in
this app, so following every link is safe.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from test_smoke import log_in, switch_language

ROLES = ["caseworker", "caseworker_refugee", "employer", "employer_pending", "school", "admin"]
LANGUAGES = {"nb": None, "en": ("en", "Bytt")}
MAX_PAGES = 120  # far above what any role reaches today; a stop for a link loop
NOT_PAGES = re.compile(
    r"^/(static|api|metrics|healthz|readyz|yrker/forslag)\b"  # assets, JSON, probes
    r"|\.(csv|xlsx|pdf|json)$"  # downloads
    r"|/eksport$|/mal\.|/utskrift$"  # exports, import templates and the print view
)
LINKS = """() => [...document.querySelectorAll('a[href]')].map((a) => a.href)"""


def _shape(path: str) -> str:
    """/veileder/kandidater/17/forslag → /veileder/kandidater/#/forslag."""
    return re.sub(r"/\d+(?=/|$)", "/#", path)


def _crawl(page, base_url: str, check_accessibility) -> list[str]:
    """Open every page reachable from the current one; return the paths checked."""
    start = urlsplit(page.url)
    queue, seen, checked = deque([start.path]), {_shape(start.path)}, []
    while queue and len(checked) < MAX_PAGES:
        url = queue.popleft()
        response = page.goto(base_url + url)
        assert response is not None, url
        assert response.status < 500, f"{url} answered {response.status}"
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        check_accessibility(page)
        checked.append(url)
        for href in page.evaluate(LINKS):
            link = urlsplit(href)
            if link.netloc != start.netloc or NOT_PAGES.search(link.path):
                continue
            target = link.path + (f"?{link.query}" if link.query else "")
            if _shape(link.path) not in seen:
                seen.add(_shape(link.path))
                queue.append(target)
    return checked


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_passes_axe(page, base_url, role, language, check_accessibility):
    log_in(page, base_url, role)
    page.wait_for_load_state("load")
    if LANGUAGES[language]:
        switch_language(page, *LANGUAGES[language])
        page.wait_for_load_state("load")
    try:
        assert page.locator("html").get_attribute("lang") == language
        checked = _crawl(page, base_url, check_accessibility)
    finally:
        if LANGUAGES[language]:  # the choice is stored on the user; later tests expect bokmål
            page.goto(base_url + "/konto")
            switch_language(page, "nb", "Change")
    assert len(checked) >= 3, checked
    print(f"{role} ({language}): {len(checked)} pages: {checked}")
