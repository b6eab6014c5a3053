"""Recently counted (or estimated) search totals, per process: paging through a search or changing
its sort does not count its matches again.

Counting is the costliest statement of a search (it reads every match, where a page reads ``size``
rows along an index) and it depends only on the filters, not on the page or the sort. A total is kept
``ttl`` seconds — by default the ``max-age`` the search answer itself carries, so a visitor can already
see a total that old — in a bounded LRU. Only counted totals go through here: a search whose results
fit on the page it asked for knows its exact total without counting.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class SearchTotals:
    def __init__(self, ttl: float = 30.0, capacity: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.capacity, self._clock = ttl, capacity, clock
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()  # gunicorn gthread: several request threads per process

    def get(self, key: Hashable) -> Any | None:
        if self.ttl <= 0:
            return None
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            if found[0] <= self._clock():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, total: Any) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            self._items[key] = (self._clock() + self.ttl, total)
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
