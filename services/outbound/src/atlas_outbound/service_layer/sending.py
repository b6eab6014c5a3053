"""The sending side: claim due rows, record outcomes in short transactions (the SENTs a sender has
in hand together, ``record_sent_many``; each failure on its own).

Rows are claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite's BEGIN IMMEDIATE makes the
claim transaction exclusive) and carry a lease: a SENDING row whose lease ran out belongs to whoever
claims it next. The provider message id is committed in the same transaction as SENT, and a row that
has one is never sent again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import inspect, select, update

from atlas_outbound.adapters.orm import Attempt, OutboundMessage
from atlas_outbound.adapters.providers import Accepted, SendRequest
from atlas_outbound.domain import retry, statuses
from atlas_outbound.domain.retry import Backoff, Failure
from atlas_outbound.metrics import LEASES_RECOVERED, SENDS
from atlas_outbound.service_layer import callbacks, plain_rows
from atlas_outbound.service_layer.transitions import change_status, fail
from atlas_shared.db.engine import Database
from atlas_shared.db.platform import AuditEvent, OutboxMessage
from atlas_shared.db.tenancy import ORG_KEY, TenantScoped, TenantScopeMissing
from atlas_shared.db.uow import UnitOfWork


@dataclass(frozen=True)
class Claimed:
    id: uuid.UUID
    org_id: uuid.UUID
    channel: str
    request: SendRequest    # what the provider is asked to send
    attempt: int            # number of this attempt
    token: uuid.UUID
    recovered: bool         # the previous claim's lease ran out: its outcome is unknown
    created_at: datetime


def claim(db: Database, worker: str, now: datetime, lease: float, limit: int) -> list[Claimed]:
    with db.session(tenant_bypass=True) as session, session.begin():
        rows = session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.due_at <= now,
                   OutboundMessage.status.in_((statuses.QUEUED, statuses.SENDING)))
            .order_by(OutboundMessage.due_at).limit(limit)
            .with_for_update(skip_locked=True)).all()
        claimed = [_take(session, m, worker, now, lease) for m in rows]
    return claimed


def _take(session: Any, m: OutboundMessage, worker: str, now: datetime, lease: float) -> Claimed:
    recovered = m.status == statuses.SENDING
    if recovered:
        LEASES_RECOVERED.inc()
        session.add(Attempt(org_id=m.org_id, message_id=m.id, number=m.attempt_count, channel=m.channel,
                            status="LOST", worker=m.claimed_by, started_at=now, finished_at=now,
                            error="The worker's lease ran out before it recorded an outcome."))
    m.status, m.attempt_count = statuses.SENDING, m.attempt_count + 1
    m.claimed_by, m.claim_token, m.due_at = worker, uuid.uuid4(), now + timedelta(seconds=lease)
    request = SendRequest(message_id=str(m.id), channel=m.channel, to=m.to, text=m.text, subject=m.subject,
                          template_code=m.template_code, template_language=m.template_language,
                          template_values=list(m.template_values or []))
    return Claimed(id=m.id, org_id=m.org_id, channel=m.channel, request=request, attempt=m.attempt_count,
                   token=m.claim_token, recovered=recovered, created_at=m.created_at)


def extend_lease(db: Database, claimed: list[Claimed], until: datetime) -> None:
    if not claimed:
        return
    with db.session(tenant_bypass=True) as session, session.begin():
        session.execute(update(OutboundMessage).where(
            OutboundMessage.id.in_([c.id for c in claimed]), OutboundMessage.status == statuses.SENDING,
            OutboundMessage.claim_token.in_([c.token for c in claimed])).values(due_at=until))


def release(db: Database, claimed: list[Claimed], now: datetime) -> None:
    """A stopping worker hands its untouched claims back at once instead of waiting for the lease."""
    if not claimed:
        return
    with db.session(tenant_bypass=True) as session, session.begin():
        for c in claimed:
            session.execute(update(OutboundMessage).where(
                OutboundMessage.id == c.id, OutboundMessage.claim_token == c.token,
                OutboundMessage.status == statuses.SENDING).values(
                status=statuses.QUEUED, due_at=now, claimed_by=None, claim_token=None,
                attempt_count=OutboundMessage.attempt_count - 1))


def _load(uow: UnitOfWork, c: Claimed) -> OutboundMessage:
    return uow.session.get(OutboundMessage, c.id, with_for_update=True)


def reconcile(uow: UnitOfWork, c: Claimed, worker: str, now: datetime) -> bool:
    """A recovered claim whose send the provider confirmed through a callback: SENT, no second call."""
    with uow:
        provider_id = callbacks.provider_id_from_reports(uow.session, c.id)
        m = _load(uow, c)
        if provider_id is None or m.status != statuses.SENDING or m.claim_token != c.token:
            return False
        m.provider_message_id = provider_id
        _attempt(uow, m, c, "RECONCILED", worker, now, now, error="Confirmed by the provider's callback; "
                 "not sent again.")
        change_status(uow, m, statuses.SENT, now, extra={"reconciled": True})
        callbacks.apply_pending(uow, m, now)
        uow.commit()
    SENDS.labels(c.channel, "reconciled").inc()
    return True


def record_sent(uow: UnitOfWork, c: Claimed, accepted: Accepted, worker: str, started: datetime,
                now: datetime) -> bool:
    with uow:
        m = _load(uow, c)
        if m.provider_message_id is not None:  # lost the lease and someone else sent it too
            _attempt(uow, m, c, "DUPLICATE", worker, started, now, accepted=accepted)
            uow.commit()
            return False
        m.provider_message_id = accepted.provider_message_id
        _attempt(uow, m, c, statuses.SENT, worker, started, now, accepted=accepted)
        m.last_error_code = m.last_error = None
        if m.status in statuses.PENDING:
            change_status(uow, m, statuses.SENT, now)
        callbacks.apply_pending(uow, m, now)
        uow.commit()
    SENDS.labels(c.channel, "sent").inc()
    return True


@dataclass(frozen=True)
class Outcome:
    """What one provider call of a batch gave, waiting to be recorded by the sender thread."""

    claimed: Claimed
    started: datetime                       # clock when the call started
    accepted: Accepted | None = None        # the provider took it
    failure: Failure | None = None          # or it did not
    response: dict[str, Any] | None = None
    final: bool = False                     # no call made (no provider account): FAILED at once
    answered: float = 0.0                   # perf_counter when the provider answered


def record_sent_many(uow: UnitOfWork, done: list[Outcome], worker: str, now: datetime) -> list[bool]:
    """``record_sent`` for several accepted messages of one org, in one transaction: the rows are
    locked by one statement (in id order), pending reports read by one, and the message updates,
    attempts, audit rows and outbox events written by one statement per table (``PlainRows``). A
    message with a report waiting for it (or no longer pending) goes the unit of work's way, in the
    same transaction. Per message the result is ``record_sent``'s."""
    with uow:
        ids = sorted(o.claimed.id for o in done)
        rows = {r.id: r for r in uow.session.execute(
            select(*plain_rows.LOCKED).where(OutboundMessage.id.in_(ids)).order_by(OutboundMessage.id)
            .with_for_update())}
        fresh = [(rows[o.claimed.id], o) for o in done if rows[o.claimed.id].provider_message_id is None]
        pending = callbacks.pending_for(uow, [_Sent(r.id, o.accepted.provider_message_id)  # type: ignore[union-attr]
                                             for r, o in fresh])
        batch = plain_rows.PlainRows(uow)
        slow: list[Outcome] = []
        results: list[bool] = []
        for o in done:
            row, accepted = rows[o.claimed.id], o.accepted
            assert accepted is not None
            if row.provider_message_id is not None:  # lost the lease and someone else sent it too
                batch.attempt(row, o.claimed.attempt, "DUPLICATE", accepted, worker, o.started, now)
                results.append(False)
                continue
            results.append(True)
            if pending.get(row.id) or row.status not in statuses.PENDING:
                slow.append(o)
                continue
            batch.attempt(row, o.claimed.attempt, statuses.SENT, accepted, worker, o.started, now)
            batch.sent(row, accepted.provider_message_id, now)
        batch.write()
        for o in slow:
            _sent_with_orm(uow, o, worker, now, pending.get(o.claimed.id) or [])
        _insert_new_rows_in_bulk(uow)
        uow.commit()
    for o, sent in zip(done, results, strict=True):
        if sent:
            SENDS.labels(o.claimed.channel, "sent").inc()
    return results


@dataclass(frozen=True)
class _Sent:
    """What ``callbacks.pending_for`` looks a message up by."""

    id: uuid.UUID
    provider_message_id: str


def _sent_with_orm(uow: UnitOfWork, o: Outcome, worker: str, now: datetime, pending: list[Any]) -> None:
    """``record_sent``'s body for a message whose reports arrived before its provider id."""
    m = uow.session.get(OutboundMessage, o.claimed.id)
    assert m is not None and o.accepted is not None
    m.provider_message_id = o.accepted.provider_message_id
    _attempt(uow, m, o.claimed, statuses.SENT, worker, o.started, now, accepted=o.accepted)
    m.last_error_code = m.last_error = None
    if m.status in statuses.PENDING:
        change_status(uow, m, statuses.SENT, now, flush=False)
    if pending:
        callbacks.apply_pending(uow, m, now, pending)


def _insert_new_rows_in_bulk(uow: UnitOfWork) -> None:
    """The batch's new attempts, audit rows and outbox events, written by one executemany per table
    (in the order they were added, so the outbox keeps each message's event order) instead of the
    unit of work's per-object INSERT … RETURNING. Same rows, same transaction; every value the unit
    of work would have filled in is either set already or a column default."""
    session = uow.session
    new = sorted((o for o in session.new if isinstance(o, (Attempt, AuditEvent, OutboxMessage))),
                 key=lambda o: inspect(o).insert_order)
    if not new:
        return
    org = session.info.get(ORG_KEY)
    for o in new:
        if isinstance(o, TenantScoped) and (o.org_id is None or str(o.org_id) != org):
            raise TenantScopeMissing(f"{type(o).__name__} written for another org")
        session.expunge(o)
    session.bulk_save_objects(new, preserve_order=True)


def record_failure(uow: UnitOfWork, c: Claimed, failure: Failure, response: dict[str, Any],
                   backoff: Backoff, pair_delay: float, worker: str, started: datetime, now: datetime,
                   *, final: bool = False) -> str:
    """Retry later, delay the recipient, or fail for good; returns which."""
    kind = retry.FINAL if final else retry.classify(c.channel, failure)
    code = failure.code or (f"HTTP_{failure.http_status}" if failure.http_status else "NO_ANSWER")
    with uow:
        m = _load(uow, c)
        if m.status != statuses.SENDING or m.claim_token != c.token:
            _attempt(uow, m, c, "LATE", worker, started, now, failure=failure, code=code, response=response)
            uow.commit()
            return "late"
        next_at = backoff.next_at(c.attempt - m.retry_base, now) if kind == retry.RETRY else None
        if kind == retry.RECIPIENT_DELAY:
            next_at = now + timedelta(seconds=pair_delay)
            m.retry_base += 1  # waiting for the recipient is not a failed attempt
            _hold_recipient(uow, m, next_at)
        outcome = "failed" if next_at is None else ("deferred" if kind == retry.RECIPIENT_DELAY else "retry")
        status = {"failed": "FAILED", "deferred": "DEFERRED", "retry": "RETRY_SCHEDULED"}[outcome]
        _attempt(uow, m, c, status, worker, started, now, failure=failure, code=code, response=response,
                 next_at=next_at)
        if next_at is None:
            fail(uow, m, now, code, failure.message)
        else:
            m.status, m.due_at, m.claimed_by, m.claim_token = statuses.QUEUED, next_at, None, None
            m.last_error_code, m.last_error, m.updated_at = code, failure.message, now
        uow.commit()
    SENDS.labels(c.channel, outcome).inc()
    return outcome


def _hold_recipient(uow: UnitOfWork, m: OutboundMessage, until: datetime) -> None:
    """WhatsApp's pair rate limit (131056): every queued message to that recipient waits too."""
    uow.session.execute(update(OutboundMessage).where(
        OutboundMessage.channel == m.channel, OutboundMessage.to == m.to,
        OutboundMessage.status == statuses.QUEUED, OutboundMessage.due_at < until,
        OutboundMessage.id != m.id).values(due_at=until).execution_options(synchronize_session=False))


def _attempt(uow: UnitOfWork, m: OutboundMessage, c: Claimed, status: str, worker: str, started: datetime,
             now: datetime, *, accepted: Accepted | None = None, failure: Failure | None = None,
             code: str | None = None, response: dict[str, Any] | None = None,
             next_at: datetime | None = None, error: str | None = None) -> None:
    uow.session.add(Attempt(
        org_id=m.org_id, message_id=m.id, number=c.attempt, channel=c.channel, status=status,
        http_status=accepted.http_status if accepted else (failure.http_status if failure else None),
        error_code=code, error=failure.message if failure else error,
        provider_response=accepted.response if accepted else (response or None), next_retry_at=next_at,
        worker=worker, started_at=started, finished_at=now,
        duration_ms=int((now - started).total_seconds() * 1000)))
