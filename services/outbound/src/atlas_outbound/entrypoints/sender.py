"""The sending loop (``loops=`` of the service spec, so ``atlas-outbound worker`` sends).

``ATLAS_OUTBOUND_SENDERS`` threads per process each claim a batch of due rows, call the provider for
each (no broker delivery held meanwhile) and record the outcome in its own short transaction. More
throughput: start more ``atlas-outbound worker`` processes; claims never overlap.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import delete

from atlas_outbound.adapters.orm import SenderHeartbeat
from atlas_outbound.adapters.providers import SendFailed
from atlas_outbound.domain.retry import Failure
from atlas_outbound.metrics import PROVIDER_SECONDS, QUEUED_TO_SENT, UNCOMMITTED_WINDOW
from atlas_outbound.service_layer import callbacks, sending
from atlas_outbound.service_layer.sending import Claimed
from atlas_shared.context import RequestContext
from atlas_shared.db.uow import UnitOfWork

log = logging.getLogger(__name__)


class Sender:
    def __init__(self, container: Any) -> None:
        self.c = container
        self.settings = container.settings
        self.db = container.platform.db
        self.name = f"{socket.gethostname()}:{os.getpid()}"

    def uow(self, org_id: Any) -> UnitOfWork:
        return self.c.platform.uow(RequestContext.system(org_id=str(org_id), actor="outbound-sender"))

    # -- the loop -------------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        threads = [threading.Thread(target=self.loop, args=(stop, f"{self.name}:{i}"), daemon=True,
                                    name=f"sender-{i}") for i in range(self.settings.senders)]
        for thread in threads:
            thread.start()
        log.info("senders started", extra={"threads": len(threads)})
        while not stop.wait(2.0):
            self.housekeeping()
        for thread in threads:
            thread.join(timeout=15)
        self.forget_heartbeat()

    def loop(self, stop: threading.Event, worker: str) -> None:
        while not stop.is_set():
            try:
                batch = sending.claim(self.db, worker, self.c.clock(), self.settings.lease_seconds,
                                      self.settings.batch_size)
            except Exception:  # noqa: BLE001 - a database blip must not kill the sender
                log.exception("claim failed", extra={"worker": worker})
                stop.wait(1.0)
                continue
            if not batch:
                stop.wait(self.settings.poll_seconds)
                continue
            self.send_batch(batch, worker, stop)

    def send_batch(self, batch: list[Claimed], worker: str, stop: threading.Event) -> None:
        lease = self.settings.lease_seconds
        renew_after = lease - min(3 * self.settings.http_timeout, lease / 2)
        claimed_at = time.monotonic()
        for i, claimed in enumerate(batch):
            if stop.is_set():
                sending.release(self.db, batch[i:], self.c.clock())
                return
            if time.monotonic() - claimed_at > renew_after:
                sending.extend_lease(self.db, batch[i:], self.c.clock() + timedelta(seconds=lease))
                claimed_at = time.monotonic()
            try:
                self.send_one(claimed, worker)
            except Exception:  # noqa: BLE001 - the lease brings the row back; keep sending the others
                log.exception("send failed unexpectedly", extra={"message_id": str(claimed.id)})

    # -- one message ------------------------------------------------------------------------------
    def send_one(self, c: Claimed, worker: str) -> str:
        if c.recovered and sending.reconcile(self.uow(c.org_id), c, worker, self.c.clock()):
            return "reconciled"
        provider = self.c.providers[c.channel]
        account = self.c.accounts.get(c.org_id, c.channel)
        if account is None and c.channel == "EMAIL":
            account = self.c.default_email_account
        started, t0 = self.c.clock(), time.perf_counter()
        if account is None:
            failure = Failure(None, "PROVIDER_NOT_CONFIGURED", f"No {c.channel} provider is configured.")
            return self._failed(c, failure, {}, worker, started, final=True)
        try:
            accepted = provider.send(c.request, account)
        except SendFailed as exc:
            PROVIDER_SECONDS.labels(c.channel).observe(time.perf_counter() - t0)
            return self._failed(c, exc.failure, exc.response, worker, started)
        answered = time.perf_counter()
        PROVIDER_SECONDS.labels(c.channel).observe(answered - t0)
        self._record_sent(c, accepted, worker, started)
        UNCOMMITTED_WINDOW.observe(time.perf_counter() - answered)
        QUEUED_TO_SENT.labels(c.channel).observe(max(0.0, (self.c.clock() - c.created_at).total_seconds()))
        return "sent"

    def _record_sent(self, c: Claimed, accepted: Any, worker: str, started: Any) -> None:
        """The provider took it: committing that must outlast a database blip (else it is sent again),
        so keep trying for half the lease; after that the lease expiry and reconciliation take over."""
        give_up = time.monotonic() + self.settings.lease_seconds / 2
        pause = 0.1
        while True:
            try:
                sending.record_sent(self.uow(c.org_id), c, accepted, worker, started, self.c.clock())
                return
            except Exception:  # noqa: BLE001
                if time.monotonic() + pause > give_up:
                    raise
                log.warning("recording SENT failed; retrying", exc_info=True, extra={
                    "message_id": str(c.id), "provider_message_id": accepted.provider_message_id})
                time.sleep(pause)
                pause = min(pause * 2, 2.0)

    def _failed(self, c: Claimed, failure: Failure, response: dict[str, Any], worker: str, started: Any,
                final: bool = False) -> str:
        return sending.record_failure(self.uow(c.org_id), c, failure, response, self.c.backoff,
                                      self.settings.pair_rate_delay, worker, started, self.c.clock(),
                                      final=final)

    # -- housekeeping -----------------------------------------------------------------------------
    def housekeeping(self) -> None:
        try:
            self.beat()
            callbacks.sweep(lambda: self.db.session(tenant_bypass=True), self.uow, self.c.clock())
        except Exception:  # noqa: BLE001
            log.exception("sender housekeeping failed")

    def beat(self) -> None:
        with self.db.session(tenant_bypass=True) as session, session.begin():
            row = session.get(SenderHeartbeat, self.name)
            if row is None:
                session.add(SenderHeartbeat(worker=self.name, threads=self.settings.senders,
                                            started_at=self.c.clock(), last_seen_at=self.c.clock()))
            else:
                row.last_seen_at, row.threads = self.c.clock(), self.settings.senders

    def forget_heartbeat(self) -> None:
        try:
            with self.db.session(tenant_bypass=True) as session, session.begin():
                session.execute(delete(SenderHeartbeat).where(SenderHeartbeat.worker == self.name))
        except Exception:  # noqa: BLE001
            log.warning("could not remove the sender heartbeat", exc_info=True)
