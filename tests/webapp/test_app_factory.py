"""The app factory, configuration from the environment, health check and security headers."""

from __future__ import annotations

import pytest
from factories import PASSWORD, make_user
from support import make_test_app

from webapp import create_app
from webapp.config import normalise_database_url


def test_demo_defaults_use_sqlite_and_a_persisted_generated_secret(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "SECRET_KEY", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    first = create_app()
    second = create_app()
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/arbeidsbro.sqlite"
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_environment_variables_configure_the_app(tmp_path, monkeypatch):
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.example/arbeidsbro")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("ARBEIDSBRO_HTTPS", "1")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/arbeidsbro"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://a@b/c", "postgresql+psycopg://a@b/c"),
        ("postgresql://a@b/c", "postgresql+psycopg://a@b/c"),
        ("postgresql+psycopg://a@b/c", "postgresql+psycopg://a@b/c"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_the_installed_driver(given, expected):
    assert normalise_database_url(given) == expected


def test_healthz_reports_a_reachable_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(tmp_path):
    app = make_test_app("sqlite:///" + str(tmp_path / "missing" / "nowhere.sqlite"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_every_page_sends_security_headers(client):
    response = client.get("/logg-inn")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    # Images may be data: URIs (Designsystemet's icons), scripts and styles may not.
    assert "img-src 'self' data:" in csp
    assert "script-src" not in csp and "style-src" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_sent_over_https(client):
    response = client.get("/logg-inn", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_for_a_logged_in_user_are_never_cached(client, auth, db):
    user = make_user()
    auth.login(user.email, PASSWORD)
    response = client.get("/arbeidsgiver/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(client, auth, db):
    user = make_user()
    response = auth.login(user.email, PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_templates_use_no_inline_scripts_or_styles(app):
    """The CSP forbids them, so a template that uses one would silently break in browsers."""
    from pathlib import Path

    root = Path(app.root_path) / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text()
        assert "style=" not in text, template
        assert "<script>" not in text and "onclick=" not in text, template


def test_a_web_worker_preloads_the_model_but_a_command_does_not(tmp_path, monkeypatch):
    """``flask db upgrade`` on a fresh checkout must not try to read a model table that does
    not exist yet (it printed a traceback before every first migration)."""
    import click

    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    loaded = []
    monkeypatch.setattr("webapp.services.model_store.preload", loaded.append)
    with click.Context(click.Command("upgrade")):
        create_app()
    assert loaded == []
    app = create_app()
    assert loaded == [app]
