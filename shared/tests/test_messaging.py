"""Outbox relay, idempotent consumers, retries and dead letters, on the embedded transport and on
RabbitMQ (``ATLAS_TEST_BROKER_URL``): an event is never lost and never applied twice."""

import contextlib
import json
import threading
import time
import uuid

import amqp
import pytest
from kombu import Exchange, Producer, Queue
from sqlalchemy import MetaData, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from atlas_shared.context import RequestContext
from atlas_shared.db.platform import InboxMessage, OutboxMessage
from atlas_shared.db.tenancy import TenantScoped
from atlas_shared.db.types import UuidType, new_id
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event
from atlas_shared.messaging.consumer import EventConsumer, Outcome, Subscription
from atlas_shared.messaging.dlq import list_dead_letters, replay_dead_letters
from atlas_shared.messaging.relay import OutboxRelay


class Base(DeclarativeBase):
    metadata = MetaData()


class Applied(TenantScoped, Base):
    """The consumer's effect: one row each time a handler really ran (no unique key on purpose)."""

    __tablename__ = "messaging_applied"

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(100))


ORG = str(uuid.uuid4())
TIMEOUT = 30.0


@pytest.fixture
def db(make_db):
    return make_db(Base.metadata)


@pytest.fixture
def service(topology):
    return topology.service()


def wait_for(predicate, timeout=TIMEOUT, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def emit(db, service, *types, org=ORG):
    """Commit one use case that queues the given events; returns their ids."""
    with UnitOfWork(db, RequestContext.system(org_id=org), service) as uow:
        ids = [uow.publish(t, {"n": i}, aggregate_type="thing", aggregate_id=f"a{i % 2}").id
               for i, t in enumerate(types)]
        uow.commit()
    return ids


def applied(db):
    with db.session(tenant_bypass=True) as s:
        return sorted(s.scalars(select(Applied.event_id)))


def pending(db):
    with db.session(tenant_bypass=True) as s:
        return s.scalar(select(func.count()).where(OutboxMessage.published_at.is_(None)))


class RecordingConsumer(EventConsumer):
    """The production consumer, remembering what each delivery came to."""

    def __init__(self, *args):
        super().__init__(*args)
        self.outcomes = []

    def on_message(self, body, message, producer):
        outcome = super().on_message(body, message, producer)
        self.outcomes.append((body.get("id"), outcome))
        return outcome

    def count(self, outcome, event_id=None):
        return sum(1 for eid, out in list(self.outcomes) if out == outcome and event_id in (None, eid))


@contextlib.contextmanager
def running(consumer):
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield consumer
    finally:
        stop.set()
        thread.join(timeout=15)
        assert not thread.is_alive(), "consumer did not stop"


@pytest.fixture
def make_consumer(db, broker, topology, service):
    def make(handlers, retry_delays=(0.05, 0.1), name="projector"):
        sub = Subscription(service=service, name=name, bindings=[(service, "thing.*")],
                           handlers=handlers, retry_delays=retry_delays, prefetch=5)
        topology.consumer_queues(sub.queue, len(retry_delays))
        consumer = RecordingConsumer(db, broker, sub)
        consumer.declare()  # bound before anything is published: nothing is unroutable
        return consumer
    return make


def record(uow, event):
    uow.session.add(Applied(event_id=event.id, event_type=event.type))


def watch_publishes(monkeypatch, broker, fail_at=None):
    """The event ids the relay publishes, in order, as they leave: through kombu's producer on the
    embedded broker, straight on the AMQP channel on RabbitMQ (acks awaited per batch). With
    ``fail_at``, that publish raises as if the broker went away."""
    sent = []
    owner, name = (Producer, "publish") if broker.embedded else (amqp.Channel, "basic_publish")
    original = getattr(owner, name)

    def watched(self, message, *args, **kwargs):
        body = message if isinstance(message, dict) else json.loads(message.body)
        sent.append(body["id"])
        if len(sent) == fail_at:
            raise ConnectionResetError("broker went away mid-batch")
        return original(self, message, *args, **kwargs)

    monkeypatch.setattr(owner, name, watched)
    return sent


def relay_all(db, broker, service):
    relay = OutboxRelay(db, broker, service)
    with broker.connection() as conn:
        return relay.run_once(conn)


# -- transport -------------------------------------------------------------------------------------

def test_messages_published_while_a_consumer_polls_are_all_received(broker, topology):
    # The embedded transport once handed a consumer half-written (empty) message files: lost events.
    name = f"{topology.service()}.race"
    topology.consumer_queues(name, 0)
    plain = Queue(name, exchange=Exchange(""), routing_key=name, durable=True)
    received, errors, count = [], [], 300

    def consume():
        with broker.connection() as conn:
            queue = plain(conn.channel())
            deadline = time.monotonic() + TIMEOUT
            while len(received) < count and time.monotonic() < deadline:
                try:
                    message = queue.get(no_ack=True, accept=["json"])
                except Exception as exc:  # noqa: BLE001 - every failure is a lost message
                    errors.append(repr(exc))
                    continue
                if message is None:
                    time.sleep(0.001)
                else:
                    received.append(message.payload["n"])

    with broker.connection() as conn:
        plain(conn.default_channel).declare()
        reader = threading.Thread(target=consume, daemon=True)
        reader.start()
        producer = conn.Producer()
        for n in range(count):
            broker.send_to_queue(producer, name, {"n": n}, {})
    reader.join(timeout=TIMEOUT + 5)
    assert errors == []
    assert sorted(received) == list(range(count))


# -- relay -----------------------------------------------------------------------------------------

def test_relay_publishes_pending_rows_in_seq_order_and_marks_them(db, broker, service, make_consumer,
                                                                  monkeypatch):
    consumer = make_consumer({})
    ids = emit(db, service, "thing.created", "thing.updated", "thing.updated")
    ids += emit(db, service, "thing.archived", "thing.created")
    sent = watch_publishes(monkeypatch, broker)
    assert pending(db) == 5
    assert relay_all(db, broker, service) == 5
    assert sent == ids  # seq order, i.e. each aggregate's events in the order they were written
    assert pending(db) == 0 and relay_all(db, broker, service) == 0
    with db.session(tenant_bypass=True) as s:
        assert all(r.published_at and r.claimed_until is None and r.attempts == 1
                   for r in s.scalars(select(OutboxMessage)))

    received = []
    with broker.connection() as conn:
        queue = broker.work_queue(consumer.sub.queue, consumer.sub.bindings)(conn.default_channel)

        def drain():
            while (message := queue.get(no_ack=True, accept=["json"])) is not None:
                received.append((message.payload, message.headers, message.delivery_info["routing_key"]))
            return len(received) >= 5
        wait_for(drain, what="5 relayed events")
    by_id = {body["id"]: (body, headers, key) for body, headers, key in received}
    assert set(by_id) == set(ids) and len(received) == 5
    if not broker.embedded:  # RabbitMQ keeps a queue's order; the embedded transport may not
        assert [body["id"] for body, _, _ in received] == ids
    body, headers, routing_key = by_id[ids[3]]
    assert routing_key == "thing.archived" == body["type"]
    assert headers["x-event-id"] == ids[3] and body["org_id"] == ORG


def test_a_row_committed_late_with_an_earlier_seq_is_still_relayed(db, broker, service, make_consumer):
    # Sequences are assigned at insert, not at commit: a relay must never skip past a pending row.
    consumer = make_consumer({"thing.created": record})
    later = emit(db, service, "thing.created", "thing.created")
    assert relay_all(db, broker, service) == 2
    with db.session(tenant_bypass=True) as s:
        first_seq = s.scalar(select(func.min(OutboxMessage.seq)))
        event = Event(type="thing.created", payload={}, org_id=ORG)
        s.add(OutboxMessage(seq=first_seq - 1, id=uuid.UUID(event.id), exchange=f"atlas.{service}",
                            event_type=event.type, aggregate_type="thing", aggregate_id="late",
                            envelope=event.to_dict()))
        s.commit()
    assert relay_all(db, broker, service) == 1
    with running(consumer):
        wait_for(lambda: len(applied(db)) == 3, what="3 events applied")
    assert applied(db) == sorted([*later, event.id])


def claims(db):
    with db.session(tenant_bypass=True) as s:
        return [(r.published_at is not None, r.claimed_until, r.last_error)
                for r in s.scalars(select(OutboxMessage).order_by(OutboxMessage.seq))]


class BrokerGone:
    """A relay connection whose broker went away (RabbitMQ restarted, network cut)."""

    def Producer(self):  # noqa: N802 - kombu's name
        raise ConnectionResetError("connection reset by peer")

    def channel(self):
        raise ConnectionResetError("connection reset by peer")


def test_a_relay_that_lost_its_broker_releases_its_claim_at_once(db, broker, service, make_consumer):
    consumer = make_consumer({"thing.created": record})
    ids = emit(db, service, "thing.created", "thing.created")
    with pytest.raises(ConnectionResetError):
        OutboxRelay(db, broker, service, claim_seconds=300).run_once(BrokerGone())
    assert [(done, until) for done, until, _ in claims(db)] == [(False, None), (False, None)]
    assert all("connection reset" in error for _, _, error in claims(db))
    assert relay_all(db, broker, service) == 2  # no need to wait 300 s for the claim to expire
    with running(consumer):
        wait_for(lambda: len(applied(db)) == 2, what="both events")
    assert applied(db) == sorted(ids)


def test_a_publish_failing_mid_batch_loses_nothing_and_applies_nothing_twice(db, broker, service,
                                                                            make_consumer, monkeypatch):
    consumer = make_consumer({"thing.created": record})
    ids = emit(db, service, "thing.created", "thing.created", "thing.created")
    watch_publishes(monkeypatch, broker, fail_at=2)
    with pytest.raises(ConnectionResetError):
        relay_all(db, broker, service)
    monkeypatch.undo()
    unpublished = [(until, error) for done, until, error in claims(db) if not done]
    assert len(unpublished) >= 2  # the failed one and the one never tried
    assert all(until is None and "mid-batch" in error for until, error in unpublished)
    assert relay_all(db, broker, service) == len(unpublished)
    assert pending(db) == 0
    with running(consumer):  # the first event went out before the failure, and once more after it
        wait_for(lambda: len(consumer.outcomes) == 1 + len(unpublished), what="every delivery")
    assert applied(db) == sorted(ids)
    assert consumer.count(Outcome.DUPLICATE) == len(unpublished) - 2


# -- idempotent consumer -----------------------------------------------------------------------------

def test_an_event_is_applied_once_even_when_processed_twice(db, make_consumer):
    consumer = make_consumer({"thing.created": record})
    event = Event(type="thing.created", payload={"n": 1}, org_id=ORG)
    assert consumer.process(event) == Outcome.HANDLED
    assert consumer.process(Event.from_dict(event.to_dict())) == Outcome.DUPLICATE
    assert consumer.process(Event(type="thing.unknown", payload={}, org_id=ORG)) == Outcome.IGNORED
    assert applied(db) == [event.id]
    with db.session(tenant_bypass=True) as s:
        [inbox] = s.scalars(select(InboxMessage)).all()
    assert (inbox.consumer, str(inbox.event_id)) == (consumer.sub.queue, event.id)


def test_a_duplicate_delivery_through_the_broker_has_no_second_effect(db, broker, service, make_consumer):
    consumer = make_consumer({"thing.created": record})
    [event_id] = emit(db, service, "thing.created")
    with db.session(tenant_bypass=True) as s:  # the relay publishes the same event twice
        row = s.scalars(select(OutboxMessage)).one()
        s.add(OutboxMessage(exchange=row.exchange, event_type=row.event_type, aggregate_type="thing",
                            aggregate_id=row.aggregate_id, envelope=row.envelope))
        s.commit()
    assert relay_all(db, broker, service) == 2
    with running(consumer):
        wait_for(lambda: len(consumer.outcomes) == 2, what="both deliveries")
    assert sorted(out for _, out in consumer.outcomes) == [Outcome.DUPLICATE, Outcome.HANDLED]
    assert applied(db) == [event_id]


def test_a_failed_handler_leaves_no_partial_effect_and_a_retry_applies_it_once(db, broker, service,
                                                                              make_consumer):
    calls = []

    def flaky(uow, event):
        calls.append(event.id)
        record(uow, event)
        uow.session.flush()
        if len(calls) == 1:
            raise RuntimeError("projection store hiccup")

    consumer = make_consumer({"thing.created": flaky})
    [event_id] = emit(db, service, "thing.created")
    relay_all(db, broker, service)
    with running(consumer):
        wait_for(lambda: consumer.count(Outcome.HANDLED) == 1, what="the retried event")
    assert calls == [event_id, event_id] and applied(db) == [event_id]


# -- retries, dead letters, replay -------------------------------------------------------------------

def test_a_failing_handler_is_retried_then_dead_lettered_and_replayed_once_fixed(db, broker, service,
                                                                                  make_consumer):
    broken = {"yes": True}
    calls = []

    def handler(uow, event):
        calls.append(event.id)
        if broken["yes"]:
            raise RuntimeError("CRM projection is down")
        record(uow, event)

    consumer = make_consumer({"thing.created": handler}, retry_delays=(0.05, 0.1))
    first, second = emit(db, service, "thing.created", "thing.created")
    relay_all(db, broker, service)
    queue = consumer.sub.queue
    with running(consumer):
        wait_for(lambda: consumer.count(Outcome.DEAD) == 2, what="two dead letters")
        assert calls.count(first) == calls.count(second) == 3  # first try + one per retry delay
        assert applied(db) == []

        letters = list_dead_letters(broker, queue)
        assert sorted(letter.event_id for letter in letters) == sorted([first, second])
        assert all(letter.attempts == 3 and letter.event_type == "thing.created" for letter in letters)
        assert all("CRM projection is down" in letter.error for letter in letters)
        assert len(list_dead_letters(broker, queue)) == 2  # listing consumes nothing

        # Replayed while still broken: a fresh set of attempts, then back to the dead-letter queue.
        assert [d.event_id for d in replay_dead_letters(broker, queue, first)] == [first]
        wait_for(lambda: consumer.count(Outcome.DEAD, first) == 2, what="the replay to fail again")
        assert calls.count(first) == 6

        broken["yes"] = False
        assert [d.event_id for d in replay_dead_letters(broker, queue, first)] == [first]
        wait_for(lambda: consumer.count(Outcome.HANDLED) == 1, what="the replayed event")
        assert applied(db) == [first]
        assert [d.event_id for d in list_dead_letters(broker, queue)] == [second]

        assert [d.event_id for d in replay_dead_letters(broker, queue)] == [second]
        wait_for(lambda: consumer.count(Outcome.HANDLED) == 2, what="the second replayed event")
        assert replay_dead_letters(broker, queue) == []
    assert applied(db) == sorted([first, second])
    assert list_dead_letters(broker, queue) == []


def test_a_malformed_message_goes_straight_to_the_dead_letter_queue(db, broker, make_consumer):
    consumer = make_consumer({"thing.created": record})
    with running(consumer), broker.connection() as conn:
        broker.send_to_queue(conn.Producer(), consumer.sub.queue, {"hello": "world"}, {})
        wait_for(lambda: consumer.count(Outcome.DEAD) == 1, what="the malformed message")
    [letter] = list_dead_letters(broker, consumer.sub.queue)
    assert letter.body == {"hello": "world"} and "malformed" in letter.error
    assert applied(db) == []


def test_the_envelope_carries_every_field_and_survives_a_round_trip():
    from dataclasses import fields
    from datetime import date
    from decimal import Decimal

    event = Event(type="thing.happened", payload={"amount": Decimal("10.50"), "on": date(2026, 1, 5),
                                                  "ids": (uuid.UUID(int=1),)},
                  org_id="org", actor="me", correlation_id="c", version=3)
    envelope = event.to_dict()
    assert set(envelope) == {f.name for f in fields(Event)}
    assert envelope["payload"] == {"amount": "10.50", "on": "2026-01-05", "ids": [str(uuid.UUID(int=1))]}
    again = Event.from_dict(envelope)
    assert again.to_dict() == envelope
