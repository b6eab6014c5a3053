"""The sending loop (``loops=`` of the service spec, so ``atlas-outbound worker`` sends).

``ATLAS_OUTBOUND_SENDERS`` threads per process each claim a batch of due rows (one statement), call
the provider for the batch concurrently (``ATLAS_OUTBOUND_SEND_CONCURRENCY`` calls in flight, no broker
delivery held meanwhile) and record outcomes as they arrive: the SENTs answered since the last commit
in one short transaction, each failure in its own. More throughput: start more
``atlas-outbound worker`` processes; claims never overlap.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
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
        calls = ThreadPoolExecutor(self.settings.send_concurrency,
                                   thread_name_prefix=f"{threading.current_thread().name}-call")
        try:
            while not stop.is_set():
                try:
                    batch = sending.claim(self.db, worker, self.c.clock(), self.settings.lease_seconds,
                                          self.settings.batch_size)
                except Exception:  # noqa: BLE001 - a database blip must not kill the sender
                    log.exception("claim failed", extra={"worker": worker})
                    stop.wait(1.0)
                    continue
                if batch:
                    self.send_batch(batch, worker, stop, calls)
                if len(batch) < self.settings.batch_size:  # the queue is drained: let the next batch fill
                    stop.wait(self.idle_wait())
        finally:
            calls.shutdown(wait=False, cancel_futures=True)

    def idle_wait(self) -> float:
        """How long a sender that found the queue drained waits before it looks again: each of the
        process's senders waits ``senders`` × the poll interval (± 50 %, so they stay spread out), so
        the process as a whole looks every poll interval on average, not ``senders`` times as often
        (an idle claim is a transaction; a busy sender claims again at once)."""
        return self.settings.poll_seconds * self.settings.senders * random.uniform(0.5, 1.5)  # noqa: S311

    def send_batch(self, batch: list[Claimed], worker: str, stop: threading.Event,
                   calls: ThreadPoolExecutor | None = None) -> None:
        """Call the provider for the whole batch at once (``send_concurrency`` calls in flight, each
        call over the process's keep-alive urllib3 pool) and record outcomes as they come: every SENT
        answered since the last commit goes in one transaction, so the window between the provider's
        acceptance and the commit stays one short commit long."""
        lease = self.settings.lease_seconds
        renew_after = lease - min(3 * self.settings.http_timeout, lease / 2)
        claimed_at = time.monotonic()
        own_pool = calls is None
        if calls is None:
            calls = ThreadPoolExecutor(self.settings.send_concurrency)
        try:
            futures: dict[Future[sending.Outcome], Claimed] = {}
            for i, claimed in enumerate(batch):
                if stop.is_set():
                    self._release(batch[i:])
                    break
                try:
                    if claimed.recovered and sending.reconcile(self.uow(claimed.org_id), claimed, worker,
                                                               self.c.clock()):
                        continue
                    account = self.account(claimed)
                except Exception:  # noqa: BLE001 - the lease brings the row back; keep sending the others
                    log.exception("send failed unexpectedly", extra={"message_id": str(claimed.id)})
                    continue
                futures[calls.submit(self.call, claimed, account)] = claimed
            waiting = set(futures)
            released = False
            while waiting:
                if stop.is_set() and not released:  # finish the calls in hand, hand back the others
                    untouched = [f for f in waiting if f.cancel()]
                    self._release([futures[f] for f in untouched])
                    waiting -= set(untouched)
                    released = True
                if time.monotonic() - claimed_at > renew_after and waiting:
                    try:
                        sending.extend_lease(self.db, [futures[f] for f in waiting],
                                             self.c.clock() + timedelta(seconds=lease))
                        claimed_at = time.monotonic()
                    except Exception:  # noqa: BLE001
                        log.exception("extending the lease failed", extra={"worker": worker})
                done, waiting = wait(waiting, timeout=0.5, return_when=FIRST_COMPLETED)
                outcomes = []
                for f in done:
                    try:
                        outcomes.append(f.result())
                    except Exception:  # noqa: BLE001 - the lease brings the row back
                        log.exception("send failed unexpectedly", extra={"message_id": str(futures[f].id)})
                self.record(outcomes, worker)
        finally:
            if own_pool:
                calls.shutdown(wait=True)

    def _release(self, claimed: list[Claimed]) -> None:
        try:
            sending.release(self.db, claimed, self.c.clock())
        except Exception:  # noqa: BLE001 - the lease brings them back
            log.exception("handing claims back failed")

    # -- one message ------------------------------------------------------------------------------
    def send_one(self, c: Claimed, worker: str) -> str:
        if c.recovered and sending.reconcile(self.uow(c.org_id), c, worker, self.c.clock()):
            return "reconciled"
        return self.record([self.call(c, self.account(c))], worker, strict=True)[0]

    def account(self, c: Claimed) -> Any:
        account = self.c.accounts.get(c.org_id, c.channel)
        if account is None and c.channel == "EMAIL":
            account = self.c.default_email_account
        return account

    def call(self, c: Claimed, account: Any) -> sending.Outcome:
        """The provider call alone (no database): runs on the sender's call pool."""
        started, t0 = self.c.clock(), time.perf_counter()
        if account is None:
            failure = Failure(None, "PROVIDER_NOT_CONFIGURED", f"No {c.channel} provider is configured.")
            return sending.Outcome(c, started, failure=failure, response={}, final=True)
        try:
            accepted = self.c.providers[c.channel].send(c.request, account)
        except SendFailed as exc:
            PROVIDER_SECONDS.labels(c.channel).observe(time.perf_counter() - t0)
            return sending.Outcome(c, started, failure=exc.failure, response=exc.response)
        answered = time.perf_counter()
        PROVIDER_SECONDS.labels(c.channel).observe(answered - t0)
        return sending.Outcome(c, started, accepted=accepted, answered=answered)

    def record(self, outcomes: list[sending.Outcome], worker: str, strict: bool = False) -> list[str]:
        """Failures one by one (as before); the SENTs of each org together in one transaction. If
        that transaction fails, each SENT is recorded on its own, retried for half the lease."""
        results: dict[int, str] = {}
        sent_by_org: dict[Any, list[int]] = {}
        for i, o in enumerate(outcomes):
            if o.accepted is not None:
                sent_by_org.setdefault(o.claimed.org_id, []).append(i)
                continue
            try:
                assert o.failure is not None
                results[i] = self._failed(o.claimed, o.failure, o.response or {}, worker, o.started,
                                          final=o.final)
            except Exception:  # noqa: BLE001 - the lease brings the row back
                if strict:
                    raise
                log.exception("recording a failure failed", extra={"message_id": str(o.claimed.id)})
                results[i] = "error"
        for org_id, indexes in sent_by_org.items():
            group = [outcomes[i] for i in indexes]
            try:
                recorded = sending.record_sent_many(self.uow(org_id), group, worker, self.c.clock())
            except Exception:  # noqa: BLE001
                log.warning("recording a batch of SENT failed; recording them one by one", exc_info=True,
                            extra={"worker": worker, "messages": len(group)})
                recorded = []
                for o in group:
                    try:
                        assert o.accepted is not None
                        recorded.append(self._record_sent(o.claimed, o.accepted, worker, o.started))
                    except Exception:  # noqa: BLE001 - lease expiry and reconciliation take over
                        if strict:
                            raise
                        log.exception("recording SENT failed", extra={
                            "message_id": str(o.claimed.id),
                            "provider_message_id": o.accepted.provider_message_id if o.accepted else None})
                        recorded.append(None)
            now = self.c.clock()
            for i, o, ok in zip(indexes, group, recorded, strict=True):
                results[i] = "sent" if ok is not None else "error"
                if ok is not None:
                    UNCOMMITTED_WINDOW.observe(time.perf_counter() - o.answered)
                    QUEUED_TO_SENT.labels(o.claimed.channel).observe(
                        max(0.0, (now - o.claimed.created_at).total_seconds()))
        return [results[i] for i in range(len(outcomes))]

    def _record_sent(self, c: Claimed, accepted: Any, worker: str, started: Any) -> bool:
        """The provider took it: committing that must outlast a database blip (else it is sent again),
        so keep trying for half the lease; after that the lease expiry and reconciliation take over."""
        give_up = time.monotonic() + self.settings.lease_seconds / 2
        pause = 0.1
        while True:
            try:
                return sending.record_sent(self.uow(c.org_id), c, accepted, worker, started, self.c.clock())
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
