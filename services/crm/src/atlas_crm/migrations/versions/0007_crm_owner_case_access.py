"""what a property owner sees of the dossiers on their listings: the listing's owner in the CRM's
listing projection, and the org's ownerCaseAccess setting (NONE, MASKED, FULL)

Revision ID: 0007_crm_owner_case_access
Revises: 0006_crm_seed_coop_workflows
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_crm_owner_case_access"
down_revision = "0006_crm_seed_coop_workflows"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("listing_projections") as batch:
        batch.add_column(sa.Column("owner_user_id", sa.String(length=100), nullable=True))
        batch.create_index("ix_listing_projections_owner", ["org_id", "owner_user_id"])
    with op.batch_alter_table("org_settings") as batch:
        batch.add_column(sa.Column("owner_case_access", sa.String(length=10), nullable=False,
                                   server_default="MASKED"))


def downgrade() -> None:
    with op.batch_alter_table("org_settings") as batch:
        batch.drop_column("owner_case_access")
    with op.batch_alter_table("listing_projections") as batch:
        batch.drop_index("ix_listing_projections_owner")
        batch.drop_column("owner_user_id")
