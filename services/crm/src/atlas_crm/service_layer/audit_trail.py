"""The consolidated audit trail: every service's audit events for the org, read and exported here.

The CRM's own rows are written by its use cases (``uow.audit``); the other services ship theirs as
``audit.recorded`` events, stored here under their original id, so a redelivered event changes
nothing. Reading and exporting are for ADMIN_ORG and MANAGER (domain.md section 2); an export is
itself audited before the first row leaves.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

from atlas_crm.adapters.audit_trail import AuditTrail, Key, walk
from atlas_crm.service_layer import normalise
from atlas_crm.service_layer.access import MANAGERS
from atlas_shared.db.platform import AuditEvent
from atlas_shared.db.repository import Page, as_uuid
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event, json_safe
from atlas_shared.web.auth import require_role

log = logging.getLogger(__name__)

OWN_SERVICE = "crm"
CSV_COLUMNS = ("id", "createdAt", "service", "actor", "action", "entityType", "entityId", "parentType",
               "parentId", "correlationId", "diff")


def audit_view(row: AuditEvent) -> dict[str, Any]:
    return {"id": str(row.id), "service": row.service, "entityType": row.entity_type,
            "entityId": row.entity_id, "parentType": row.parent_type, "parentId": row.parent_id,
            "action": row.action, "actor": row.actor, "diff": row.diff or {},
            "correlationId": row.correlation_id, "createdAt": row.created_at.isoformat()}


def list_audit_events(uow: UnitOfWork, query: dict[str, Any]) -> Page[dict[str, Any]]:
    require_role(uow.ctx, MANAGERS, action="read the audit trail")
    _check_range(query)
    with uow:
        return AuditTrail(uow.session).search(query, query.get("page", 1), query.get("size", 20),
                                              query.get("sort")).map(audit_view)


def export_audit_events(open_uow: Callable[..., UnitOfWork], query: dict[str, Any],
                        fmt: str) -> Iterator[str]:
    """Check, record the export, then return the stream (rows oldest first, fetched in batches)."""
    uow = open_uow()
    require_role(uow.ctx, MANAGERS, action="export the audit trail")
    _check_range(query)
    filters = {k: v for k, v in query.items() if v is not None}
    with uow:
        total = AuditTrail(uow.session).count(filters)
        uow.audit("AUDIT_EXPORTED", "AUDIT_TRAIL", uow.ctx.org_id,
                  extra={"format": fmt, "filters": json_safe(filters), "rows": total})
        uow.commit()

    def fetch(after: Key | None, size: int) -> tuple[list[dict[str, Any]], Key | None]:
        with open_uow(read_only=True) as reader:
            rows = AuditTrail(reader.session).batch_after(filters, after, size)
            return [audit_view(r) for r in rows], ((rows[-1].created_at, rows[-1].id) if rows else None)

    rows = walk(fetch)
    return _csv(rows) if fmt == "csv" else _json(rows)


def _csv(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([json.dumps(row["diff"], ensure_ascii=False) if key == "diff" else row[key]
                         for key in CSV_COLUMNS])
        if buffer.tell() > 32_768:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield "["
    for i, row in enumerate(rows):
        yield ("," if i else "") + json.dumps(row, ensure_ascii=False)
    yield "]"


def _check_range(query: dict[str, Any]) -> None:
    if query.get("from") and query.get("to") and query["from"] >= query["to"]:
        normalise.raise_if({"to": ["Must be after `from`."]})


def record_foreign_audit(uow: UnitOfWork, event: Event) -> None:
    """Consumer of ``audit.recorded`` from the other services (runs in the event's org)."""
    p = event.payload
    key = as_uuid(p.get("id"))
    if p.get("service") == OWN_SERVICE or key is None or event.org_id is None:
        log.info("audit event not consolidated", extra={"event_id": event.id, "service": p.get("service")})
        return
    if uow.session.get(AuditEvent, key) is not None:
        return  # the same audit event shipped twice (a relay retry): already on record
    errors: normalise.Errors = {}
    created = normalise.instant(p.get("createdAt") or event.occurred_at, "createdAt", errors)
    normalise.raise_if(errors)
    uow.session.add(AuditEvent(
        id=key, service=str(p.get("service") or "unknown"),
        actor=str(p.get("actor") or event.actor or "unknown"),
        action=str(p["action"]), entity_type=str(p["entityType"]), entity_id=str(p["entityId"]),
        parent_type=p.get("parentType"), parent_id=_text(p.get("parentId")), diff=p.get("diff") or {},
        correlation_id=p.get("correlationId") or event.correlation_id, created_at=created))
    uow.session.flush()


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None
