"""Helpers the tests share: databases to test on, the test app and form submission."""

from __future__ import annotations

import contextvars
import os
import re
import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from webapp import create_app
from webapp.config import normalise_database_url

IN_CI = os.environ.get("CI") == "true"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

# Taxonomies are loaded once per run and kept; everything else is emptied after each test.
TAXONOMY_TABLES = {
    "slot_kind",
    "language_level",
    "adaptation",
    "program_area",
    "occupation",
    "skill",
    "postal_place",
}


def postgres_admin_url() -> str | None:
    """The PostgreSQL server to make scratch databases on, or None when there is none."""
    url = TEST_DATABASE_URL or os.environ.get("TEST_POSTGRES_URL")
    if not url:
        if IN_CI:
            url = "postgresql://postgres@127.0.0.1:5432/test"
        else:
            return None
    return normalise_database_url(url)


def require_postgres() -> str:
    """The PostgreSQL URL for a test that must run on PostgreSQL; skip (fail in CI) without one."""
    url = postgres_admin_url()
    reason = "no PostgreSQL: set TEST_DATABASE_URL=postgresql://user@host/db to run this test"
    if url is None:
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        engine = sa.create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
    except sa.exc.OperationalError as error:
        if IN_CI:
            pytest.fail(f"PostgreSQL at {url} is not reachable: {error}")
        pytest.skip(f"PostgreSQL at {url} is not reachable")
    return url


def require_redis(url: str):
    """A Redis connection for a test that needs one; skip (fail in CI) when Redis is down."""
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    connection = Redis.from_url(url)
    try:
        connection.ping()
    except RedisDown:
        if IN_CI:
            pytest.fail(f"Redis at {url} is not reachable")
        pytest.skip(f"no Redis at {url}")
    return connection


class ScratchDatabases:
    """Fresh, empty databases for tests that need their own (migrations, the live server)."""

    def __init__(self, tmp_path_factory):
        self.tmp_path_factory = tmp_path_factory
        self.created: list[str] = []

    def sqlite(self, name: str) -> str:
        return "sqlite:///" + str(self.tmp_path_factory.mktemp(name) / f"{name}.sqlite")

    def postgres(self, name: str) -> str:
        admin_url = require_postgres()
        database = f"arbeidsbro_{name}_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
        engine.dispose()
        self.created.append(database)
        return sa.make_url(admin_url).set(database=database).render_as_string(hide_password=False)

    def default(self, name: str) -> str:
        """PostgreSQL when the run is on PostgreSQL, else SQLite."""
        return self.postgres(name) if TEST_DATABASE_URL else self.sqlite(name)

    def drop_all(self) -> None:
        if not self.created:
            return
        engine = sa.create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for database in self.created:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        engine.dispose()


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as in production.

    Flask reuses an app context that a test already holds, and with it ``g`` (where Flask-WTF
    caches the CSRF token) and the database session; a fresh context per request avoids both.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_test_app(database_url: str, instance_path=None, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-" + uuid.uuid4().hex,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "SERVER_NAME": None,
        # One app serves the whole session: the dashboard counts afresh for every test.
        "STATS_CACHE_SECONDS": 0,
        **overrides,
    }
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


def next_year(month: int, day: int) -> date:
    """That day next year: always ahead of today (a new slot may not start in the past), yet
    one fixed, readable date for as long as a test run lasts. A hard-coded date would be
    refused once the calendar passes it."""
    return date(date.today().year + 1, month, day)


CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, url: str = "/logg-inn") -> str:
    page = client.get(url)
    match = CSRF_PATTERN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} (status {page.status_code})"
    return match.group(1)


def submit(client, url: str, data: dict | None = None, *, form_url: str | None = None, **kwargs):
    """Post a form the way a browser does: fetch the page for its CSRF token, then send."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str, **kwargs):
        return submit(self.client, "/logg-inn", {"email": email, "password": password}, **kwargs)

    def logout(self):
        return submit(self.client, "/logg-ut", form_url="/konto")
