"""Full-text search indexes: tsvector + pg_trgm on PostgreSQL, FTS5 (trigram) on SQLite.

Revision ID: 0004_full_text_search
Revises: 0003_schools
"""

from alembic import op

from webapp.models.search_index import create_statements, drop_statements

revision = "0004_full_text_search"
down_revision = "0003_schools"
branch_labels = None
depends_on = None


def upgrade():
    dialect = op.get_bind().dialect.name
    for statement in create_statements(dialect):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in drop_statements(dialect):
        op.execute(statement)
