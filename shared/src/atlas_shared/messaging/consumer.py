"""Idempotent event consumers with retry through delay queues and a dead-letter queue.

A handler runs inside a unit of work together with the inbox insert keyed by (consumer, event id):
a redelivered event fails that insert and has no second effect. The delivery is acked only after the
transaction committed, or after the message was re-published for a retry or to the dead-letter queue.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from atlas_shared.context import RequestContext
from atlas_shared.db.engine import Database
from atlas_shared.db.platform import InboxMessage
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event
from atlas_shared.messaging.broker import Broker, dead_letter_name, delay_name
from atlas_shared.metrics import CONSUMER_FAILURES, DEAD_LETTERS, EVENTS_CONSUMED

log = logging.getLogger(__name__)

Handler = Callable[[UnitOfWork, Event], None]
ATTEMPT = "x-atlas-attempt"
NOT_BEFORE = "x-atlas-not-before"
LAST_ERROR = "x-atlas-error"


@dataclass
class Subscription:
    """One consumer: a durable queue, what it is bound to, and a handler per event type."""

    service: str
    name: str
    bindings: list[tuple[str, str]]
    handlers: dict[str, Handler]
    retry_delays: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0)
    tenant_bypass: bool = False
    prefetch: int = 20
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def queue(self) -> str:
        return f"{self.service}.{self.name}"

    @property
    def max_attempts(self) -> int:
        return len(self.retry_delays) + 1


class Outcome:
    HANDLED, DUPLICATE, IGNORED, RETRIED, DEAD = "handled", "duplicate", "ignored", "retried", "dead"


class EventConsumer:
    def __init__(self, db: Database, broker: Broker, sub: Subscription) -> None:
        self.db, self.broker, self.sub = db, broker, sub

    # -- handling one event (no broker involved: unit-testable) ---------------------------------
    def process(self, event: Event) -> str:
        handler = self.sub.handlers.get(event.type)
        if handler is None:
            return Outcome.IGNORED
        ctx = RequestContext.system(org_id=event.org_id, correlation_id=event.correlation_id,
                                    actor=event.actor or f"event:{event.type}")
        ctx.bind_logs()
        with UnitOfWork(self.db, ctx, self.sub.service, tenant_bypass=self.sub.tenant_bypass) as uow:
            if uow.session.scalar(select(InboxMessage.event_id).where(
                    InboxMessage.consumer == self.sub.queue,
                    InboxMessage.event_id == _uuid(event.id))) is not None:
                return Outcome.DUPLICATE
            uow.session.add(InboxMessage(consumer=self.sub.queue, event_id=_uuid(event.id),
                                         event_type=event.type))
            try:
                uow.session.flush()
            except IntegrityError:
                return Outcome.DUPLICATE  # another consumer process handled it concurrently
            handler(uow, event)
            uow.commit()
        return Outcome.HANDLED

    # -- broker side ------------------------------------------------------------------------------
    def on_message(self, body: Any, message: Any, producer: Any) -> str:
        headers = dict(message.headers or {})
        not_before = float(headers.get(NOT_BEFORE) or 0)
        if not_before > time.time():  # embedded transport: a delayed retry not yet due
            self.broker.send_to_queue(producer, self.sub.queue, body, headers)
            message.ack()
            time.sleep(max(0.0, min(0.05, not_before - time.time())))
            return Outcome.RETRIED
        try:
            event = Event.from_dict(body if isinstance(body, dict) else json.loads(body))
        except (ValueError, TypeError) as exc:
            return self._dead_letter(body, message, producer, headers, f"malformed event: {exc}")
        try:
            outcome = self.process(event)
        except Exception as exc:  # noqa: BLE001 - any handler failure is retried, then dead-lettered
            CONSUMER_FAILURES.labels(self.sub.queue).inc()
            log.warning("handler failed", extra={"event_id": event.id, "event_type": event.type,
                                                 "queue": self.sub.queue, "error": repr(exc)})
            outcome = self._retry(body, message, producer, headers, exc)
        else:
            message.ack()
        EVENTS_CONSUMED.labels(self.sub.queue, outcome).inc()
        return outcome

    def _retry(self, body: Any, message: Any, producer: Any, headers: dict[str, Any],
               exc: Exception) -> str:
        attempt = int(headers.get(ATTEMPT) or 1)
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]
        if attempt >= self.sub.max_attempts:
            return self._dead_letter(body, message, producer, headers, error)
        delay = self.sub.retry_delays[attempt - 1]
        headers.update({ATTEMPT: attempt + 1, LAST_ERROR: error})
        if self.broker.embedded:
            headers[NOT_BEFORE] = time.time() + delay
            self.broker.send_to_queue(producer, self.sub.queue, body, headers)
        else:
            self.broker.send_to_queue(producer, delay_name(self.sub.queue, attempt - 1), body, headers)
        message.ack()
        return Outcome.RETRIED

    def _dead_letter(self, body: Any, message: Any, producer: Any, headers: dict[str, Any],
                     error: str) -> str:
        headers.update({LAST_ERROR: error, "x-atlas-dead-at": time.time(),
                        "x-atlas-queue": self.sub.queue})
        headers.pop(NOT_BEFORE, None)
        self.broker.send_to_queue(producer, dead_letter_name(self.sub.queue), body, headers)
        message.ack()
        DEAD_LETTERS.labels(self.sub.queue).inc()
        log.error("event dead-lettered", extra={"queue": self.sub.queue, "error": error})
        return Outcome.DEAD

    def _deliver(self, body: Any, message: Any, *, producer: Any) -> None:
        self.on_message(body, message, producer)

    def declare(self) -> None:
        with self.broker.connection() as conn:
            self.broker.declare_consumer(conn, self.sub.queue, self.sub.bindings, self.sub.retry_delays)

    def run(self, stop: threading.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            try:
                with self.broker.connection() as conn, self.broker.connection() as out:
                    queue = self.broker.declare_consumer(conn, self.sub.queue, self.sub.bindings,
                                                         self.sub.retry_delays)
                    callback = functools.partial(self._deliver, producer=out.Producer())
                    with conn.Consumer([queue], callbacks=[callback], accept=["json"],
                                       prefetch_count=self.sub.prefetch):
                        backoff = 0.5
                        log.info("consumer started", extra={"queue": self.sub.queue})
                        while not stop.is_set():
                            try:
                                conn.drain_events(timeout=1)
                            except TimeoutError:
                                conn.heartbeat_check()
            except Exception:
                log.exception("consumer error; reconnecting", extra={"queue": self.sub.queue})
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)


def _uuid(value: str) -> Any:
    import uuid
    return uuid.UUID(value)
