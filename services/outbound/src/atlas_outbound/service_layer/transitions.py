"""Every status change of a message: timestamps, version, audit and the event back to the CRM, at once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from atlas_outbound.adapters.orm import DeadLetter, OutboundMessage
from atlas_outbound.domain import statuses
from atlas_outbound.service_layer.views import audit_state, status_payload
from atlas_shared.db.platform import AuditEvent
from atlas_shared.db.types import new_id, utcnow
from atlas_shared.db.uow import UnitOfWork, audit_payload, diff
from atlas_shared.events import json_safe

STAMPS = {statuses.SENT: "sent_at", statuses.DELIVERED: "delivered_at", statuses.READ: "read_at",
          statuses.FAILED: "failed_at"}
ACTIONS = {statuses.QUEUED: "OUTBOUND_QUEUED", statuses.SENT: "OUTBOUND_SENT",
           statuses.DELIVERED: "OUTBOUND_DELIVERED", statuses.READ: "OUTBOUND_READ",
           statuses.FAILED: "OUTBOUND_FAILED", statuses.CANCELLED: "OUTBOUND_CANCELLED"}
ENTITY = "OUTBOUND_MESSAGE"


def parent(m: OutboundMessage) -> tuple[str, Any] | None:
    if m.dossier_id:
        return ("DOSSIER", m.dossier_id)
    return (m.subject_type, m.subject_id) if m.subject_id else None


def change_status(uow: UnitOfWork, m: OutboundMessage, new: str, at: datetime, *,
                  error: tuple[str | None, str | None] | None = None, action: str | None = None,
                  extra: dict[str, Any] | None = None, flush: bool = True) -> None:
    """``flush=False`` (the sender's batches): the audit row and both outbox rows are only added to
    the session, so a batch of changes is written by one flush at its commit (same transaction,
    same rows, a few statements instead of several per message)."""
    before = audit_state(m)
    m.status = new
    if new in STAMPS and getattr(m, STAMPS[new]) is None:
        setattr(m, STAMPS[new], at)
    if new not in statuses.PENDING:
        m.due_at, m.claimed_by, m.claim_token = None, None, None
    if error is not None:
        m.last_error_code, m.last_error = error
    m.version += 1
    m.updated_at = at
    if not flush:
        _audit_unflushed(uow, action or ACTIONS.get(new, f"OUTBOUND_{new}"), m, before, extra)
        uow.publish("outbound.status_changed", status_payload(m, at), aggregate_type="outbound_message",
                    aggregate_id=m.id, org_id=m.org_id)
        return
    uow.session.flush()
    uow.audit(action or ACTIONS.get(new, f"OUTBOUND_{new}"), ENTITY, m.id, before=before,
              after=audit_state(m), parent=parent(m), extra=extra)
    uow.publish("outbound.status_changed", status_payload(m, at), aggregate_type="outbound_message",
                aggregate_id=m.id, org_id=m.org_id)


def _audit_unflushed(uow: UnitOfWork, action: str, m: OutboundMessage, before: dict[str, Any],
                     extra: dict[str, Any] | None) -> None:
    """What ``uow.audit`` writes, with the values a flush would have filled set up front."""
    change = diff(before, audit_state(m))
    if extra:
        change["context"] = json_safe(extra)
    link = parent(m)
    row = AuditEvent(id=new_id(), org_id=m.org_id, service=uow.service, actor=uow.ctx.user_id, action=action,
                     entity_type=ENTITY, entity_id=str(m.id), parent_type=link[0] if link else None,
                     parent_id=str(link[1]) if link else None, diff=change,
                     correlation_id=uow.ctx.correlation_id, created_at=utcnow())
    uow.session.add(row)
    uow.publish("audit.recorded", audit_payload(row), aggregate_type=ENTITY, aggregate_id=m.id,
                org_id=m.org_id)


def fail(uow: UnitOfWork, m: OutboundMessage, at: datetime, code: str | None, message: str | None,
         *, action: str | None = None, extra: dict[str, Any] | None = None) -> None:
    """FAILED for good: the message goes to the dead-letter table an operator works from."""
    change_status(uow, m, statuses.FAILED, at, error=(code, message), action=action, extra=extra)
    uow.session.add(DeadLetter(org_id=m.org_id, message_id=m.id, reason_code=code, error=message,
                               attempts=m.attempt_count, created_at=at))
