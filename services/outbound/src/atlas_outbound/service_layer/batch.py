"""Many API messages in one request (campaigns): each item is what ``POST /messages`` would have
been — its own Idempotency-Key, the same admission, the same answer — decided in one transaction.

Per item: a validation error (400), a key reused with another body (422), a key still in flight
(409), a replay of a completed key (200 with the original message), a policy refusal (its code and
status; audited BLOCKED_BY_POLICY, the key released) or a queued message (201). One item's refusal
never stops the others. Cheaper than N requests: the keys are looked up and claimed by two
statements, each template, provider account and consent is read once, the quota counters move once
per batch, and the messages, audit rows and outbox events are written one executemany per table.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from atlas_outbound.adapters.orm import IdempotencyKey, OutboundMessage
from atlas_outbound.domain import idempotency
from atlas_outbound.domain.policy import Refusal
from atlas_outbound.metrics import REFUSALS
from atlas_outbound.service_layer import policy
from atlas_outbound.service_layer.errors import refusal_error
from atlas_outbound.service_layer.idempotency_keys import IN_FLIGHT_LEASE, in_flight, reused
from atlas_outbound.service_layer.messages import SENDERS, audit_refusal, draft_from_api, message_row
from atlas_outbound.service_layer.plain_rows import PlainRows
from atlas_outbound.service_layer.views import message_view
from atlas_outbound.settings import OutboundSettings
from atlas_shared.db.tenancy import ORG_KEY
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import AtlasError, ValidationFailed
from atlas_shared.web.auth import require_role

MAX_ITEMS = 500


@dataclass
class Item:
    """One message of the batch as the HTTP layer loaded it: its data, or its validation errors."""

    key: str | None
    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, Any] | None = None


@dataclass
class _Pending:
    index: int
    key: str
    data: dict[str, Any]
    fingerprint: str
    row: IdempotencyKey | None = None       # a key whose first request died: taken over
    key_id: uuid.UUID | None = None         # a key this batch claimed
    draft: policy.Draft | None = None
    admission: policy.Admission | None = None


def create_batch(uow: UnitOfWork, settings: OutboundSettings, items: list[Item],
                 now: Callable[[], datetime], email_ready: bool) -> list[dict[str, Any]]:
    """One result per item, in order: ``{index, idempotencyKey, status, message, error}``."""
    require_role(uow.ctx, SENDERS, action="send messages")
    results: dict[int, dict[str, Any]] = {}
    todo, same_as = _triage(items, results)
    with uow:
        at = now()
        go = _claim_keys(uow, todo, at, results)
        admitted = _admit(uow, settings, go, at, email_ready, results)
        rows = PlainRows(uow)
        done: list[tuple[uuid.UUID, uuid.UUID]] = []
        for p in admitted:
            assert p.draft is not None and p.admission is not None
            m = message_row(uow, p.draft, p.admission, at)
            rows.queued(m, at)
            results[p.index] = _result(p.index, p.key, 201, message=message_view(SimpleNamespace(**m), []))
            if p.row is not None:
                p.row.state, p.row.message_id, p.row.locked_until = idempotency.DONE, m["id"], None
            else:
                assert p.key_id is not None
                done.append((p.key_id, m["id"]))
        rows.write()
        accepted = {p.index for p in admitted}
        _settle_keys(uow, done, [p for p in go if p.index not in accepted])
        uow.commit()
    for i, j in same_as.items():
        earlier = results[j]
        results[i] = {**earlier, "index": i, "status": 200 if earlier["status"] == 201 else earlier["status"]}
    return [results[i] for i in range(len(items))]


def _triage(items: list[Item], results: dict[int, dict[str, Any]]) -> tuple[list[_Pending], dict[int, int]]:
    """Invalid items answered at once; a key already used earlier in the batch answered like its
    first use (``same_as``: item → earlier item) or 422 with another body; the rest to do."""
    first: dict[str, tuple[int, str]] = {}
    same_as: dict[int, int] = {}
    todo: list[_Pending] = []
    for i, item in enumerate(items):
        if item.errors is not None or not idempotency.valid_key(item.key):
            results[i] = _error(i, item.key, ValidationFailed(
                "The message is not valid.",
                item.errors or {"idempotencyKey": ["Missing or not valid (1-200 visible ASCII)."]}))
            continue
        assert item.key is not None
        fp = idempotency.fingerprint(item.data)
        if item.key in first:  # the same key twice in one batch: as if sent one after the other
            j, earlier = first[item.key]
            if earlier != fp:
                results[i] = _error(i, item.key, reused(item.key))
            else:
                same_as[i] = j
            continue
        first[item.key] = (i, fp)
        todo.append(_Pending(i, item.key, item.data, fp))
    return todo, same_as


def _claim_keys(uow: UnitOfWork, todo: list[_Pending], at: datetime,
                results: dict[int, dict[str, Any]]) -> list[_Pending]:
    """``claim_key`` for the batch: completed keys replayed, others' in-flight keys 409, new keys
    inserted (``ON CONFLICT DO NOTHING``: a key a concurrent request holds is in flight)."""
    session = uow.session
    existing = {row.key: row for row in session.scalars(
        select(IdempotencyKey).where(IdempotencyKey.key.in_([p.key for p in todo])).with_for_update())}
    go, new, replays = [], [], []
    for p in todo:
        row = existing.get(p.key)
        if row is None:
            new.append(p)
        elif row.request_hash != p.fingerprint:
            results[p.index] = _error(p.index, p.key, reused(p.key))
        elif row.state == idempotency.DONE:
            replays.append((p, row.message_id))
        elif row.locked_until and row.locked_until > at:
            results[p.index] = _error(p.index, p.key, in_flight(p.key))
        else:  # the first request died: this one takes over
            row.locked_until = at + IN_FLIGHT_LEASE
            p.row = row
            go.append(p)
    if replays:
        found = {m.id: m for m in session.scalars(
            select(OutboundMessage).options(selectinload(OutboundMessage.attempts))
            .where(OutboundMessage.id.in_([mid for _, mid in replays])))}
        for p, mid in replays:
            m = found[mid]
            results[p.index] = _result(p.index, p.key, 200, message=message_view(m, m.attempts))
    if new:
        org = uuid.UUID(str(session.info[ORG_KEY]))
        for p in new:
            p.key_id = uuid.uuid4()
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        claimed = set(session.scalars(
            dialect.insert(IdempotencyKey).values([{
                "id": p.key_id, "org_id": org, "key": p.key, "request_hash": p.fingerprint,
                "state": idempotency.IN_FLIGHT, "locked_until": at + IN_FLIGHT_LEASE, "created_at": at}
                for p in new]).on_conflict_do_nothing(index_elements=["org_id", "key"])
            .returning(IdempotencyKey.key)))
        for p in new:
            if p.key in claimed:
                go.append(p)
            else:
                results[p.index] = _error(p.index, p.key, in_flight(p.key))
    return sorted(go, key=lambda p: p.index)


def _admit(uow: UnitOfWork, settings: OutboundSettings, go: list[_Pending], at: datetime,
           email_ready: bool, results: dict[int, dict[str, Any]]) -> list[_Pending]:
    """The policy per item (each read once per batch), then the org's limits for those that passed."""
    reads = policy.Reads(uow.session)
    passed: list[_Pending] = []
    for p in go:
        p.draft = draft_from_api(p.data)
        try:
            p.admission = policy.check(reads, p.draft, at, email_ready=email_ready)
        except Refusal as refusal:
            _refuse(uow, p, refusal, results)
            continue
        passed.append(p)
    admitted = []
    for p, refusal in zip(passed, policy.count_batch(uow.session, settings, at, len(passed)), strict=True):
        if refusal is None:
            admitted.append(p)
        else:
            _refuse(uow, p, refusal, results)
    return admitted


def _refuse(uow: UnitOfWork, p: _Pending, refusal: Refusal, results: dict[int, dict[str, Any]]) -> None:
    assert p.draft is not None
    audit_refusal(uow, p.draft, refusal, p.key)
    uow.on_commit(lambda: REFUSALS.labels(policy.API, refusal.code).inc())
    results[p.index] = _error(p.index, p.key, refusal_error(refusal))


def _settle_keys(uow: UnitOfWork, done: list[tuple[uuid.UUID, uuid.UUID]], refused: list[_Pending]) -> None:
    """Keys this batch claimed: DONE with their message (one statement); a refused message's key is
    released (deleted) so a corrected request can use it."""
    session = uow.session
    if done:
        org = uuid.UUID(str(session.info[ORG_KEY]))
        session.execute(update(IdempotencyKey).where(IdempotencyKey.org_id == org)
                        .execution_options(synchronize_session=None), [
            {"id": key_id, "state": idempotency.DONE, "message_id": message_id, "locked_until": None}
            for key_id, message_id in done])
    claimed = [p.key_id for p in refused if p.key_id is not None]
    if claimed:
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.id.in_(claimed))
                        .execution_options(synchronize_session=False))
    for p in refused:
        if p.row is not None:
            session.delete(p.row)


def _result(index: int, key: str | None, status: int, *, message: dict[str, Any] | None = None,
            error: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"index": index, "idempotencyKey": key, "status": status, "message": message, "error": error}


def _error(index: int, key: str | None, error: AtlasError) -> dict[str, Any]:
    return _result(index, key, error.status, error=error.body())
