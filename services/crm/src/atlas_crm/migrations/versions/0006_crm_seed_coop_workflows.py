"""seed the coop service's overridable lifecycles (COOP_GROUP, COOP_PROJECT) as global version 1, so the
workflow admin can show, diff and version them (frozen copy: coop_workflow_defaults_v1.json, checked
against atlas_coop's defaults by tests/integration/test_workflow_admin_contract.py)

Revision ID: 0006_crm_seed_coop_workflows
Revises: 0005_crm_seed_platform_dicts
"""
from alembic import op

from atlas_crm.migrations.frozen import load
from atlas_crm.migrations.seeding import global_workflow_rows, workflow_definitions

revision = "0006_crm_seed_coop_workflows"
down_revision = "0005_crm_seed_platform_dicts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.bulk_insert(workflow_definitions, global_workflow_rows(
        "coop_workflow_defaults_v1.json", "Coop default lifecycle (domain.md section 8)", "migration:0006"))


def downgrade() -> None:
    types = sorted(load("coop_workflow_defaults_v1.json"))
    op.execute(workflow_definitions.delete().where(workflow_definitions.c.org_id.is_(None),
                                                   workflow_definitions.c.case_type.in_(types)))
