"""The migrations create exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from support import make_test_app

from webapp.extensions import db


def _schema_drift(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _tables(app) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_upgrade_head_gives_the_models_schema_and_round_trips(backend, scratch_databases):
    url = getattr(scratch_databases, backend)("migrations")
    app = make_test_app(url)
    with app.app_context():
        upgrade()
    assert _schema_drift(app) == []
    assert _tables(app) == set(db.metadata.tables)

    with app.app_context():
        downgrade(revision="base")
    assert _tables(app) == set()

    with app.app_context():
        upgrade()
    assert _schema_drift(app) == []
    with app.app_context():
        db.engine.dispose()
