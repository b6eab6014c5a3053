"""Broker connections and topology, the same code for RabbitMQ and the embedded transport.

RabbitMQ (``amqp://``): publisher confirms on, durable quorum work queues, one fixed-TTL delay queue
per retry step dead-lettering back to the work queue, and a dead-letter queue per work queue.
Embedded (``filesystem://``, for ``make run`` and bare-machine tests): kombu's filesystem transport
shares exchange bindings between processes through a control folder; it has no TTL, so a delayed
retry is a requeue carrying a not-before time (see ``consumer.py``).
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kombu import Connection, Exchange, Producer, Queue
from kombu.transport import filesystem
from kombu.utils.json import dumps

from atlas_shared.events import exchange_for

DELIVERY_LIMIT = 20


class _AtomicFilesystemChannel(filesystem.Channel):
    """kombu writes a message straight into its final file, so a consumer polling the folder can take
    it while still empty and the message is lost (celery/kombu#1551). Write aside, then rename."""

    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        name = f"{int(round(time.monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        partial = os.path.join(self.data_folder_out, f".{name}.partial")  # never matches a queue
        with open(partial, "wb") as f:
            f.write(dumps(payload).encode())
        os.replace(partial, os.path.join(self.data_folder_out, name))


class _AtomicFilesystemTransport(filesystem.Transport):
    Channel = _AtomicFilesystemChannel


@dataclass(frozen=True)
class Broker:
    url: str
    var_dir: Path

    @property
    def embedded(self) -> bool:
        return self.url.startswith("filesystem")

    def connection(self) -> Connection:
        if self.embedded:
            root = self.var_dir / "broker"
            data, control = root / "data", root / "control"
            data.mkdir(parents=True, exist_ok=True)
            control.mkdir(parents=True, exist_ok=True)
            return Connection("filesystem://", transport=_AtomicFilesystemTransport, transport_options={
                "data_folder_in": str(data), "data_folder_out": str(data),
                "control_folder": str(control), "polling_interval": 0.05})
        return Connection(self.url, heartbeat=30, connect_timeout=5,
                          transport_options={"confirm_publish": True, "max_retries": 1})

    def ping(self) -> None:
        with self.connection() as conn:
            conn.ensure_connection(max_retries=1)

    @staticmethod
    def exchange(service: str) -> Exchange:
        return Exchange(exchange_for(service), type="topic", durable=True)

    def work_queue(self, name: str, bindings: list[tuple[str, str]]) -> Queue:
        """A consumer's durable queue bound to ``(producing service, routing key pattern)`` pairs."""
        args: dict[str, Any] = {}
        if not self.embedded:
            args = {"x-queue-type": "quorum", "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": dead_letter_name(name),
                    "x-delivery-limit": DELIVERY_LIMIT}
        from kombu import binding
        return Queue(name, bindings=[binding(self.exchange(svc), routing_key=key)
                                     for svc, key in bindings],
                     durable=True, queue_arguments=args)

    def dead_letter_queue(self, name: str) -> Queue:
        args = {"x-queue-type": "quorum"} if not self.embedded else {}
        return Queue(dead_letter_name(name), exchange=Exchange(""), routing_key=dead_letter_name(name),
                     durable=True, queue_arguments=args)

    def delay_queue(self, name: str, step: int, delay_seconds: float) -> Queue:
        return Queue(delay_name(name, step), exchange=Exchange(""), routing_key=delay_name(name, step),
                     durable=True, queue_arguments={
                         "x-message-ttl": int(delay_seconds * 1000),
                         "x-dead-letter-exchange": "", "x-dead-letter-routing-key": name})

    def declare_consumer(self, conn: Connection, name: str, bindings: list[tuple[str, str]],
                         delays: tuple[float, ...]) -> Queue:
        channel = conn.default_channel
        for svc in {svc for svc, _ in bindings}:
            self.exchange(svc)(channel).declare()
        queue = self.work_queue(name, bindings)(channel)
        queue.declare()
        self.dead_letter_queue(name)(channel).declare()
        if not self.embedded:
            for step, delay in enumerate(delays):
                self.delay_queue(name, step, delay)(channel).declare()
        return queue

    def send_to_queue(self, producer: Producer, queue: str, body: Any, headers: dict[str, Any]) -> None:
        """Publish straight to a named queue (default exchange), persistent, confirmed on RabbitMQ."""
        producer.publish(body, exchange="", routing_key=queue, headers=headers, delivery_mode=2,
                         serializer="json", retry=False)


def dead_letter_name(queue: str) -> str:
    return f"{queue}.dlq"


def delay_name(queue: str, step: int) -> str:
    return f"{queue}.retry.{step}"
