"""The placement agreement: its text, its versions, its signatures and the candidate's links.

Four new tables; nothing existing is altered (placements made before this have no agreement
until someone opens it, see webapp/services/agreements.py).

Revision ID: 0013_placement_agreements
Revises: 0012_organisation_status
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_placement_agreements"
down_revision = "0012_organisation_status"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("tasks", sa.Text(), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("hours_per_day", sa.Double(), nullable=True),
        sa.Column("hours_per_week", sa.Double(), nullable=True),
        sa.Column("mentor_name", sa.String(length=200), nullable=False),
        sa.Column("mentor_contact", sa.String(length=200), nullable=False),
        sa.Column("adaptations", sa.Text(), nullable=False),
        sa.Column("workplace", sa.String(length=300), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("insurance", sa.Text(), nullable=False),
        sa.Column("programme_terms", sa.Text(), nullable=False),
        sa.Column("follow_up_plan", sa.Text(), nullable=False),
        sa.Column("benefit", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_agreement_placement_id_placement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
        sa.UniqueConstraint("placement_id", name=op.f("uq_agreement_placement_id")),
    )
    op.create_index(op.f("ix_agreement_status"), "agreement", ["status"], unique=False)

    op.create_table(
        "agreement_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_link_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_agreement_link_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_agreement_link_token_hash")),
    )
    op.create_index(
        op.f("ix_agreement_link_agreement_id"), "agreement_link", ["agreement_id"], unique=False
    )

    op.create_table(
        "agreement_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=12), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_signature_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_agreement_signature_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_signature")),
    )
    op.create_index(
        op.f("ix_agreement_signature_agreement_id"),
        "agreement_signature",
        ["agreement_id"],
        unique=False,
    )

    op.create_table(
        "agreement_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("side", sa.String(length=12), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.Column("voided_signatures", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_version_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_agreement_version_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_version")),
    )
    op.create_index(
        op.f("ix_agreement_version_agreement_id"),
        "agreement_version",
        ["agreement_id"],
        unique=False,
    )


def downgrade():
    op.drop_index(op.f("ix_agreement_version_agreement_id"), table_name="agreement_version")
    op.drop_table("agreement_version")
    op.drop_index(op.f("ix_agreement_signature_agreement_id"), table_name="agreement_signature")
    op.drop_table("agreement_signature")
    op.drop_index(op.f("ix_agreement_link_agreement_id"), table_name="agreement_link")
    op.drop_table("agreement_link")
    op.drop_index(op.f("ix_agreement_status"), table_name="agreement")
    op.drop_table("agreement")
