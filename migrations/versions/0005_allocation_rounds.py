"""allocation rounds, and suggestions marked with the round that proposed them

Revision ID: 0005_allocation_rounds
Revises: 0004_full_text_search
Create Date: 2026-12-06 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005_allocation_rounds'
down_revision = '0004_full_text_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('allocation_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('totals', sa.JSON(), nullable=False),
    sa.Column('model_version', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_allocation_round_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['started_by_id'], ['user.id'], name=op.f('fk_allocation_round_started_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_round'))
    )
    with op.batch_alter_table('allocation_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocation_round_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allocation_round_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_suggestion_allocation_round_id'), ['allocation_round_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_suggestion_allocation_round_id_allocation_round'), 'allocation_round', ['allocation_round_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_suggestion_allocation_round_id_allocation_round'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_suggestion_allocation_round_id'))
        batch_op.drop_column('allocation_round_id')

    with op.batch_alter_table('allocation_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocation_round_organisation_id'))

    op.drop_table('allocation_round')
