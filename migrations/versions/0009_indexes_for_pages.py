"""Indexes for the filters and joins the pages use.

An object's audit history; suggestions by candidate and state and by slot and state (the
employer's inbox); placements by slot and state (taken places); open slots newest first; and
the link tables by code, which the filters and the text search use ("rows having any of these
codes").

Revision ID: 0009_indexes_for_pages
Revises: 0008_live_matching
"""

from alembic import op

revision = "0009_indexes_for_pages"
down_revision = "0008_live_matching"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_audit_event_object", "audit_event", ["object_type", "object_id", "at"]),
    ("ix_suggestion_candidate_status", "suggestion", ["candidate_id", "status"]),
    ("ix_suggestion_slot_status", "suggestion", ["slot_id", "status"]),
    ("ix_placement_slot_status", "placement", ["slot_id", "status"]),
    ("ix_slot_status_created_at", "slot", ["status", "created_at"]),
    ("ix_slot_skill_skill_code", "slot_skill", ["skill_code"]),
    ("ix_candidate_kind_kind_code", "candidate_kind", ["kind_code"]),
    ("ix_candidate_skill_skill_code", "candidate_skill", ["skill_code"]),
    ("ix_candidate_occupation_occupation_code", "candidate_occupation", ["occupation_code"]),
    ("ix_candidate_adaptation_adaptation_code", "candidate_adaptation", ["adaptation_code"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
