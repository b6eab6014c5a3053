"""Outbox relay: publishes pending outbox rows with publisher confirms, then marks them.

On RabbitMQ a claimed batch is published on a channel of its own in confirm mode without waiting
after each message, then the broker's acks are awaited together: one round trip per batch instead
of one per event (a relay confirming each publish managed ~1,150 events/s here, fewer than the
outbound senders produce). Only acked rows are marked; nacked or unanswered ones are released.

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
import time
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
                             delivery_mode=2, serializer="json", headers=_headers(envelope), retry=False)
            done.append(row.seq)
        return done

    def publish_confirmed(self, conn: Any, rows: list[Any], timeout: float = 30.0) -> list[int]:
        """RabbitMQ: every row published on a fresh channel in confirm mode, then the acks awaited
        together; returns the seqs the broker acked (a nack or no answer within ``timeout`` leaves
        a row out, to be released and published again)."""
        import amqp
        from kombu import serialization

        channel = conn.channel()
        try:
            channel.confirm_select()
            acked: set[int] = set()
            waiting = set(range(1, len(rows) + 1))  # delivery tags: 1, 2, … in publish order

            def answered(tag: int, multiple: bool) -> set[int]:
                # ``multiple`` answers every tag up to this one still waiting; answers may come in
                # any order (quorum queues confirm as their replicas agree).
                found = {t for t in waiting if t <= tag} if multiple else {tag} & waiting
                waiting.difference_update(found)
                return found

            def on_ack(tag: int, multiple: bool) -> None:
                acked.update(answered(tag, multiple))

            def on_nack(tag: int, multiple: bool) -> None:
                answered(tag, multiple)

            channel.events["basic_ack"].add(on_ack)
            channel.events["basic_nack"].add(on_nack)
            self._exchange(channel).declare()
            for row in rows:
                envelope = row.envelope if isinstance(row.envelope, dict) else _json(row.envelope)
                content_type, encoding, body = serialization.dumps(envelope, serializer="json")
                message = channel.prepare_message(body, None, content_type, encoding, _headers(envelope),
                                                  {"delivery_mode": 2})
                # The class's publish, not the channel's: with confirm_publish the connection makes
                # each channel's basic_publish wait for its own ack.
                amqp.Channel.basic_publish(channel, message, exchange=self._exchange.name,
                                           routing_key=row.event_type)
            deadline = time.monotonic() + timeout
            while waiting and time.monotonic() < deadline:
                try:
                    conn.drain_events(timeout=max(0.01, deadline - time.monotonic()))
                except TimeoutError:  # the unanswered rows are released by the caller
                    break
            return [row.seq for tag, row in enumerate(rows, start=1) if tag in acked]
        finally:
            channel.close()

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
            if self.broker.embedded:
                producer = conn.Producer()
                self._exchange(producer.channel).declare()
                published = self.publish(producer, rows)
            else:
                published = self.publish_confirmed(conn, rows)
        except Exception as exc:
            self.mark_published(published)
            self.release([r.seq for r in rows if r.seq not in set(published)], repr(exc))
            raise
        self.mark_published(published)
        if len(published) < len(rows):
            self.release([r.seq for r in rows if r.seq not in set(published)], "not confirmed by the broker")
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


def _headers(envelope: dict[str, Any]) -> dict[str, str]:
    return {"x-correlation-id": envelope.get("correlation_id") or "", "x-event-id": envelope["id"]}


def _json(raw: Any) -> dict[str, Any]:
    import json
    return json.loads(raw)
