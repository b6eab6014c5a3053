"""seed the global reference dictionaries (frozen copy: migrations/frozen/reference_data_v1.json)

Revision ID: 0003_crm_seed_reference_data
Revises: 0002_crm_core
"""
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from atlas_shared.db.types import JsonType, UtcDateTime

from atlas_crm.migrations.frozen import load

revision = "0003_crm_seed_reference_data"
down_revision = "0002_crm_core"
branch_labels = None
depends_on = None

# Stable ids, so that every environment names a global entry the same way.
NAMESPACE = uuid.UUID("6d1f4c2e-7a51-4f0e-9a63-2f0c8e1b5a10")

entries = sa.table(
    "reference_entries", sa.column("id", sa.Uuid()), sa.column("org_id", sa.Uuid()),
    sa.column("dict_type", sa.String()), sa.column("code", sa.String()), sa.column("label_fr", sa.String()),
    sa.column("label_ar", sa.String()), sa.column("label_en", sa.String()), sa.column("sort_order", sa.Integer()),
    sa.column("is_active", sa.Boolean()), sa.column("metadata", JsonType),
    sa.column("created_at", UtcDateTime()), sa.column("updated_at", UtcDateTime()))


def upgrade() -> None:
    now = datetime.now(UTC)
    op.bulk_insert(entries, [
        {"id": uuid.uuid5(NAMESPACE, f"{e['dictType']}:{e['code']}"), "org_id": None,
         "dict_type": e["dictType"], "code": e["code"], "label_fr": e["labels"]["fr"],
         "label_ar": e["labels"]["ar"], "label_en": e["labels"]["en"], "sort_order": e["sortOrder"],
         "is_active": True, "metadata": e["metadata"], "created_at": now, "updated_at": now}
        for e in load("reference_data_v1.json")])


def downgrade() -> None:
    op.execute(entries.delete().where(entries.c.org_id.is_(None)))
