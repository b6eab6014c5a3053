"""public submissions by address: the durable hourly quota counts leads, reports and demo requests
per IP over the last hour

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

INDEXES = (("ix_leads_ip_submitted", "leads"), ("ix_public_reports_ip_submitted", "public_reports"),
           ("ix_demo_requests_ip_submitted", "demo_requests"))


def upgrade() -> None:
    for name, table in INDEXES:
        op.create_index(name, table, ["ip", "submitted_at"])


def downgrade() -> None:
    for name, table in INDEXES:
        op.drop_index(name, table_name=table)
