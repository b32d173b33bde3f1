"""Browser tests: the real app on a free localhost port, driven by Debian's Chromium.

The app runs the real migrations and the demo seed on its own database (PostgreSQL when the
suite runs on PostgreSQL). Every page a test visits can be checked with axe-core.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
from pathlib import Path

import pytest
from support import IN_CI, make_test_app
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # this machine has no network beyond the registries
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _missing(reason: str):
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        _missing("Chromium is not installed: apt-get install chromium (browser tests need it)")
    if not AXE_SOURCE.exists():
        _missing("axe-core is missing: run bin/setup (npm ci) first")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def live_app(scratch_databases):
    """The app on its own database: the real migrations, the demo seed, a built model."""
    from flask_migrate import upgrade

    from seeds.demo import seed_demo
    from webapp.services import matchmaking

    app = make_test_app(scratch_databases.default("browser"))
    with app.app_context():
        upgrade()
        seed_demo()
        matchmaking.rebuild()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    app = live_app
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in reports
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        from webapp.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


@pytest.fixture
def context(context):
    """Every page a test opens in its browser context: a CSP violation fails the test."""
    violations: list[str] = []

    def record(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{message.location.get('url', '?')}: {message.text[:160]}…")

    context.on("console", record)
    yield context
    assert not violations, "CSP violations in the console:\n" + "\n".join(violations)


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_SOURCE.read_text("utf-8")


@pytest.fixture
def check_accessibility(axe_source):
    """Run axe-core (WCAG 2.1 A/AA rules) on the page; fail on serious or critical violations."""

    def check(page) -> list[dict]:
        # A check right after a click could otherwise run while the next document replaces the
        # old one (axe then finds no documentElement): tests wrap navigating clicks in
        # expect_navigation(), and the check waits for the document it runs on to be loaded.
        page.wait_for_load_state("load")
        # evaluate() runs outside the page's CSP, so the strict policy stays on for the test.
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        result = page.evaluate(
            """() => axe.run(document, {runOnly: {type: 'tag',
                 values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
        )
        blocking = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
            if v["impact"] in BLOCKING_IMPACTS
        ]
        assert not blocking, f"axe-core on {page.url}:\n" + json.dumps(blocking, indent=2)
        return result["violations"]

    return check
