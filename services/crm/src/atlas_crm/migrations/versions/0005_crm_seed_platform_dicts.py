"""seed the dictionaries of listings, portal, coop and Biz (frozen copy: reference_data_v2.json)

Revision ID: 0005_crm_seed_platform_dicts
Revises: i002_report_indexes
"""
from alembic import op

from atlas_crm.migrations.frozen import load
from atlas_crm.migrations.seeding import global_rows, reference_entries

revision = "0005_crm_seed_platform_dicts"
down_revision = "i002_report_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.bulk_insert(reference_entries, global_rows("reference_data_v2.json"))


def downgrade() -> None:
    types = sorted({e["dictType"] for e in load("reference_data_v2.json")})
    op.execute(reference_entries.delete().where(reference_entries.c.org_id.is_(None),
                                                reference_entries.c.dict_type.in_(types)))
