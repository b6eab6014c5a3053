"""The Idempotency-Key of a create: claimed (IN_FLIGHT, committed at once so a concurrent twin sees
it), then DONE with the message it produced, in the create's own transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from atlas_outbound.adapters import repositories as repo
from atlas_outbound.adapters.orm import IdempotencyKey
from atlas_outbound.adapters.repositories import MessageRepository
from atlas_outbound.domain import idempotency
from atlas_outbound.service_layer.views import message_view
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Conflict, Unprocessable

IN_FLIGHT_LEASE = timedelta(seconds=30)


def claim_key(uow: UnitOfWork, key: str, fingerprint: str, at: datetime) -> dict[str, Any] | None:
    """None: this request goes ahead. A dict: the original message (a replay). Raises 422 / 409."""
    with uow:
        row = repo.idempotency_key(uow.session, key, for_update=True)
        if row is None:
            uow.session.add(IdempotencyKey(key=key, request_hash=fingerprint, state=idempotency.IN_FLIGHT,
                                           locked_until=at + IN_FLIGHT_LEASE, created_at=at))
            try:
                uow.session.flush()
            except IntegrityError:
                raise in_flight(key) from None
            uow.commit()
            return None
        if row.request_hash != fingerprint:
            raise reused(key)
        if row.state == idempotency.DONE:
            m = MessageRepository(uow.session).with_attempts(row.message_id)
            return message_view(m, m.attempts)
        if row.locked_until and row.locked_until > at:
            raise in_flight(key)
        row.locked_until = at + IN_FLIGHT_LEASE  # the first request died: this one takes over
        uow.commit()
        return None


def in_flight(key: str) -> Conflict:
    return Conflict("A request with this Idempotency-Key is still being processed; retry shortly.",
                    {"Idempotency-Key": [key]}, code="IDEMPOTENCY_IN_FLIGHT", headers={"Retry-After": "1"})


def reused(key: str) -> Unprocessable:
    return Unprocessable("This Idempotency-Key was used with a different request body.",
                         {"Idempotency-Key": [key]}, code="IDEMPOTENCY_KEY_REUSED")
