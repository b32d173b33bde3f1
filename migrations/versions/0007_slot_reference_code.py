"""slot reference code, so a re-imported slot updates instead of duplicating

Revision ID: 0007_slot_reference_code
Revises: 0006_api_tokens
Create Date: 2026-12-06 14:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_slot_reference_code'
down_revision = '0006_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE and CREATE INDEX: a batch rebuild of "slot" on SQLite would drop the
    # full-text search triggers that ride on it.
    op.add_column('slot', sa.Column('reference_code', sa.String(length=40), nullable=True))
    op.create_index(
        'ix_slot_organisation_reference', 'slot', ['organisation_id', 'reference_code'], unique=True
    )


def downgrade():
    op.drop_index('ix_slot_organisation_reference', table_name='slot')
    op.drop_column('slot', 'reference_code')  # SQLite ≥ 3.35 drops a column in place
