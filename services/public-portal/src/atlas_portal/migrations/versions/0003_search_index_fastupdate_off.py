"""search: GIN index without a pending list (fastupdate off)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 03:45:00

With ``fastupdate`` on (PostgreSQL's default), new rows go to the GIN index's pending list, and every
full-text search scans that whole list (up to 4 MB, matching each pending vector) until a vacuum
merges it — 286 pages / 4,425 vectors after seeding 100,000 listings. The read model is written one
listing at a time and searched all the time: each write now updates the index directly.
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_public_listings_search SET (fastupdate = off)")
        # Merge what the pending list already holds (the setting alone leaves it in place).
        op.execute("SELECT gin_clean_pending_list('ix_public_listings_search'::regclass)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_public_listings_search RESET (fastupdate)")
