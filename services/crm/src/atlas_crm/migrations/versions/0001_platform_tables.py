"""platform tables: outbox, inbox, audit trail

Revision ID: 0001
Revises:
"""
from atlas_shared.db.migrations import create_platform_tables_v1, drop_platform_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables_v1()


def downgrade() -> None:
    drop_platform_tables_v1()
