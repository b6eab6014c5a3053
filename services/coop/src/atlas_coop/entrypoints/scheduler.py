"""The worker's background loop: the coop's scheduled jobs (late marking, penalties, reminders)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from atlas_coop.service_layer import clock, jobs
from atlas_shared.platform import Platform

log = logging.getLogger(__name__)
DEFAULT_INTERVAL = 3600.0


def jobs_loop(platform: Platform, interval: float | None = None) -> Callable[[threading.Event], None]:
    """Runs every ``ATLAS_COOP_JOBS_INTERVAL_SECONDS`` (default hourly), first at start; the jobs are
    idempotent, so a restart or a second worker never marks or notifies twice."""
    every = interval or float(os.environ.get("ATLAS_COOP_JOBS_INTERVAL_SECONDS", DEFAULT_INTERVAL))

    def run(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                jobs.run_all(platform, clock.today())
            except Exception:  # noqa: BLE001 - the loop survives a failed run and tries again
                log.exception("coop jobs failed; retrying at the next interval")
            stop.wait(every)
    return run
