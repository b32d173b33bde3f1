"""The caseworker's short note to the employer on a proposal.

Written when the match is sent and shown on the employer's proposal card. A plain nullable
column (no batch alter): proposals made before it simply have none.

Revision ID: 0011_employer_note
Revises: 0010_webhooks
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_employer_note"
down_revision = "0010_webhooks"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("suggestion", sa.Column("employer_note", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("suggestion") as batch:
        batch.drop_column("employer_note")
