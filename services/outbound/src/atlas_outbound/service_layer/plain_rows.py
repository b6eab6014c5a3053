"""The rows of many messages at once, built as plain values instead of ORM objects.

Two hot paths write the same few rows for every message: a sender recording the SENTs it has in hand
(``sending.record_sent_many``: for a claimed message still pending with no status report waiting, the
message's new columns, one attempt, one audit row, two outbox events) and a batch of API requests
being queued (``batch.create_batch``: the message, its CREATE audit row, two outbox events).
Everything is known up front, so the rows are built as dictionaries and each table is written by one
executemany — a fraction of the unit of work's per-object bookkeeping. The rows, their values and
their order are the ones ``change_status`` / ``record_queued`` would write (the outbox keeps each
message's event order); the tenant guard scopes the locking read, the update is bound to the
session's org too, and every new row carries the org of the row it was read from (or the session's).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, update

from atlas_outbound.adapters.orm import Attempt, OutboundMessage
from atlas_outbound.adapters.providers import Accepted
from atlas_outbound.domain import statuses
from atlas_outbound.service_layer.transitions import ACTIONS, ENTITY
from atlas_outbound.service_layer.views import audit_state, status_payload
from atlas_shared.db.platform import AuditEvent, OutboxMessage
from atlas_shared.db.tenancy import ORG_KEY
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork, diff
from atlas_shared.events import Event, exchange_for, json_safe

# What the locking read returns: every column the new rows and the status event are built from.
LOCKED = (OutboundMessage.id, OutboundMessage.org_id, OutboundMessage.status, OutboundMessage.channel,
          OutboundMessage.provider_message_id, OutboundMessage.attempt_count,
          OutboundMessage.last_error_code, OutboundMessage.version, OutboundMessage.sent_at,
          OutboundMessage.dossier_id, OutboundMessage.subject_type, OutboundMessage.subject_id,
          OutboundMessage.source, OutboundMessage.crm_message_id, OutboundMessage.notification_key)


class PlainRows:
    """Accumulates a batch's rows; ``write`` inserts/updates them, one statement per table."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.exchange = exchange_for(uow.service)
        self.messages: list[dict[str, Any]] = []     # updates of existing messages
        self.new_messages: list[dict[str, Any]] = []
        self.attempts: list[dict[str, Any]] = []
        self.audits: list[dict[str, Any]] = []
        self.outbox: list[dict[str, Any]] = []

    def attempt(self, row: Any, number: int, status: str, accepted: Accepted, worker: str,
                started: datetime, now: datetime) -> None:
        self.attempts.append({
            "id": uuid.uuid4(), "org_id": row.org_id, "message_id": row.id, "number": number,
            "channel": row.channel, "status": status, "http_status": accepted.http_status,
            "error_code": None, "error": None, "provider_response": accepted.response,
            "next_retry_at": None, "worker": worker, "started_at": started, "finished_at": now,
            "duration_ms": int((now - started).total_seconds() * 1000)})

    def sent(self, row: Any, provider_message_id: str, now: datetime) -> None:
        """``change_status(m, SENT)`` of a pending message that just got its provider id."""
        version = row.version + 1
        self.messages.append({
            "id": row.id, "provider_message_id": provider_message_id, "status": statuses.SENT,
            "last_error_code": None, "last_error": None, "sent_at": row.sent_at or now, "due_at": None,
            "claimed_by": None, "claim_token": None, "version": version, "updated_at": now})
        # As ``record_sent``: the provider id and the cleared error are set before the status change.
        before = {"status": row.status, "providerMessageId": provider_message_id,
                  "attemptCount": row.attempt_count, "errorCode": None}
        self._audit(row, ACTIONS[statuses.SENT], diff(before, {**before, "status": statuses.SENT}))
        self._event(row, "outbound.status_changed", "outbound_message", {
            "messageId": str(row.id), "crmMessageId": row.crm_message_id,
            "dossierId": str(row.dossier_id) if row.dossier_id else None, "channel": row.channel,
            "status": statuses.SENT, "providerMessageId": provider_message_id, "error": None,
            "occurredAt": now.isoformat(), "version": version, "source": row.source,
            "notificationKey": row.notification_key, "subjectType": row.subject_type,
            "subjectId": row.subject_id})

    def queued(self, m: dict[str, Any], at: datetime) -> None:
        """``record_queued`` of a new message (``m``: every column, by attribute name)."""
        self.new_messages.append(m)
        view = SimpleNamespace(**m)
        after = {**audit_state(view), "channel": m["channel"], "to": m["to"], "source": m["source"],
                 "templateCode": m["template_code"]}
        change = diff(None, after)
        change["context"] = json_safe({"consentBasis": m["consent_basis"]})
        self._audit(view, "CREATE", change)
        self._event(view, "outbound.status_changed", "outbound_message", status_payload(view, at))

    def _audit(self, row: Any, action: str, change: dict[str, Any]) -> None:
        ctx = self.uow.ctx
        if row.dossier_id:
            parent_type, parent_id = "DOSSIER", str(row.dossier_id)
        elif row.subject_id:
            parent_type, parent_id = row.subject_type, str(row.subject_id)
        else:
            parent_type = parent_id = None
        audit_id, created = uuid.uuid4(), utcnow()
        self.audits.append({
            "id": audit_id, "org_id": row.org_id, "service": self.uow.service, "actor": ctx.user_id,
            "action": action, "entity_type": ENTITY, "entity_id": str(row.id), "parent_type": parent_type,
            "parent_id": parent_id, "diff": change, "correlation_id": ctx.correlation_id,
            "created_at": created})
        self._event(row, "audit.recorded", ENTITY, {
            "id": str(audit_id), "service": self.uow.service, "actor": ctx.user_id, "action": action,
            "entityType": ENTITY, "entityId": str(row.id), "parentType": parent_type, "parentId": parent_id,
            "diff": change, "correlationId": ctx.correlation_id, "createdAt": created.isoformat()})

    def _event(self, row: Any, event_type: str, aggregate_type: str, payload: dict[str, Any]) -> None:
        """``uow.publish``: the same envelope, in the outbox."""
        ctx = self.uow.ctx
        event = Event(type=event_type, payload=payload, org_id=str(row.org_id), actor=ctx.user_id,
                      correlation_id=ctx.correlation_id)
        self.outbox.append({
            "id": uuid.UUID(event.id), "exchange": self.exchange, "event_type": event_type,
            "aggregate_type": aggregate_type, "aggregate_id": str(row.id), "created_at": utcnow(),
            "envelope": event.to_dict()})

    def write(self) -> None:
        session = self.uow.session
        if self.messages:  # ORM bulk UPDATE by primary key, in the session's org as every row read
            org = uuid.UUID(str(session.info[ORG_KEY]))
            session.execute(update(OutboundMessage).where(OutboundMessage.org_id == org)
                            .execution_options(synchronize_session=None), self.messages)
        tables = ((OutboundMessage, self.new_messages), (Attempt, self.attempts), (AuditEvent, self.audits),
                  (OutboxMessage, self.outbox))
        for model, rows in tables:
            if rows:
                session.execute(insert(model), rows)
