"""What to do after a failed send: retry later, give up, or wait for that recipient only.

Provider error classes (reliability.md): HTTP 429/5xx, WhatsApp 130429 (throughput), 131000
(something went wrong) and 2 (service unavailable) are retried with capped exponential backoff and
jitter; 131056 (pair rate limit) delays that recipient only; every other 4xx — 131047 (24-hour window),
131026 (undeliverable), 131048 (spam limit), 131008/100 (bad parameter)… — is final.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

RETRY, FINAL, RECIPIENT_DELAY = "RETRY", "FINAL", "RECIPIENT_DELAY"

WHATSAPP_RETRIED = frozenset({130429, 131000, 2, 1, 4, 80007, 133004})
WHATSAPP_RECIPIENT_DELAY = frozenset({131056})
# SMTP: 4yz replies are transient by definition (RFC 5321), 5yz permanent.


@dataclass(frozen=True)
class Failure:
    """A failed attempt as the provider adapter saw it."""

    http_status: int | None       # None: no answer (timeout, connection refused, SMTP drop)
    code: str | None              # provider error code ("131047", "21211", "550")
    message: str


def classify(channel: str, failure: Failure) -> str:
    if channel == "WHATSAPP" and failure.code and failure.code.isdigit():
        code = int(failure.code)
        if code in WHATSAPP_RECIPIENT_DELAY:
            return RECIPIENT_DELAY
        if code in WHATSAPP_RETRIED:
            return RETRY
    if channel == "EMAIL" and failure.code and failure.code.isdigit():
        return RETRY if failure.code.startswith("4") else FINAL
    status = failure.http_status
    if status is None or status == 429 or status >= 500:
        return RETRY
    return FINAL


@dataclass(frozen=True)
class Backoff:
    """Delay before the next attempt; ``rand`` is injected so tests compute instead of waiting."""

    schedule: tuple[float, ...]
    jitter: float = 0.2
    rand: Callable[[], float] = random.random

    @property
    def max_attempts(self) -> int:
        return len(self.schedule) + 1

    def delay(self, attempt: int) -> float | None:
        """Seconds to wait after failed attempt ``attempt`` (1-based); None when it was the last."""
        if attempt >= self.max_attempts:
            return None
        base = self.schedule[attempt - 1]
        return max(0.0, base * (1 + self.jitter * (2 * self.rand() - 1)))

    def next_at(self, attempt: int, now: datetime) -> datetime | None:
        delay = self.delay(attempt)
        return None if delay is None else now + timedelta(seconds=delay)
