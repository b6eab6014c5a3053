"""Operational endpoints every service answers: /healthz, /readyz, /metrics."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, jsonify
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from atlas_shared.db.platform import OutboxMessage
from atlas_shared.db.types import utcnow
from atlas_shared.metrics import render
from atlas_shared.platform import Platform


class _ReadyCache:
    def __init__(self) -> None:
        self.at, self.result = 0.0, ({}, True)


def install_operational_routes(app: Flask, platform: Platform, collectors: Iterable[Any] = ()) -> None:
    """``collectors``: the service's own Prometheus collectors, read at scrape time on /metrics."""
    cache = _ReadyCache()
    extra = list(collectors)

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return jsonify({"status": "ok", "service": platform.service})

    @app.get("/readyz")
    def readyz():  # type: ignore[no-untyped-def]
        if time.monotonic() - cache.at > 2.0:
            checks: dict[str, str] = {}
            for name, probe in (("database", platform.db.ping), ("broker", platform.broker.ping)):
                try:
                    probe()
                    checks[name] = "ok"
                except Exception as exc:  # noqa: BLE001 - report, do not crash the probe
                    checks[name] = f"down: {type(exc).__name__}"
            cache.at, cache.result = time.monotonic(), (checks, all(v == "ok" for v in checks.values()))
        checks, ok = cache.result
        return jsonify({"status": "ready" if ok else "not ready", "checks": checks}), 200 if ok else 503

    @app.get("/metrics")
    def metrics():  # type: ignore[no-untyped-def]
        body, content_type = render([OutboxCollector(platform), *extra])
        return Response(body, content_type=content_type)


class OutboxCollector:
    """Outbox backlog and age, read from the database at scrape time (true across processes)."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def collect(self):  # type: ignore[no-untyped-def]
        backlog = GaugeMetricFamily("atlas_outbox_backlog", "Events waiting in the outbox",
                                    labels=["service"])
        age = GaugeMetricFamily("atlas_outbox_oldest_age_seconds", "Age of the oldest unpublished event",
                                labels=["service"])
        try:
            with self.platform.db.session(tenant_bypass=True, read_only=True) as session:
                count, oldest = session.execute(select(func.count(), func.min(OutboxMessage.created_at))
                                                .where(OutboxMessage.published_at.is_(None))).one()
        except Exception:  # noqa: BLE001 - metrics never fail the scrape
            return []
        if isinstance(oldest, str):
            oldest = datetime.fromisoformat(oldest)
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        backlog.add_metric([self.platform.service], count or 0)
        age.add_metric([self.platform.service], (utcnow() - oldest).total_seconds() if oldest else 0.0)
        return [backlog, age]
