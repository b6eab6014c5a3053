"""Per-org sending limits: a daily quota (paid sends) and a per-minute rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DAY, MINUTE = "DAY", "MINUTE"


def window_start(kind: str, now: datetime) -> datetime:
    now = now.astimezone(UTC)
    if kind == DAY:
        return now.replace(hour=0, minute=0, second=0, microsecond=0)
    return now.replace(second=0, microsecond=0)


def next_window(kind: str, now: datetime) -> datetime:
    return window_start(kind, now) + (timedelta(days=1) if kind == DAY else timedelta(minutes=1))


@dataclass(frozen=True)
class Limits:
    daily_quota: int
    per_minute: int


def deferral(count_in_minute: int, per_minute: int, now: datetime) -> datetime | None:
    """Event-borne messages over the per-minute rate are spread over the next minutes, not refused:
    the n-th message of a minute goes out in minute ``(n - 1) // per_minute`` from its start."""
    slot = (count_in_minute - 1) // max(per_minute, 1)
    return window_start(MINUTE, now) + timedelta(minutes=slot) if slot > 0 else None
