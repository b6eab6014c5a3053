"""Unit of work: one transaction per use case, rolled back unless the use case commits.

The outbox row and the audit event of a change are written through the unit of work, hence in the
same transaction as the change itself. Helpers never commit; only the use case calls ``commit()``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from atlas_shared.context import RequestContext
from atlas_shared.db.engine import Database
from atlas_shared.db.platform import AuditEvent, OutboxMessage
from atlas_shared.db.tenancy import ORG_KEY
from atlas_shared.db.types import new_id, utcnow
from atlas_shared.events import Event, exchange_for, json_safe


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """Only what changed: {"before": {...}, "after": {...}} (a create has no before, a delete no after)."""
    before, after = json_safe(before or {}), json_safe(after or {})
    keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return {"before": {k: before[k] for k in keys if k in before},
            "after": {k: after[k] for k in keys if k in after}}


class UnitOfWork:
    def __init__(self, db: Database, ctx: RequestContext, service: str, *,
                 tenant_bypass: bool = False, read_only: bool = False) -> None:
        self.db, self.ctx, self.service = db, ctx, service
        self.tenant_bypass, self.read_only = tenant_bypass, read_only
        self.session: Session
        self._after_commit: list[Callable[[], None]] = []
        self.committed = False

    def __enter__(self) -> UnitOfWork:
        self.session = self.db.session(self.ctx.org_id, tenant_bypass=self.tenant_bypass,
                                       read_only=self.read_only)
        self.committed = False
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if not self.committed:
                self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()
        self.committed = True
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Side effects that must not happen unless the transaction commits (never publishing)."""
        self._after_commit.append(callback)

    def publish(self, event_type: str, payload: dict[str, Any], *, aggregate_type: str,
                aggregate_id: Any, org_id: Any = None, version: int = 1) -> Event:
        """Queue an event in the outbox, inside this transaction."""
        event = Event(type=event_type, payload=json_safe(payload), version=version,
                      org_id=str(org_id or self.ctx.org_id) if (org_id or self.ctx.org_id) else None,
                      actor=self.ctx.user_id, correlation_id=self.ctx.correlation_id)
        self.session.add(OutboxMessage(
            id=uuid.UUID(event.id), exchange=exchange_for(self.service), event_type=event_type,
            aggregate_type=aggregate_type, aggregate_id=str(aggregate_id), envelope=event.to_dict()))
        return event

    def audit(self, action: str, entity_type: str, entity_id: Any, *,
              before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
              parent: tuple[str, Any] | None = None, extra: dict[str, Any] | None = None) -> AuditEvent:
        """Record an immutable audit event and ship it (through the outbox) to the consolidated trail."""
        change = diff(before, after)
        if extra:
            change["context"] = json_safe(extra)
        # Every column is set here (no flush, so a use case auditing 500 rows is not 500 round trips);
        # the session's tenant guard still checks the org when the transaction flushes.
        org = self.session.info.get(ORG_KEY)
        row = AuditEvent(id=new_id(), org_id=uuid.UUID(str(org)) if org is not None else None,
                         service=self.service, actor=self.ctx.user_id, action=action,
                         entity_type=entity_type, entity_id=str(entity_id),
                         parent_type=parent[0] if parent else None,
                         parent_id=str(parent[1]) if parent else None,
                         diff=change, correlation_id=self.ctx.correlation_id, created_at=utcnow())
        self.session.add(row)
        if row.org_id is None:
            self.session.flush()  # an org-less session: the guard refuses it now, where it happened
        self.publish("audit.recorded", audit_payload(row), aggregate_type=entity_type,
                     aggregate_id=entity_id, org_id=row.org_id)
        return row


def audit_payload(row: AuditEvent) -> dict[str, Any]:
    return json_safe({
        "id": row.id, "service": row.service, "actor": row.actor, "action": row.action,
        "entityType": row.entity_type, "entityId": row.entity_id, "parentType": row.parent_type,
        "parentId": row.parent_id, "diff": row.diff, "correlationId": row.correlation_id,
        "createdAt": row.created_at,
    })


UnitOfWorkFactory = Callable[..., UnitOfWork]
