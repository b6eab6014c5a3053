"""Operator tools for dead letters: list them, replay them to their work queue."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from atlas_shared.messaging.broker import Broker, dead_letter_name
from atlas_shared.messaging.consumer import ATTEMPT, LAST_ERROR, NOT_BEFORE


@dataclass(frozen=True)
class DeadLetter:
    event_id: str | None
    event_type: str | None
    error: str | None
    attempts: int
    body: Any


def _drain(broker: Broker, queue: str, take: Any) -> list[DeadLetter]:
    """Read every dead letter once; ``take(letter)`` says whether to consume (ack) it."""
    found: list[DeadLetter] = []
    with broker.connection() as conn:
        channel = conn.channel()
        dlq = broker.dead_letter_queue(queue)(channel)
        dlq.declare()
        held = []
        while True:
            message = dlq.get(no_ack=False, accept=["json"])
            if message is None:
                break
            body = message.payload if message.content_type else json.loads(message.body)
            headers = message.headers or {}
            letter = DeadLetter(
                event_id=body.get("id") if isinstance(body, dict) else None,
                event_type=body.get("type") if isinstance(body, dict) else None,
                error=headers.get(LAST_ERROR), attempts=int(headers.get(ATTEMPT) or 1), body=body)
            found.append(letter)
            if take(letter, channel, message):
                message.ack()
            else:
                held.append(message)
        for message in held:
            message.requeue()
        channel.close()
    return found


def list_dead_letters(broker: Broker, queue: str) -> list[DeadLetter]:
    return _drain(broker, queue, lambda *_: False)


def replay_dead_letters(broker: Broker, queue: str, event_id: str | None = None) -> list[DeadLetter]:
    """Send dead letters (all, or one event id) back to the work queue with a fresh attempt count."""
    replayed: list[DeadLetter] = []

    def take(letter: DeadLetter, channel: Any, message: Any) -> bool:
        if event_id and letter.event_id != event_id:
            return False
        headers = {k: v for k, v in (message.headers or {}).items()
                   if k not in (ATTEMPT, NOT_BEFORE)}
        headers["x-atlas-replayed"] = True
        from kombu import Producer
        broker.send_to_queue(Producer(channel), queue, letter.body, headers)
        replayed.append(letter)
        return True

    _drain(broker, queue, take)
    return replayed


__all__ = ["DeadLetter", "dead_letter_name", "list_dead_letters", "replay_dead_letters"]
