"""coop_contributions: drop the index on org_id alone

Both composite indexes of the table (ix_coop_contributions_group, ix_coop_contributions_status_due)
lead with org_id, so the single-column one served no query and cost one more index entry (and its
WAL) for each of the 120,000 instalments written when funding opens.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('coop_contributions', schema=None) as batch_op:
        batch_op.drop_index('ix_coop_contributions_org_id')


def downgrade() -> None:
    with op.batch_alter_table('coop_contributions', schema=None) as batch_op:
        batch_op.create_index('ix_coop_contributions_org_id', ['org_id'], unique=False)
