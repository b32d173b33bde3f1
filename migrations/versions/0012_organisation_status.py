"""Organisations can be refused (with a reason) and deactivated; the audit log's filters.

The admin's audit log filters by action or by person, newest first: (action, at) and
(actor_id, at) serve both the condition and the order, and replace the single-column indexes.

Revision ID: 0012_organisation_status
Revises: 0011_employer_note
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_organisation_status"
down_revision = "0011_employer_note"
branch_labels = None
depends_on = None


def upgrade():
    # Plain add_column (no batch): nullable or with a server default, so SQLite needs no copy.
    op.add_column("organisation", sa.Column("rejected_at", sa.DateTime(), nullable=True))
    op.add_column(
        "organisation",
        sa.Column("rejection_reason", sa.Text(), nullable=False, server_default=""),
    )
    op.add_column(
        "organisation",
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.create_index("ix_audit_event_action_at", "audit_event", ["action", "at"])
    op.create_index("ix_audit_event_actor_at", "audit_event", ["actor_id", "at"])
    op.drop_index("ix_audit_event_action", table_name="audit_event")
    op.drop_index("ix_audit_event_actor_id", table_name="audit_event")


def downgrade():
    op.create_index("ix_audit_event_actor_id", "audit_event", ["actor_id"])
    op.create_index("ix_audit_event_action", "audit_event", ["action"])
    op.drop_index("ix_audit_event_actor_at", table_name="audit_event")
    op.drop_index("ix_audit_event_action_at", table_name="audit_event")
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.drop_column("active")
        batch_op.drop_column("rejection_reason")
        batch_op.drop_column("rejected_at")
