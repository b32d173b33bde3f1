"""Hostile input never breaks a page: every route in ``app.url_map``, every form field and query
parameter found on its pages, each hostile value once: no 5xx, and a refused form saves nothing.

The routes and the roles that may open them come from the access matrix, the fields from the
pages themselves (see ``sweep.py``), so a new page is swept without anyone listing it here. Run on
PostgreSQL with ``TEST_DATABASE_URL`` set (NUL bytes and integer ranges differ there).
"""

from __future__ import annotations

import pytest
from flask import url_for
from support import CSRF_PATTERN
from sweep import (
    HOSTILE,
    SKIP_ENDPOINTS,
    code_params,
    endpoint_of,
    parse_page,
    row_counts,
    with_query,
)
from test_access_matrix import MATRIX, World, _client_as, _rules

REFUSAL_MARKERS = ('class="ds-validation-message"', 'id="error-summary"', 'data-color="danger"><p')
ROLES = ["anonymous", "employer", "caseworker_a", "school", "admin"]


def _get_pages(app, world, role):
    """(endpoint, url) of every GET page ``role`` may open, with the world's objects as args."""
    pages = []
    for rule in _rules(app):
        if rule.endpoint in SKIP_ENDPOINTS or "GET" not in rule.methods:
            continue
        if MATRIX[rule.endpoint][role] != 200:
            continue
        values = {arg: world.values.get(arg) for arg in rule.arguments}
        with app.test_request_context():
            pages.append((rule.endpoint, url_for(rule.endpoint, **values)))
    return pages


def _crawl(app, client, world, role, pages=None):
    """Query parameters per GET page (linked, in a GET form, or read by the view's code) and the
    POST forms found on the pages."""
    params, forms = {}, {}
    for endpoint, url in _get_pages(app, world, role) if pages is None else pages:
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"
        if response.status_code == 200 and response.mimetype != "text/html":
            params[url] = sorted(code_params(app, endpoint))  # JSON, CSV: what the view reads
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = parse_page(url, response.get_data(as_text=True))
        names = {"page"} | page.link_params | code_params(app, endpoint)
        for form in page.forms:
            if form.method == "GET":
                names |= set(form.names)
            elif endpoint_of(app, form.action.split("?")[0], "POST") not in SKIP_ENDPOINTS:
                forms.setdefault((form.action, tuple(form.names)), (url, form))
        params[url] = sorted(names)
    return params, list(forms.values())


def _token(client, page_url):
    match = CSRF_PATTERN.search(client.get(page_url).get_data(as_text=True))
    return match.group(1) if match else ""


def _refused(response) -> bool:
    """A 4xx, or a page that says what was wrong (a field message or an error flash)."""
    if 400 <= response.status_code < 500:
        return True
    page = response.get_data(as_text=True) if response.status_code == 200 else ""
    return any(marker in page for marker in REFUSAL_MARKERS)


def sweep_params(client, params, hostile, value_name, failures):
    """Each query parameter of each page, one at a time."""
    for url, names in params.items():
        for name in names:
            response = client.get(url, query_string={name: hostile})
            if response.status_code >= 500:
                failures.append(f"GET {url}?{name}=<{value_name}> → {response.status_code}")


def sweep_forms(app, client, forms, hostile, value_name, failures, overrides=None):
    """Each field of each form, one at a time, the rest as the page filled them (or as
    ``overrides`` names them per endpoint); then each query argument the POST view reads. A
    refused form must have saved nothing."""
    token = _token(client, forms[0][0]) if forms else ""  # one per session, valid for every form
    sends = []
    for _page_url, form in forms:
        endpoint = endpoint_of(app, form.action.split("?")[0], "POST")
        valid = {**form.fields, **(overrides or {}).get(endpoint, {}), "csrf_token": token}
        sends += [(form.action, {**valid, name: hostile}, name) for name in form.names]
        sends += [
            (with_query(form.action, name, hostile), valid, f"?{name}")
            for name in sorted(code_params(app, endpoint))
        ]
    for action, data, name in sends:
        if name == "csrf_token":
            continue
        before = row_counts()
        response = client.post(action, data=data)
        where = f"POST {action} {name}=<{value_name}>"
        if response.status_code >= 500:
            failures.append(f"{where} → {response.status_code}")
        elif _refused(response):
            after = row_counts()
            changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
            if changed:
                failures.append(f"{where} refused ({response.status_code}) but saved {changed}")


@pytest.mark.parametrize("value_name", sorted(HOSTILE))
@pytest.mark.parametrize("role", ROLES)
def test_no_route_parameter_or_form_field_breaks_on_hostile_input(role, value_name, app, db):
    hostile = HOSTILE[value_name]
    world = World()
    client = _client_as(app, world, role)
    params, forms = _crawl(app, client, world, role)
    failures = []
    sweep_params(client, params, hostile, value_name, failures)
    sweep_forms(app, client, forms, hostile, value_name, failures)
    assert not failures, "\n".join(failures)
    if role != "school":
        assert forms, f"the sweep found no form for {role}: the crawler is broken"
