"""A listings service in-process (its real migrations, HTTP API, outbox and relay) and a consumer of
its ``listing.*`` events that writes one row per event it really applied, in its own transaction.

Works on SQLite + the embedded broker and on PostgreSQL + RabbitMQ. Each test uses its own org, its
own consumer queues (deleted afterwards on RabbitMQ) and ignores events of other orgs, so runs that
share a RabbitMQ do not disturb each other.
"""

from __future__ import annotations

import collections
import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import MetaData, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from atlas_listings.bootstrap import build, create_http_app
from atlas_shared.db.platform import OutboxMessage
from atlas_shared.db.types import UuidType, new_id
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event
from atlas_shared.messaging.broker import dead_letter_name, delay_name
from atlas_shared.messaging.consumer import EventConsumer, Subscription
from atlas_shared.messaging.relay import OutboxRelay
from atlas_shared.testing import auth_headers

ANNONCE = {"title": "Villa avec jardin à Bouskoura", "transactionType": "TX_SALE", "price": 2500000,
           "city": "Casablanca", "description": "Grande villa familiale, jardin arboré, piscine."}


class Base(DeclarativeBase):
    metadata = MetaData()


class Received(Base):
    """What the test consumer applied: a row per handler run (no unique key, so doubles would show)."""

    __tablename__ = "reliability_received"

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    consumer: Mapped[str] = mapped_column(String(120))
    event_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(100))
    org_id: Mapped[str] = mapped_column(String(64))
    annonce_id: Mapped[str] = mapped_column(String(64))


class RecordingConsumer(EventConsumer):
    """The production consumer, remembering every delivery and what it came to."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.outcomes: list[tuple[str | None, str]] = []

    def on_message(self, body: Any, message: Any, producer: Any) -> str:
        outcome = super().on_message(body, message, producer)
        self.outcomes.append((body.get("id") if isinstance(body, dict) else None, outcome))
        return outcome

    def count(self, outcome: str, event_ids: set[str] | None = None) -> int:
        return sum(1 for eid, out in list(self.outcomes)
                   if out == outcome and (event_ids is None or eid in event_ids))


def wait_for(predicate: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


@contextlib.contextmanager
def running(loop: Callable[[threading.Event], None]) -> Iterator[None]:
    """Run a relay/consumer loop in a thread; stop it and make sure it stopped."""
    stop = threading.Event()
    thread = threading.Thread(target=loop, args=(stop,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
        assert not thread.is_alive(), f"{loop} did not stop"


class Harness:
    wait_for = staticmethod(wait_for)
    running = staticmethod(running)

    def __init__(self, container: Any) -> None:
        self.container = container
        self.platform = container.platform
        self.db, self.broker = self.platform.db, self.platform.broker
        self.client = create_http_app(container).test_client()
        self.org = str(uuid.uuid4())
        self.headers = auth_headers(self.org)
        self.broken = False
        self.queues: list[str] = []

    def create_annonce(self, n: int = 0) -> str:
        res = self.client.post("/api/v1/annonces", json={**ANNONCE, "title": f"{ANNONCE['title']} {n}"},
                               headers=self.headers)
        assert res.status_code == 201, res.json
        return res.json["id"]

    def created_event_ids(self) -> dict[str, str]:
        """annonce id -> id of its ``listing.created`` event, read from the outbox."""
        with self.db.session(tenant_bypass=True) as s:
            envelopes = s.scalars(select(OutboxMessage.envelope)
                                  .where(OutboxMessage.event_type == "listing.created")).all()
        return {e["payload"]["id"]: e["id"] for e in envelopes if e["org_id"] == self.org}

    def pending(self) -> int:
        with self.db.session(tenant_bypass=True) as s:
            return s.scalar(select(func.count()).where(OutboxMessage.published_at.is_(None))) or 0

    def relay(self, **options: Any) -> OutboxRelay:
        return OutboxRelay(self.db, self.broker, "listings", **options)

    def consumer(self, retry_delays: tuple[float, ...] = (0.05, 0.1)) -> RecordingConsumer:
        """A consumer of every ``listing.*`` event, declared (bound) before anything is published."""
        def on_created(uow: UnitOfWork, event: Event) -> None:
            if event.org_id != self.org:
                return  # another test run sharing the broker
            if self.broken:
                raise RuntimeError("search index unavailable")
            uow.session.add(Received(consumer=sub.queue, event_id=event.id, event_type=event.type,
                                     org_id=event.org_id, annonce_id=event.payload["id"]))

        sub = Subscription(service=f"reliability-{uuid.uuid4().hex[:10]}", name="listing-counter",
                           bindings=[("listings", "listing.*")], handlers={"listing.created": on_created},
                           retry_delays=retry_delays, tenant_bypass=True, prefetch=10)
        self.queues += [sub.queue, dead_letter_name(sub.queue),
                        *(delay_name(sub.queue, i) for i in range(len(retry_delays)))]
        consumer = RecordingConsumer(self.db, self.broker, sub)
        consumer.declare()
        return consumer

    def applied(self) -> collections.Counter[str]:
        """How many times each annonce's ``listing.created`` was applied by the consumer."""
        with self.db.session(tenant_bypass=True) as s:
            rows = s.scalars(select(Received.annonce_id).where(Received.org_id == self.org)).all()
        return collections.Counter(rows)

    def delete_queues(self) -> None:
        if self.broker.embedded or not self.queues:
            return
        with self.broker.connection() as conn:
            channel = conn.channel()
            for queue in self.queues:
                channel.queue_delete(queue)
            channel.close()


@pytest.fixture
def harness(atlas_env, database_url, monkeypatch) -> Iterator[Harness]:
    monkeypatch.setenv("ATLAS_LISTINGS_DATABASE_URL", database_url("atlas_listings:migrations"))
    container = build()
    Base.metadata.create_all(container.platform.db.engine)
    rig = Harness(container)
    yield rig
    rig.delete_queues()
    Base.metadata.drop_all(container.platform.db.engine)  # leave the shared listings database as found
    container.platform.db.dispose()
