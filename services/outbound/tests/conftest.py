"""In-process outbound service: Flask test client, a controllable clock, the provider simulator."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from atlas_outbound.bootstrap import build, create_http_app
from atlas_outbound.entrypoints.sender import Sender
from atlas_outbound.service_layer import sending
from atlas_outbound.settings import OutboundSettings
from atlas_outbound.simulator.server import SimulatorThread
from atlas_outbound.testing import APP_SECRET, Clock, Org


@pytest.fixture
def simulator():
    with SimulatorThread(app_secret=APP_SECRET) as sim:
        yield sim


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def env(atlas_env, database_url, monkeypatch, simulator):
    monkeypatch.setenv("ATLAS_OUTBOUND_DATABASE_URL", database_url("atlas_outbound:migrations"))
    monkeypatch.setenv("ATLAS_OUTBOUND_WHATSAPP_BASE_URL", simulator.url)
    monkeypatch.setenv("ATLAS_OUTBOUND_TWILIO_BASE_URL", simulator.url)
    monkeypatch.setenv("ATLAS_WHATSAPP_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("ATLAS_WHATSAPP_VERIFY_TOKEN", "verify-me")
    monkeypatch.setenv("ATLAS_OUTBOUND_HTTP_TIMEOUT", "2")
    monkeypatch.delenv("ATLAS_OUTBOUND_SMTP_HOST", raising=False)
    return monkeypatch


@pytest.fixture
def container(env, clock):
    c = build(OutboundSettings.from_env(), clock=clock)
    yield c
    c.platform.db.dispose()


@pytest.fixture
def client(container):
    return create_http_app(container).test_client()


@pytest.fixture
def live_url(container):
    """The app served over real HTTP (the simulator's callbacks need a socket)."""
    server = make_server("127.0.0.1", 0, create_http_app(container), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def org(client, container):
    return Org(client, container)


@pytest.fixture
def other_org(client, container):
    return Org(client, container)


@pytest.fixture
def send_due(container):
    """Run the sender over every due row, at the injected clock (no thread, no sleeping)."""
    sender = Sender(container)

    def run(max_rounds: int = 50) -> int:
        sent = 0
        for _ in range(max_rounds):
            batch = sending.claim(container.platform.db, "test-worker", container.clock(),
                                  container.settings.lease_seconds, 50)
            if not batch:
                return sent
            for claimed in batch:
                sender.send_one(claimed, "test-worker")
                sent += 1
        return sent
    return run
