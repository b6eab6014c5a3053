"""Gateway metrics, on top of the request counter and latency histogram every Atlas service exports.

The ``route`` label is the route table's prefix (or the gateway's own path), never the raw path, so the
label set stays small. Multiprocess-safe when ``PROMETHEUS_MULTIPROC_DIR`` is set (the CLI sets it).
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter

from atlas_shared.metrics import HTTP_LATENCY, HTTP_REQUESTS, render

SERVICE = "gateway"

UPSTREAM_ERRORS = Counter("atlas_gateway_upstream_errors_total",
                          "Upstream calls that failed, by service and kind (timeout, down, error)",
                          ["upstream", "kind"])


class RequestMetrics:
    """Caches labelled children: ``labels()`` takes a lock and builds a tuple on every call."""

    def __init__(self) -> None:
        self._counters: dict[tuple[str, str, int], Any] = {}
        self._histograms: dict[tuple[str, str], Any] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        counter = self._counters.get(key)
        if counter is None:
            counter = self._counters[key] = HTTP_REQUESTS.labels(SERVICE, method, route, str(status))
        counter.inc()
        hkey = (method, route)
        histogram = self._histograms.get(hkey)
        if histogram is None:
            histogram = self._histograms[hkey] = HTTP_LATENCY.labels(SERVICE, method, route)
        histogram.observe(seconds)


def upstream_error(service: str, kind: str) -> None:
    UPSTREAM_ERRORS.labels(service, kind).inc()


__all__ = ["RequestMetrics", "render", "upstream_error"]
