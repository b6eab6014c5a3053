"""seed the global default workflow of every case type, version 1
(frozen copy: migrations/frozen/workflow_templates_v1.json)

Revision ID: 0004_crm_seed_workflows
Revises: 0003_crm_seed_reference_data
"""
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from atlas_shared.db.types import JsonType, UtcDateTime

from atlas_crm.migrations.frozen import load

revision = "0004_crm_seed_workflows"
down_revision = "0003_crm_seed_reference_data"
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID("0b3e5f7a-1c2d-4e8f-9a0b-6c5d4e3f2a19")

definitions = sa.table(
    "workflow_definitions", sa.column("id", sa.Uuid()), sa.column("org_id", sa.Uuid()),
    sa.column("case_type", sa.String()), sa.column("version", sa.Integer()), sa.column("definition", JsonType),
    sa.column("comment", sa.String()), sa.column("created_by", sa.String()), sa.column("created_at", UtcDateTime()))


def upgrade() -> None:
    now = datetime.now(UTC)
    op.bulk_insert(definitions, [
        {"id": uuid.uuid5(NAMESPACE, f"{case_type}:v1"), "org_id": None, "case_type": case_type,
         "version": 1, "definition": definition, "comment": "Default template (domain.md section 4)",
         "created_by": "migration:0004", "created_at": now}
        for case_type, definition in load("workflow_templates_v1.json").items()])


def downgrade() -> None:
    op.execute(definitions.delete().where(definitions.c.org_id.is_(None), definitions.c.version == 1))
