"""seed the global default workflow of every case type, version 1
(frozen copy: migrations/frozen/workflow_templates_v1.json)

Revision ID: 0004_crm_seed_workflows
Revises: 0003_crm_seed_reference_data
"""
from alembic import op

from atlas_crm.migrations.seeding import global_workflow_rows, workflow_definitions

revision = "0004_crm_seed_workflows"
down_revision = "0003_crm_seed_reference_data"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.bulk_insert(workflow_definitions, global_workflow_rows(
        "workflow_templates_v1.json", "Default template (domain.md section 4)", "migration:0004"))


def downgrade() -> None:
    op.execute(workflow_definitions.delete().where(workflow_definitions.c.org_id.is_(None),
                                                   workflow_definitions.c.version == 1))
