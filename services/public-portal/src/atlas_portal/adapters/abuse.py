"""Per-client rate limiting for the public forms and APIs, and who the client really is.

The gateway limits too, but the portal is deployable alone. Buckets live in this process's memory
(each gunicorn worker keeps its own), bounded in number so a flood of addresses cannot exhaust it.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}


@dataclass(frozen=True)
class AbuseSettings:
    write_capacity: int
    write_period: float
    trusted_proxies: tuple[Network, ...]
    submissions_per_hour: int = 30  # leads + reports + demo requests per address, counted in the database

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AbuseSettings:
        env = os.environ if env is None else env
        # The gateway's own knob for public writes applies here too, unless the portal has its own.
        rate = env.get("ATLAS_PORTAL_WRITE_RATE") or env.get("ATLAS_PUBLIC_RATE_LIMIT_WRITE") or "20/minute"
        count, _, period = rate.partition("/")
        trusted = env.get("ATLAS_TRUSTED_PROXIES", "127.0.0.1")
        return cls(write_capacity=int(count), write_period=PERIODS[period.strip().rstrip("s")],
                   submissions_per_hour=int(env.get("ATLAS_PORTAL_SUBMISSIONS_PER_HOUR", "30")),
                   trusted_proxies=tuple(ipaddress.ip_network(p.strip(), strict=False)
                                         for p in trusted.split(",") if p.strip()))


class RateLimiter:
    """A token bucket per key: ``capacity`` requests at once, refilled over ``period`` seconds."""

    def __init__(self, capacity: int, period: float, max_keys: int = 50_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity, self.rate, self.max_keys, self.clock = capacity, capacity / period, max_keys, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> float:
        """Take a token; 0 when allowed, else the seconds until one is available."""
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.pop(key, (float(self.capacity), now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return 0.0 if allowed else (1.0 - tokens) / self.rate


def _trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        return any(ipaddress.ip_address(address) in net for net in trusted)
    except ValueError:
        return False


def client_ip(peer: str | None, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    """The peer, or behind trusted proxies the nearest X-Forwarded-For hop that is not one of them
    (a client can prepend anything to the header, never append after the proxy)."""
    peer = peer or "unknown"
    if not forwarded_for or not _trusted(peer, trusted):
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not _trusted(hop, trusted):
            return hop
    return peer
