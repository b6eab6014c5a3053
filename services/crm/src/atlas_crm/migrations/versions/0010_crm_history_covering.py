"""status history: the moves of a date range read from their index alone (PostgreSQL)

Revision ID: 0010_crm_history_covering
Revises: 0009_crm_dossier_milestones

Time in each stage and the funnel's status entries read every move of the range (~12,000 for the
biggest agency's month in bench/crm): through ``ix_status_history_org_occurred`` then the heap, one
page per few moves. The index now carries what they read (an append-only table: its pages stay
all-visible, so the scan is index-only): a month's 12,220 moves, bitmap heap scan over 1,823 heap
pages 5.1 ms → index-only scan 1.9 ms (EXPLAIN ANALYZE).
"""
from alembic import op

revision = "0010_crm_history_covering"
down_revision = "0009_crm_dossier_milestones"
branch_labels = None
depends_on = None

CARRIED = ["from_status", "from_entered_at", "to_status", "dossier_id"]


def upgrade() -> None:
    with op.batch_alter_table("dossier_status_history") as batch:
        batch.drop_index("ix_status_history_org_occurred")
        batch.create_index("ix_status_history_org_occurred", ["org_id", "occurred_at"], postgresql_include=CARRIED)


def downgrade() -> None:
    with op.batch_alter_table("dossier_status_history") as batch:
        batch.drop_index("ix_status_history_org_occurred")
        batch.create_index("ix_status_history_org_occurred", ["org_id", "occurred_at"])
