"""seed the coop service's overridable lifecycles (COOP_GROUP, COOP_PROJECT) as global version 1, so the
workflow admin can show, diff and version them (frozen copy: coop_workflow_defaults_v1.json, checked
against atlas_coop's defaults by tests/integration/test_workflow_admin_contract.py)

Revision ID: 0006_crm_seed_coop_workflows
Revises: 0005_crm_seed_platform_dictionaries
"""
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from atlas_shared.db.types import JsonType, UtcDateTime

from atlas_crm.migrations.frozen import load

revision = "0006_crm_seed_coop_workflows"
down_revision = "0005_crm_seed_platform_dictionaries"
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID("0b3e5f7a-1c2d-4e8f-9a0b-6c5d4e3f2a19")  # as 0004

definitions = sa.table(
    "workflow_definitions", sa.column("id", sa.Uuid()), sa.column("org_id", sa.Uuid()),
    sa.column("case_type", sa.String()), sa.column("version", sa.Integer()), sa.column("definition", JsonType),
    sa.column("comment", sa.String()), sa.column("created_by", sa.String()), sa.column("created_at", UtcDateTime()))


def upgrade() -> None:
    now = datetime.now(UTC)
    op.bulk_insert(definitions, [
        {"id": uuid.uuid5(NAMESPACE, f"{case_type}:v1"), "org_id": None, "case_type": case_type,
         "version": 1, "definition": definition, "comment": "Coop default lifecycle (domain.md section 8)",
         "created_by": "migration:0006", "created_at": now}
        for case_type, definition in load("coop_workflow_defaults_v1.json").items()])


def downgrade() -> None:
    types = sorted(load("coop_workflow_defaults_v1.json"))
    op.execute(definitions.delete().where(definitions.c.org_id.is_(None), definitions.c.case_type.in_(types)))
