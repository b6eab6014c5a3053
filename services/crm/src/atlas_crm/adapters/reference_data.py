"""Reading global-or-tenant data (dictionaries, workflow definitions).

These tables hold global defaults (``org_id`` NULL) beside tenant rows, so they cannot use the
session's tenant scoping. ``tenant_or_global`` is THE filter every read of them goes through:
global rows plus the caller's own, never another tenant's.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from atlas_crm.adapters.orm import ReferenceEntry, WorkflowDefinitionRow


def tenant_or_global(model: Any, org_id: uuid.UUID | str | None) -> ColumnElement[bool]:
    """``org_id IS NULL OR org_id = :org`` (only globals when there is no org)."""
    if org_id is None:
        return model.org_id.is_(None)
    return or_(model.org_id.is_(None), model.org_id == uuid.UUID(str(org_id)))


class Dictionaries:
    """The dictionaries as one organisation sees them: a tenant row overrides the global row of the
    same code (e.g. to disable it or relabel it); tenant-only codes are additions."""

    def __init__(self, session: Session, org_id: uuid.UUID | str | None) -> None:
        self.session, self.org_id = session, org_id
        self._cache: dict[str, dict[str, ReferenceEntry]] = {}

    def entries(self, dict_type: str) -> dict[str, ReferenceEntry]:
        if dict_type not in self._cache:
            rows = self.session.scalars(
                select(ReferenceEntry)
                .where(ReferenceEntry.dict_type == dict_type, tenant_or_global(ReferenceEntry, self.org_id))
                .order_by(ReferenceEntry.org_id.is_not(None))).all()  # globals first, tenant rows win
            merged = {row.code: row for row in rows}
            self._cache[dict_type] = dict(sorted(merged.items(), key=lambda kv: (kv[1].sort_order, kv[0])))
        return self._cache[dict_type]

    def active_codes(self, dict_type: str) -> list[str]:
        return [code for code, row in self.entries(dict_type).items() if row.is_active]

    def is_active(self, dict_type: str, code: str) -> bool:
        row = self.entries(dict_type).get(code)
        return bool(row and row.is_active)


def active_workflow_row(session: Session, org_id: uuid.UUID | str | None,
                        case_type: str) -> WorkflowDefinitionRow | None:
    """The org's latest definition of ``case_type``, else the latest global one."""
    return session.scalars(
        select(WorkflowDefinitionRow)
        .where(WorkflowDefinitionRow.case_type == case_type, tenant_or_global(WorkflowDefinitionRow, org_id))
        .order_by(WorkflowDefinitionRow.org_id.is_(None), WorkflowDefinitionRow.version.desc())
        .limit(1)).first()


def latest_version(session: Session, org_id: uuid.UUID | str | None, case_type: str) -> int:
    """The highest version this org can see for ``case_type`` (0 when there is none)."""
    versions = session.scalars(
        select(WorkflowDefinitionRow.version)
        .where(WorkflowDefinitionRow.case_type == case_type,
               tenant_or_global(WorkflowDefinitionRow, org_id))).all()
    return max(versions, default=0)


def entry_rows(session: Session, org_id: uuid.UUID | str, dict_type: str,
               code: str | None = None) -> tuple[dict[str, ReferenceEntry], dict[str, ReferenceEntry]]:
    """(global rows, this org's rows) of one dictionary, by code; one code only when given."""
    query = select(ReferenceEntry).where(ReferenceEntry.dict_type == dict_type,
                                         tenant_or_global(ReferenceEntry, org_id))
    if code is not None:
        query = query.where(ReferenceEntry.code == code)
    globals_, own = {}, {}
    for row in session.scalars(query):
        (own if row.org_id is not None else globals_)[row.code] = row
    return globals_, own


def active_workflow_rows(session: Session, org_id: uuid.UUID | str) -> dict[str, WorkflowDefinitionRow]:
    """The definition in force for every case type this org can see (its own latest, else global)."""
    row = WorkflowDefinitionRow
    rows = session.scalars(select(row).where(tenant_or_global(row, org_id))
                           .order_by(row.case_type, row.org_id.is_(None), row.version.desc()))
    found: dict[str, WorkflowDefinitionRow] = {}
    for each in rows:
        found.setdefault(each.case_type, each)
    return found


def workflow_versions(session: Session, org_id: uuid.UUID | str,
                      case_type: str) -> list[WorkflowDefinitionRow]:
    """Every version of ``case_type`` this org can see, newest first."""
    return list(session.scalars(
        select(WorkflowDefinitionRow)
        .where(WorkflowDefinitionRow.case_type == case_type, tenant_or_global(WorkflowDefinitionRow, org_id))
        .order_by(WorkflowDefinitionRow.version.desc())))


def workflow_version(session: Session, org_id: uuid.UUID | str, case_type: str,
                     version: int) -> WorkflowDefinitionRow | None:
    return session.scalars(
        select(WorkflowDefinitionRow)
        .where(WorkflowDefinitionRow.case_type == case_type, WorkflowDefinitionRow.version == version,
               tenant_or_global(WorkflowDefinitionRow, org_id))
        .order_by(WorkflowDefinitionRow.org_id.is_(None)).limit(1)).first()
