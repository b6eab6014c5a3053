"""Delivery status reports from providers: deduplicated, applied monotonically, never lost.

A report is stored once per (provider message id, status). It is applied to its message when the
message is known; otherwise it waits (the provider can report before the worker committed the id) and
is applied when the worker commits SENT, when a stale claim is reconciled, or by the sweeper.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from atlas_outbound.adapters.orm import OutboundMessage, StatusCallback
from atlas_outbound.domain import statuses
from atlas_outbound.metrics import CALLBACKS
from atlas_outbound.service_layer.transitions import change_status, fail
from atlas_shared.db.uow import UnitOfWork

APPLIED, DUPLICATE, STALE, PENDING, IGNORED = "applied", "duplicate", "stale", "pending", "ignored"


@dataclass(frozen=True)
class StatusReport:
    provider_message_id: str
    status: str                          # the provider's word: sent, delivered, read, failed, undelivered
    occurred_at: datetime | None         # when the provider says it happened (else: when received)
    errors: list[Any] = field(default_factory=list)
    message_ref: str | None = None       # our message id echoed by the provider, when it does


def record(uow: UnitOfWork, report: StatusReport, source: str, now: datetime) -> str:
    """Store and (when possible) apply one report, inside an open unit of work."""
    new = statuses.CALLBACK_STATUSES.get(report.status.lower())
    if new is None:
        CALLBACKS.labels(source, IGNORED).inc()
        return IGNORED
    callback = StatusCallback(provider_message_id=report.provider_message_id, status=new,
                              occurred_at=report.occurred_at or now, errors=report.errors,
                              message_id=_uuid(report.message_ref), source=source, received_at=now)
    try:
        with uow.session.begin_nested():
            uow.session.add(callback)
    except IntegrityError:
        CALLBACKS.labels(source, DUPLICATE).inc()
        return DUPLICATE
    message = find_message(uow.session, report.provider_message_id, for_update=True) \
        or _echoed(uow.session, callback)
    outcome = apply(uow, message, callback, now) if message is not None else PENDING
    CALLBACKS.labels(source, outcome).inc()
    return outcome


def _echoed(session: Any, cb: StatusCallback) -> OutboundMessage | None:
    """The message a report echoes by our id. Locking it waits for a worker that is recording SENT
    right now: after that either the id matches (apply now) or our pending row is committed before
    the worker's own look for pending reports — no report falls between the two."""
    if cb.message_id is None:
        return None
    m = session.get(OutboundMessage, cb.message_id, with_for_update=True)
    return m if m is not None and m.provider_message_id == cb.provider_message_id else None


def find_message(session: Any, provider_message_id: str, *,
                 for_update: bool = False) -> OutboundMessage | None:
    stmt = select(OutboundMessage).where(OutboundMessage.provider_message_id == provider_message_id)
    return session.scalar(stmt.with_for_update() if for_update else stmt)


def apply(uow: UnitOfWork, m: OutboundMessage, cb: StatusCallback, now: datetime) -> str:
    cb.org_id, cb.message_id, cb.applied_at = m.org_id, m.id, now
    at = cb.occurred_at or now
    if cb.status == statuses.DELIVERED and (m.delivered_at is None or at < m.delivered_at) \
            and m.status == statuses.READ:
        m.delivered_at = at  # a late "delivered" still dates the delivery
    if not statuses.advances(m.status, cb.status):
        return STALE
    if cb.status == statuses.FAILED:
        code, title = _error(cb.errors)
        fail(uow, m, at, code, title, extra={"source": cb.source})
        return APPLIED
    if cb.status == statuses.READ and m.delivered_at is None:
        m.delivered_at = at
    change_status(uow, m, cb.status, at, extra={"source": cb.source})
    return APPLIED


def apply_pending(uow: UnitOfWork, m: OutboundMessage, now: datetime,
                  found: list[StatusCallback] | None = None) -> int:
    """Reports that arrived before ``m`` had its provider id (or that carry our id), in status order.
    ``found``: those reports, already read and locked (``pending_for`` over a batch)."""
    if found is None:
        found = uow.session.scalars(select(StatusCallback).where(
            StatusCallback.applied_at.is_(None),
            or_(StatusCallback.provider_message_id == m.provider_message_id,
                StatusCallback.message_id == m.id)).with_for_update()).all()
    applied = 0
    for cb in sorted(found, key=lambda c: statuses.RANK.get(c.status, 9)):
        if cb.provider_message_id == m.provider_message_id:
            applied += apply(uow, m, cb, now) == APPLIED
    return applied


def pending_for(uow: UnitOfWork, messages: list[OutboundMessage]) -> dict[uuid.UUID, list[StatusCallback]]:
    """``apply_pending``'s read for many messages at once (one locking statement): per message id, the
    unapplied reports carrying its provider id or its own id."""
    if not messages:
        return {}
    by_provider = {m.provider_message_id: m.id for m in messages if m.provider_message_id}
    ids = {m.id for m in messages}
    found = uow.session.scalars(select(StatusCallback).where(
        StatusCallback.applied_at.is_(None),
        or_(StatusCallback.provider_message_id.in_(list(by_provider)),
            StatusCallback.message_id.in_(list(ids)))).with_for_update()).all()
    out: dict[uuid.UUID, list[StatusCallback]] = {i: [] for i in ids}
    for cb in found:
        owners = {by_provider.get(cb.provider_message_id), cb.message_id if cb.message_id in ids else None}
        for owner in owners:
            if owner is not None:
                out[owner].append(cb)
    return out


def provider_id_from_reports(session: Any, message_id: uuid.UUID) -> str | None:
    """The provider id a report echoing our message id carries (reconciling a lost claim)."""
    return session.scalar(select(StatusCallback.provider_message_id).where(
        StatusCallback.message_id == message_id,
        StatusCallback.status.in_((statuses.SENT, statuses.DELIVERED, statuses.READ, statuses.FAILED)))
        .limit(1))


def sweep(session_factory: Callable[[], Any], uow_for: Callable[[Any], UnitOfWork], now: datetime,
          limit: int = 200, horizon: timedelta = timedelta(days=7)) -> int:
    """Apply pending reports whose message got its provider id after they arrived."""
    with session_factory() as session:
        rows = session.execute(select(StatusCallback.id, OutboundMessage.org_id, OutboundMessage.id)
                               .join(OutboundMessage, OutboundMessage.provider_message_id
                                     == StatusCallback.provider_message_id)
                               .where(StatusCallback.applied_at.is_(None),
                                      StatusCallback.received_at > now - horizon).limit(limit)).all()
    done = 0
    for callback_id, org_id, message_id in rows:
        uow = uow_for(org_id)
        with uow:
            cb = uow.session.get(StatusCallback, callback_id, with_for_update=True)
            m = uow.session.get(OutboundMessage, message_id, with_for_update=True)
            if cb is not None and cb.applied_at is None and m is not None:
                done += apply(uow, m, cb, now) == APPLIED
                uow.commit()
    return done


def resolve_org(session: Any, report: StatusReport) -> Any:
    """The org of the message a report is about (None while unknown)."""
    m = find_message(session, report.provider_message_id)
    if m is None and report.message_ref and _uuid(report.message_ref):
        m = session.get(OutboundMessage, _uuid(report.message_ref))
    return m.org_id if m is not None else None


def _error(errors: list[Any]) -> tuple[str | None, str | None]:
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    code = first.get("code")
    title = first.get("title") or first.get("message") or "The provider reported the message failed."
    return (str(code) if code is not None else "DELIVERY_FAILED"), str(title)[:500]


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def receive(uow_for: Callable[[Any], UnitOfWork], reports: list[StatusReport], source: str,
            now: datetime) -> dict[str, int]:
    """Webhook reports: each in a transaction of the org its message belongs to (pending: no org)."""
    counts: dict[str, int] = {}
    for report in reports:
        lookup = uow_for(None)
        with lookup:
            org = resolve_org(lookup.session, report)
        uow = uow_for(org)
        with uow:
            outcome = record(uow, report, source, now)
            uow.commit()
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
