"""Global-or-tenant data: dictionaries and workflow definitions.

These tables are NOT ``TenantScoped``: a global default has ``org_id`` NULL. They are read only
through ``atlas_crm.adapters.reference_data.tenant_or_global`` (global rows plus the caller's own).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from atlas_crm.adapters.orm.base import Base
from atlas_shared.db.types import JsonType, UtcDateTime, UuidType, new_id, utcnow

GLOBAL_ROWS = text("org_id IS NULL")


class ReferenceEntry(Base):
    """One code of one dictionary (dict_type): global default, or a tenant's override/addition."""

    __tablename__ = "reference_entries"
    __table_args__ = (
        UniqueConstraint("org_id", "dict_type", "code"),
        Index("uq_reference_entries_global_code", "dict_type", "code", unique=True,
              postgresql_where=GLOBAL_ROWS, sqlite_where=GLOBAL_ROWS),
        Index("ix_reference_entries_org_type", "org_id", "dict_type"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    org_id: Mapped[uuid.UUID | None] = mapped_column(UuidType)
    dict_type: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(60))
    label_fr: Mapped[str] = mapped_column(String(200))
    label_ar: Mapped[str | None] = mapped_column(String(200))
    label_en: Mapped[str | None] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JsonType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class WorkflowDefinitionRow(Base):
    """A version of a case type's workflow; the active one is the org's latest, else the global latest."""

    __tablename__ = "workflow_definitions"
    __table_args__ = (
        UniqueConstraint("org_id", "case_type", "version"),
        Index("uq_workflow_definitions_global_version", "case_type", "version", unique=True,
              postgresql_where=GLOBAL_ROWS, sqlite_where=GLOBAL_ROWS),
        Index("ix_workflow_definitions_lookup", "case_type", "org_id", "version"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    org_id: Mapped[uuid.UUID | None] = mapped_column(UuidType)
    case_type: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]] = mapped_column(JsonType)
    comment: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
