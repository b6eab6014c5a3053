"""Prometheus metrics shared by every service (multiprocess-safe under gunicorn)."""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import Collector

HTTP_REQUESTS = Counter("atlas_http_requests_total", "HTTP requests by route and status",
                        ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram("atlas_http_request_duration_seconds", "HTTP request latency by route",
                         ["service", "method", "route"],
                         buckets=(.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
EVENTS_PUBLISHED = Counter("atlas_events_published_total", "Events relayed from the outbox",
                           ["service"])
EVENTS_CONSUMED = Counter("atlas_events_consumed_total", "Events handled by a consumer",
                          ["consumer", "outcome"])
CONSUMER_FAILURES = Counter("atlas_consumer_failures_total", "Handler failures (each retry counts)",
                            ["consumer"])
DEAD_LETTERS = Counter("atlas_dead_letters_total", "Events sent to a dead-letter queue", ["consumer"])
WEBHOOK_REJECTED = Counter("atlas_webhook_rejected_total", "Webhook deliveries refused (signature)",
                           ["service", "webhook"])


def render(extra: list[Collector] | None = None) -> tuple[bytes, str]:
    """The /metrics body: every process's samples when PROMETHEUS_MULTIPROC_DIR is set."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Forward(REGISTRY))
    for collector in extra or []:
        registry.register(collector)
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Forward(Collector):
    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self):  # type: ignore[no-untyped-def]
        return self.source.collect()
