"""The browsable API description renders with the strict CSP (the context fixture fails a test
on any CSP violation in the console)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from support import IN_CI

SWAGGER = (
    Path(__file__).resolve().parents[2] / "webapp/static/vendor/swagger-ui/swagger-ui-bundle.js"
)


def test_the_api_docs_page_renders_swagger_ui_under_the_csp(page, live_server):
    if not SWAGGER.exists():
        message = "Swagger UI is not vendored: run bin/setup"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    page.goto(live_server + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Arbeidsbro API")
    expect(page.locator(".opblock").first).to_be_visible()
