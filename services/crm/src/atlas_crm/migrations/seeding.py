"""Seeding global reference entries from a frozen JSON file (migrations 0003 and 0005)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from atlas_crm.migrations.frozen import load
from atlas_shared.db.types import JsonType, UtcDateTime

# Stable ids, so that every environment names a global entry the same way.
NAMESPACE = uuid.UUID("6d1f4c2e-7a51-4f0e-9a63-2f0c8e1b5a10")

reference_entries = sa.table(
    "reference_entries", sa.column("id", sa.Uuid()), sa.column("org_id", sa.Uuid()),
    sa.column("dict_type", sa.String()), sa.column("code", sa.String()), sa.column("label_fr", sa.String()),
    sa.column("label_ar", sa.String()), sa.column("label_en", sa.String()),
    sa.column("sort_order", sa.Integer()),
    sa.column("is_active", sa.Boolean()), sa.column("metadata", JsonType),
    sa.column("created_at", UtcDateTime()), sa.column("updated_at", UtcDateTime()))


def global_rows(frozen_file: str) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [{"id": uuid.uuid5(NAMESPACE, f"{e['dictType']}:{e['code']}"), "org_id": None,
             "dict_type": e["dictType"], "code": e["code"], "label_fr": e["labels"]["fr"],
             "label_ar": e["labels"]["ar"], "label_en": e["labels"]["en"], "sort_order": e["sortOrder"],
             "is_active": True, "metadata": e["metadata"], "created_at": now, "updated_at": now}
            for e in load(frozen_file)]
