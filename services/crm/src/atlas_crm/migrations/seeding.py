"""Seeding global reference entries and workflow versions from frozen JSON files (migrations 0003-0006)."""

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


# Stable ids for global workflow versions (as migration 0004 first made them).
WORKFLOW_NAMESPACE = uuid.UUID("0b3e5f7a-1c2d-4e8f-9a0b-6c5d4e3f2a19")

workflow_definitions = sa.table(
    "workflow_definitions", sa.column("id", sa.Uuid()), sa.column("org_id", sa.Uuid()),
    sa.column("case_type", sa.String()), sa.column("version", sa.Integer()),
    sa.column("definition", JsonType), sa.column("comment", sa.String()),
    sa.column("created_by", sa.String()), sa.column("created_at", UtcDateTime()))


def global_workflow_rows(frozen_file: str, comment: str, created_by: str) -> list[dict[str, Any]]:
    """Version 1 of each case type's definition in ``frozen_file`` ({caseType: definition})."""
    now = datetime.now(UTC)
    return [{"id": uuid.uuid5(WORKFLOW_NAMESPACE, f"{case_type}:v1"), "org_id": None, "case_type": case_type,
             "version": 1, "definition": definition, "comment": comment, "created_by": created_by,
             "created_at": now}
            for case_type, definition in load(frozen_file).items()]
