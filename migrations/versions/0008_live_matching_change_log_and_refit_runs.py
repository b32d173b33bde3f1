"""live matching: change log, refit runs, the artefact's change watermark

Revision ID: 0008_live_matching
Revises: 0007_slot_reference_code
Create Date: 2026-12-06 13:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008_live_matching"
down_revision = "0007_slot_reference_code"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "match_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_change")),
    )
    with op.batch_alter_table("match_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_change_object_id"), ["object_id"], unique=False)
    op.create_table(
        "refit_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refit_run")),
    )
    with op.batch_alter_table("model_artifact", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("changes_upto", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("model_artifact", schema=None) as batch_op:
        batch_op.drop_column("changes_upto")
    op.drop_table("refit_run")
    with op.batch_alter_table("match_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_change_object_id"))
    op.drop_table("match_change")
