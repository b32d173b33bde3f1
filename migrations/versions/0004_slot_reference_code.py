"""slot reference code, so a re-imported slot updates instead of duplicating

Revision ID: 0004_slot_reference_code
Revises: 0003_api_tokens
Create Date: 2026-12-06 14:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004_slot_reference_code'
down_revision = '0003_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('slot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference_code', sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_slot_organisation_id'), ['organisation_id', 'reference_code']
        )


def downgrade():
    with op.batch_alter_table('slot', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_slot_organisation_id'), type_='unique')
        batch_op.drop_column('reference_code')
