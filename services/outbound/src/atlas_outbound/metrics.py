"""Prometheus series of the outbound service (worker and web processes share them, see /metrics)."""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Histogram

SENDS = Counter("atlas_outbound_sends_total", "Provider calls by channel and outcome "
                "(sent, retry, failed, deferred, reconciled)", ["channel", "outcome"])
PROVIDER_SECONDS = Histogram("atlas_outbound_provider_call_seconds", "Provider call duration", ["channel"],
                             buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
QUEUED_TO_SENT = Histogram("atlas_outbound_queued_to_sent_seconds", "From accepted to SENT", ["channel"],
                           buckets=(.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 21600))
UNCOMMITTED_WINDOW = Histogram("atlas_outbound_uncommitted_window_seconds",
                               "From the provider's acceptance to the SENT commit (a crash inside it "
                               "is recovered by reconciliation)", buckets=(.001, .0025, .005, .01, .025,
                                                                           .05, .1, .25, .5, 1))
CALLBACKS = Counter("atlas_outbound_callbacks_total", "Delivery status reports by source and outcome "
                    "(applied, duplicate, stale, pending)", ["source", "outcome"])
REFUSALS = Counter("atlas_outbound_policy_refusals_total", "Messages refused before queuing",
                   ["source", "code"])
LEASES_RECOVERED = Counter("atlas_outbound_leases_recovered_total",
                           "SENDING rows taken over after their worker's lease ran out")


class QueueCollector:
    """Queue size by status and org, oldest due message, open dead letters: read at scrape time from
    the database, so they are true whichever process sends."""

    def __init__(self, platform: Any) -> None:
        self.platform = platform

    def collect(self):  # type: ignore[no-untyped-def]
        from prometheus_client.core import GaugeMetricFamily
        from sqlalchemy import func, select

        from atlas_outbound.adapters.orm import DeadLetter, OutboundMessage
        from atlas_outbound.domain import statuses
        queue = GaugeMetricFamily("atlas_outbound_queue_size", "Messages waiting or being sent",
                                  labels=["org", "status"])
        dead = GaugeMetricFamily("atlas_outbound_dead_letters_open", "Dead letters not retried yet",
                                 labels=["org"])
        try:
            with self.platform.db.session(tenant_bypass=True, read_only=True) as s:
                waiting = s.execute(select(OutboundMessage.org_id, OutboundMessage.status, func.count())
                                    .where(OutboundMessage.status.in_(statuses.PENDING))
                                    .group_by(OutboundMessage.org_id, OutboundMessage.status)).all()
                letters = s.execute(select(DeadLetter.org_id, func.count()).where(
                    DeadLetter.resolved_at.is_(None)).group_by(DeadLetter.org_id)).all()
        except Exception:  # noqa: BLE001 - metrics never fail the scrape
            return []
        for org, status, n in waiting:
            queue.add_metric([str(org), status], n)
        for org, n in letters:
            dead.add_metric([str(org)], n)
        return [queue, dead]
