"""The Idempotency-Key of a create, looked up and written in the create's own transaction: DONE with
the message it produced. A concurrent twin waits on the (org, key) unique index and gets 409. A
committed IN_FLIGHT row (an earlier version claimed keys in a transaction of their own; a batch's
claims are never seen committed) is in flight until its lease ends, then taken over."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from atlas_outbound.adapters import repositories as repo
from atlas_outbound.adapters.orm import IdempotencyKey
from atlas_outbound.adapters.repositories import MessageRepository
from atlas_outbound.domain import idempotency
from atlas_outbound.service_layer.views import message_view
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Conflict, Unprocessable

IN_FLIGHT_LEASE = timedelta(seconds=30)


def look_up_key(uow: UnitOfWork, key: str, fingerprint: str,
                at: datetime) -> tuple[dict[str, Any] | None, IdempotencyKey | None]:
    """Inside the create's transaction: ``(original message, None)`` for a replay, ``(None, row)``
    for a key whose first request died (taken over: the caller marks it DONE), ``(None, None)`` for a
    new key (the caller inserts it DONE with its message). Raises 422 / 409."""
    row = repo.idempotency_key(uow.session, key, for_update=True)
    if row is None:
        return None, None
    if row.request_hash != fingerprint:
        raise reused(key)
    if row.state == idempotency.DONE:
        m = MessageRepository(uow.session).with_attempts(row.message_id)
        return message_view(m, m.attempts), None
    if row.locked_until and row.locked_until > at:
        raise in_flight(key)
    row.locked_until = at + IN_FLIGHT_LEASE
    return None, row


def in_flight(key: str) -> Conflict:
    return Conflict("A request with this Idempotency-Key is still being processed; retry shortly.",
                    {"Idempotency-Key": [key]}, code="IDEMPOTENCY_IN_FLIGHT", headers={"Retry-After": "1"})


def reused(key: str) -> Unprocessable:
    return Unprocessable("This Idempotency-Key was used with a different request body.",
                         {"Idempotency-Key": [key]}, code="IDEMPOTENCY_KEY_REUSED")
