"""Shared fixtures: the app on a real database (SQLite by default, PostgreSQL when
``TEST_DATABASE_URL`` names one), a clean database per test, the client and form helpers."""

from __future__ import annotations

import pytest
from hypothesis import settings
from support import (
    TAXONOMY_TABLES,
    TEST_DATABASE_URL,
    AuthActions,
    ScratchDatabases,
    make_test_app,
)

from webapp.extensions import db as _db
from webapp.extensions import limiter

# Property tests explore the same examples on every run, so a red run can be repeated and a
# green one is not luck; the examples are still many and varied (see the tests' max_examples).
settings.register_profile("deterministic", derandomize=True, database=None, print_blob=True)
settings.load_profile("deterministic")


def pytest_report_header(config):
    return f"database: {TEST_DATABASE_URL or 'SQLite (set TEST_DATABASE_URL for PostgreSQL)'}"


@pytest.fixture(scope="session")
def scratch_databases(tmp_path_factory):
    databases = ScratchDatabases(tmp_path_factory)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def app(scratch_databases):
    # A database of its own on the server TEST_DATABASE_URL names (or a SQLite file), so two
    # runs on one machine never empty each other's tables.
    app = make_test_app(scratch_databases.default("suite"))
    with app.app_context():
        _db.create_all()  # tests only: the schema itself is tested against the migrations
        from seeds.taxonomy import load_taxonomies

        load_taxonomies()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every non-taxonomy table after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                if table.name not in TAXONOMY_TABLES:
                    conn.execute(table.delete())
        limiter.reset()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        _db.session.rollback()


@pytest.fixture
def db(app_ctx):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def auth(client):
    return AuthActions(client)


class StatementCounter:
    """The SQL statements run while counting (SQLAlchemy's ``before_cursor_execute``)."""

    def __init__(self):
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def __call__(self, _conn, _cursor, statement, *_args):
        self.statements.append(statement)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counted: …`` then ``len(counted)`` is the statements sent."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        counter = StatementCounter()
        with app.app_context():
            engine = _db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting
