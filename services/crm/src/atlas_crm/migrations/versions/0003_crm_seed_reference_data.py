"""seed the global reference dictionaries (frozen copy: migrations/frozen/reference_data_v1.json)

Revision ID: 0003_crm_seed_reference_data
Revises: 0002_crm_core
"""
from alembic import op

from atlas_crm.migrations.seeding import global_rows, reference_entries

revision = "0003_crm_seed_reference_data"
down_revision = "0002_crm_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.bulk_insert(reference_entries, global_rows("reference_data_v1.json"))


def downgrade() -> None:
    op.execute(reference_entries.delete().where(reference_entries.c.org_id.is_(None)))
