"""Reliability with real processes: a worker killed mid-batch, RabbitMQ restarted mid-flow.

Every wait is bounded. Figures are printed (run with -s to see them).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from atlas_outbound.adapters.orm import Attempt, OutboundMessage
from atlas_outbound.testing import APP_SECRET, PHONE, template_message
from atlas_shared.testing import broker_test_url

CLI = str(Path(sys.executable).parent / "atlas-outbound")
pytestmark = pytest.mark.slow


def worker_env(container, simulator, extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROMETHEUS")}
    env.update({
        "ATLAS_OUTBOUND_DATABASE_URL": container.platform.settings.database_url,
        "ATLAS_OUTBOUND_WHATSAPP_BASE_URL": simulator.url, "ATLAS_WHATSAPP_APP_SECRET": APP_SECRET,
        "ATLAS_OUTBOUND_LEASE_SECONDS": "4", "ATLAS_OUTBOUND_SENDERS": "2", "ATLAS_OUTBOUND_BATCH_SIZE": "5",
        "ATLAS_OUTBOUND_POLL_SECONDS": "0.05", "ATLAS_OUTBOUND_HTTP_TIMEOUT": "1",
        "ATLAS_LOG_LEVEL": "WARNING", **(extra or {})})
    return env


def start_worker(env, *args):
    return subprocess.Popen([CLI, "worker", *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def stop(proc, sig=signal.SIGTERM):
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
    proc.wait(20)


def count(container, *where):
    with container.platform.db.session(tenant_bypass=True) as s:
        return s.scalar(select(func.count()).select_from(OutboundMessage).where(*where)) or 0


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_worker_killed_mid_batch_every_message_ends_sent_once(org, container, simulator, live_url):
    total = 100
    dossier = str(uuid.uuid4())
    org.configure_whatsapp()
    org.template()
    org.grant(dossier)
    for _ in range(total):
        assert org.send(template_message(dossier)).status_code == 201
    # Slow provider (the kill lands inside calls), "sent" callbacks echo our id like Meta does.
    simulator.control("rules", {"rules": [{"delayMs": 15}]})
    simulator.control("callbacks", {"url": f"{live_url}/api/v1/webhooks/whatsapp/status",
                                    "statuses": ["sent"], "delayMs": 5})
    env = worker_env(container, simulator)
    victim = start_worker(env, "--no-consumers", "--no-relay")
    try:
        wait_for(lambda: count(container, OutboundMessage.status == "SENT") >= total // 3, 60, "a third sent")
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(10)
        in_flight = count(container, OutboundMessage.status == "SENDING")
        survivor = start_worker(env, "--no-consumers", "--no-relay")
        try:
            wait_for(lambda: count(container, OutboundMessage.status == "SENT") == total, 90, "all sent")
        finally:
            stop(survivor)
    finally:
        stop(victim, signal.SIGKILL)
    calls = simulator.calls()
    with container.platform.db.session(tenant_bypass=True) as s:
        ids = s.scalars(select(OutboundMessage.provider_message_id)).all()
        outcomes = dict(s.execute(select(Attempt.status, func.count()).group_by(Attempt.status)).all())
    assert len(ids) == total and len(set(ids)) == total and None not in ids
    assert calls["messages"] == total
    print(f"\nSIGKILL mid-batch: {total} messages, {in_flight} SENDING at the kill, attempts {outcomes}, "
          f"provider calls {calls['total']}, messages called twice {len(calls['duplicates'])}")
    # Claims taken over after the lease: LOST; those the provider had accepted were RECONCILED from
    # its callback instead of being sent again.
    assert outcomes.get("LOST", 0) == in_flight
    assert calls["duplicates"] == {}, calls["duplicates"]


@pytest.fixture
def own_vhost(broker_url):
    """A vhost of our own: other runs' workers on the same RabbitMQ never take our events."""
    vhost = f"atlas-test-{uuid.uuid4().hex[:8]}"
    rabbitmqctl = ["rabbitmqctl", "-q"]
    subprocess.run([*rabbitmqctl, "add_vhost", vhost], check=True, timeout=60)
    subprocess.run([*rabbitmqctl, "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], check=True,
                   timeout=60)
    yield urlsplit(broker_url)._replace(path=f"/{vhost}").geturl()
    subprocess.run([*rabbitmqctl, "delete_vhost", vhost], check=False, timeout=60)


@pytest.mark.rabbitmq
@pytest.mark.skipif(not broker_test_url(), reason="needs RabbitMQ (ATLAS_TEST_BROKER_URL)")
def test_rabbitmq_restarted_mid_flow_loses_nothing(org, container, simulator, own_vhost):
    from kombu import Connection, Exchange, Queue

    broker_url = own_vhost

    org.configure_whatsapp()
    org.template()
    total = 40
    statuses = Queue(f"test.outbound-status.{uuid.uuid4().hex[:8]}",
                     Exchange("atlas.outbound", "topic", durable=True), routing_key="outbound.status_changed",
                     durable=True, auto_delete=False)  # durable: it must outlive the restart too
    crm = Exchange("atlas.crm", "topic", durable=True)
    with Connection(broker_url, transport_options={"confirm_publish": True}) as conn:
        statuses(conn.default_channel).declare()
    env = worker_env(container, simulator, {"ATLAS_BROKER_URL": broker_url})
    subprocess.run([CLI, "migrate"], env=env, check=True, timeout=120, stdout=subprocess.DEVNULL)
    worker = start_worker(env)

    def publish(n):
        from atlas_shared.events import Event
        with Connection(broker_url, transport_options={"confirm_publish": True}) as conn:
            producer = conn.Producer()
            for _ in range(n):
                payload = {"messageId": str(uuid.uuid4()), "dossierId": str(uuid.uuid4()),
                           "channel": "WHATSAPP", "to": PHONE, "templateCode": "visit_reminder", "templateLanguage": "fr",
                           "variables": {"name": "Salma", "date": "lundi"}}
                event = Event(type="message.outbound_requested", payload=payload, org_id=org.id)
                producer.publish(event.to_dict(), exchange=crm, routing_key=event.type, serializer="json",
                                 delivery_mode=2, declare=[crm], retry=True)
    try:
        publish(total // 2)
        wait_for(lambda: count(container, OutboundMessage.status == "SENT") >= 5, 60, "first sends")
        subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, timeout=60)
        time.sleep(2)
    finally:
        subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, timeout=120)
        subprocess.run(["rabbitmqctl", "-q", "await_startup"], check=False, timeout=120)
    try:
        publish(total - total // 2)
        wait_for(lambda: count(container, OutboundMessage.status == "SENT") == total, 120, "all sent")
        received: dict[str, set[str]] = {}

        def drain():
            with Connection(broker_url) as conn:
                queue = statuses(conn.default_channel)
                while (message := queue.get(no_ack=True, accept=["json"])) is not None:
                    p = message.payload["payload"]
                    received.setdefault(p["messageId"], set()).add(p["status"])
            return sum("SENT" in s for s in received.values()) == total
        wait_for(drain, 120, "a SENT event for every message")
    finally:
        stop(worker)
        with Connection(broker_url) as conn:
            statuses(conn.default_channel).delete()
    assert count(container) == total
