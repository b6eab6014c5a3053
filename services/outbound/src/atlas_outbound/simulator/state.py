"""What the simulator was told to do (rules, callbacks) and what it saw (calls per message)."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web


@dataclass
class Rule:
    """Applies to the next matching calls: a delay, an error answer, or a delivery failure later."""

    channel: str | None = None            # WHATSAPP or SMS; None: both
    to: str | None = None                 # only this recipient (digits, as sent)
    times: int | None = None              # None: until replaced
    delay_ms: int = 0
    status: int = 200                     # HTTP status of the answer
    code: int | None = None               # provider error code in the error body
    message: str = "Simulated error"
    delivery_error: dict[str, Any] | None = None   # accept, then report "failed" with this error

    def matches(self, channel: str, to: str) -> bool:
        return (self.channel in (None, channel)) and (self.to in (None, to)) and self.times != 0

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Rule:
        return cls(channel=d.get("channel"), to=(d.get("to") or "").lstrip("+") or None, times=d.get("times"),
                   delay_ms=int(d.get("delayMs") or 0), status=int(d.get("status") or 200),
                   code=d.get("code"), message=d.get("message") or "Simulated error",
                   delivery_error=d.get("deliveryError"))


@dataclass
class CallbackPlan:
    url: str | None = None                # WhatsApp status webhook (SMS uses each StatusCallback)
    app_secret: str | None = None
    statuses: list[str] = field(default_factory=lambda: ["sent", "delivered", "read"])
    shuffle: bool = False
    duplicates: int = 0                   # extra copies of each status
    delay_ms: int = 20
    batch: bool = False                   # all statuses of a message in one POST (several changes)
    enabled: bool = True

    def sequence(self, rng: random.Random, failed: bool) -> list[str]:
        statuses = ["sent", "failed"] if failed else list(self.statuses)
        statuses += [s for s in statuses for _ in range(self.duplicates)]
        if self.shuffle:
            rng.shuffle(statuses)
        return statuses


@dataclass
class SimState:
    rules: list[Rule] = field(default_factory=list)
    callbacks: CallbackPlan = field(default_factory=CallbackPlan)
    calls: dict[str, int] = field(default_factory=dict)          # per message ref (our message id)
    accepted: dict[str, list[str]] = field(default_factory=dict)  # ref -> provider ids handed out
    total: int = 0
    callbacks_sent: int = 0
    callback_errors: int = 0
    seq: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    def reset(self) -> None:
        """Forget rules and calls; keep where callbacks go."""
        kept = CallbackPlan(url=self.callbacks.url, app_secret=self.callbacks.app_secret)
        self.__init__(callbacks=kept)  # type: ignore[misc]

    def rule_for(self, channel: str, to: str) -> Rule | None:
        for rule in self.rules:
            if rule.matches(channel, to):
                if rule.times is not None:
                    rule.times -= 1
                return rule
        return None

    def record_call(self, ref: str) -> None:
        self.total += 1
        self.calls[ref] = self.calls.get(ref, 0) + 1

    def next_id(self, prefix: str) -> str:
        self.seq += 1
        return f"{prefix}{self.seq:012d}{self.rng.getrandbits(48):012x}"

    def summary(self) -> dict[str, Any]:
        return {"total": self.total, "messages": len(self.calls),
                "duplicates": {ref: n for ref, n in self.calls.items() if n > 1},
                "perMessage": self.calls, "accepted": self.accepted,
                "callbacksSent": self.callbacks_sent, "callbackErrors": self.callback_errors}


class Runtime:
    """Things made once the event loop runs (the app itself is frozen by then)."""

    def __init__(self) -> None:
        self.http: ClientSession | None = None
        self.tasks: set[asyncio.Task[None]] = set()


STATE: web.AppKey[SimState] = web.AppKey("state", SimState)
RUNTIME: web.AppKey[Runtime] = web.AppKey("runtime", Runtime)
