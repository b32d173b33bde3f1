"""The migrations create exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from support import make_test_app

from webapp.extensions import db
from webapp.models import search_index


def _schema_drift(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_name": search_index.include_name,
                "include_object": search_index.include_object,
            },
        )
        return compare_metadata(context, db.metadata)


def _tables(app) -> set[str]:
    with app.app_context():
        names = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        return {name for name in names if not search_index.is_search_table(name)}


def _search_objects(app) -> int:
    """How many full-text search objects (FTS5 tables, generated search columns) exist."""
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            query = "SELECT count(*) FROM sqlite_master WHERE name LIKE '%\\_fts%' ESCAPE '\\'"
        else:
            query = (
                "SELECT count(*) FROM information_schema.columns"
                " WHERE column_name IN ('search_vector', 'search_text')"
            )
        return conn.execute(sa.text(query)).scalar()


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
    assert _search_objects(app) == 0

    with app.app_context():
        upgrade()
    assert _schema_drift(app) == []
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_migrated_search_index_follows_inserts_updates_and_deletes(backend, scratch_databases):
    """Triggers (SQLite) or generated columns (PostgreSQL) keep the index current."""
    from factories import make_slot

    from webapp.services import slot_search
    from webapp.services.slot_search import SlotFilters

    url = getattr(scratch_databases, backend)("migrated_search")
    app = make_test_app(url)
    with app.app_context():
        upgrade()
        from seeds.taxonomy import load_taxonomies

        load_taxonomies()

        def found(q):
            return [hit.slot.title for hit in slot_search.search(SlotFilters(q=q)).hits]

        slot = make_slot(title="Helsefagarbeider", description="Sykehjem")
        assert found("fagarbeider") == ["Helsefagarbeider"]
        slot.title = "Barne- og ungdomsarbeider"
        db.session.commit()
        assert found("fagarbeider") == []
        assert found("ungdomsarbeider") == ["Barne- og ungdomsarbeider"]
        db.session.delete(slot)
        db.session.commit()
        assert found("ungdomsarbeider") == []
        db.session.remove()
        db.engine.dispose()
