"""Outbox relay: publishes pending outbox rows with publisher confirms, then marks them.

At-least-once: a relay that dies after the broker confirmed and before it marked the rows publishes
them again once their claim expires; consumers' inboxes make the duplicate harmless. Rows are claimed
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a single-writer UPDATE on SQLite), never read past a
high-water mark, and published in ``seq`` order so one aggregate's events keep their order.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, text, update

from atlas_shared.db.engine import Database
from atlas_shared.db.platform import OutboxMessage
from atlas_shared.db.types import utcnow
from atlas_shared.messaging.broker import Broker
from atlas_shared.metrics import EVENTS_PUBLISHED

log = logging.getLogger(__name__)

_CLAIM = """
UPDATE outbox SET claimed_until = :until, claimed_by = :me, attempts = attempts + 1
WHERE seq IN (
    SELECT seq FROM outbox
    WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < :now)
    ORDER BY seq LIMIT :n {lock}
)
RETURNING seq, exchange, event_type, envelope
"""


class OutboxRelay:
    def __init__(self, db: Database, broker: Broker, service: str, *, batch_size: int = 200,
                 claim_seconds: float = 30.0, retention_hours: float = 72.0) -> None:
        self.db, self.broker, self.service = db, broker, service
        self.batch_size, self.claim_seconds = batch_size, claim_seconds
        self.retention = timedelta(hours=retention_hours)
        self.me = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        lock = "FOR UPDATE SKIP LOCKED" if db.dialect == "postgresql" else ""
        self._claim_sql = text(_CLAIM.format(lock=lock))
        self._exchange = broker.exchange(service)

    def claim(self) -> list[Any]:
        now = utcnow()
        with self.db.session(tenant_bypass=True) as session, session.begin():
            rows = session.execute(self._claim_sql, {
                "until": _bind_ts(self.db, now + timedelta(seconds=self.claim_seconds)),
                "now": _bind_ts(self.db, now), "me": self.me, "n": self.batch_size}).all()
        return sorted(rows, key=lambda r: r.seq)

    def publish(self, producer: Any, rows: list[Any]) -> list[int]:
        done: list[int] = []
        for row in rows:
            envelope = row.envelope if isinstance(row.envelope, dict) else _json(row.envelope)
            producer.publish(envelope, exchange=self._exchange, routing_key=row.event_type,
                             delivery_mode=2, serializer="json",
                             headers={"x-correlation-id": envelope.get("correlation_id") or "",
                                      "x-event-id": envelope["id"]}, retry=False)
            done.append(row.seq)
        return done

    def mark_published(self, seqs: list[int]) -> None:
        if not seqs:
            return
        with self.db.session(tenant_bypass=True) as session, session.begin():
            session.execute(update(OutboxMessage).where(OutboxMessage.seq.in_(seqs))
                            .values(published_at=utcnow(), claimed_until=None, last_error=None))
        EVENTS_PUBLISHED.labels(self.service).inc(len(seqs))

    def release(self, seqs: list[int], error: str) -> None:
        if not seqs:
            return
        with self.db.session(tenant_bypass=True) as session, session.begin():
            session.execute(update(OutboxMessage).where(OutboxMessage.seq.in_(seqs))
                            .values(claimed_until=None, last_error=error[:2000]))

    def purge_published(self) -> int:
        cutoff = utcnow() - self.retention
        with self.db.session(tenant_bypass=True) as session, session.begin():
            result = session.execute(delete(OutboxMessage).where(
                OutboxMessage.published_at.is_not(None), OutboxMessage.published_at < cutoff))
        return result.rowcount or 0

    def run_once(self, conn: Any) -> int:
        """Claim, publish and mark one batch; returns how many rows were published."""
        rows = self.claim()
        if not rows:
            return 0
        published: list[int] = []
        try:  # a broker that went away fails here first: release the claim, do not sit on it
            producer = conn.Producer()
            self._exchange(producer.channel).declare()
            published = self.publish(producer, rows)
        except Exception as exc:
            self.mark_published(published)
            self.release([r.seq for r in rows if r.seq not in set(published)], repr(exc))
            raise
        self.mark_published(published)
        return len(published)

    def run(self, stop: threading.Event, idle_sleep: float = 0.1) -> None:
        backoff = 0.5
        last_purge = 0.0
        while not stop.is_set():
            try:
                with self.broker.connection() as conn:
                    conn.ensure_connection(max_retries=3)
                    while not stop.is_set():
                        if self.run_once(conn) == 0:
                            stop.wait(idle_sleep)
                        backoff = 0.5
                        last_purge = self._maybe_purge(last_purge)
            except Exception:
                log.exception("outbox relay error; reconnecting", extra={"backoff": backoff})
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)

    def _maybe_purge(self, last: float) -> float:
        import time
        now = time.monotonic()
        if now - last > 600:
            self.purge_published()
            return now
        return last


def _bind_ts(db: Database, value: Any) -> Any:
    # Raw SQL bypasses the column type: SQLite compares ISO strings as SQLAlchemy stores them.
    if db.dialect == "sqlite":
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _json(raw: Any) -> dict[str, Any]:
    import json
    return json.loads(raw)
