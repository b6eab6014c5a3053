"""Per-client token buckets for the unauthenticated routes, bounded in memory.

Each gateway worker keeps its own buckets, so N workers admit up to N times the configured rate from
one client in the worst case (the kernel spreads a client's connections over the workers).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

from atlas_gateway.settings import Rate


class RateLimiter:
    """Token buckets keyed by (client, class). A bucket idle long enough to be full again is the
    same as no bucket, so idle buckets are dropped; ``max_buckets`` caps memory under a flood."""

    def __init__(self, max_buckets: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_buckets = max_buckets
        self._clock = clock
        # key -> [tokens, last refill time, seconds to refill completely]; least recently used first.
        self._buckets: OrderedDict[tuple[str, str], list[float]] = OrderedDict()

    def acquire(self, client: str, name: str, rate: Rate) -> float:
        """Take one token. Return 0 when allowed, else the seconds to wait before retrying."""
        now = self._clock()
        key = (client, name)
        bucket = self._buckets.get(key)
        if bucket is None:
            self._evict(now)
            bucket = [rate.capacity, now, rate.capacity / rate.per_second]
            self._buckets[key] = bucket
        else:
            self._buckets.move_to_end(key)
            bucket[0] = min(rate.capacity, bucket[0] + (now - bucket[1]) * rate.per_second)
            bucket[1] = now
        if bucket[0] >= 1.0:
            bucket[0] -= 1.0
            return 0.0
        return (1.0 - bucket[0]) / rate.per_second

    def _evict(self, now: float) -> None:
        buckets = self._buckets
        while buckets:
            oldest = next(iter(buckets.values()))
            if now - oldest[1] < oldest[2] and len(buckets) < self.max_buckets:
                break
            buckets.popitem(last=False)

    def __len__(self) -> int:
        return len(self._buckets)


def retry_after_seconds(wait: float) -> str:
    """The ``Retry-After`` value: whole seconds, at least 1."""
    return str(max(1, math.ceil(wait)))
