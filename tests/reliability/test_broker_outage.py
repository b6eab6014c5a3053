"""RabbitMQ goes down while agents keep creating annonces: the API keeps answering, the events wait in
the outbox, and once the broker is back the running relay and consumer reconnect by themselves and
every ``listing.created`` is applied exactly once."""

import subprocess
import time

import pytest
from kombu import Connection

from atlas_shared.testing import broker_test_url

pytestmark = [
    pytest.mark.rabbitmq,
    pytest.mark.slow,
    pytest.mark.skipif(not broker_test_url(), reason="needs RabbitMQ: set ATLAS_TEST_BROKER_URL"),
]


def rabbitmq_accepts_connections(url: str) -> bool:
    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
            return True
    except Exception:  # noqa: BLE001 - any failure means "not yet"
        return False


class RabbitMQ:
    """Stops and starts the local RabbitMQ application (the Erlang node keeps running)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.stopped = False

    def _ctl(self, *args: str) -> None:
        subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        self.stopped = True
        self._ctl("stop_app")
        assert not rabbitmq_accepts_connections(self.url)

    def start(self, timeout: float = 60.0) -> None:
        self._ctl("start_app")
        deadline = time.monotonic() + timeout
        while not rabbitmq_accepts_connections(self.url):
            assert time.monotonic() < deadline, "RabbitMQ did not accept connections after start_app"
            time.sleep(0.2)
        self.stopped = False


@pytest.fixture
def rabbitmq():
    url = broker_test_url()
    assert rabbitmq_accepts_connections(url), f"RabbitMQ is not reachable at {url}"
    control = RabbitMQ(url)
    try:
        yield control
    finally:
        if control.stopped or not rabbitmq_accepts_connections(url):
            control.start()


def test_annonces_created_while_rabbitmq_is_down_are_all_delivered_once_it_is_back(harness, rabbitmq):
    consumer = harness.consumer()
    relay = harness.relay()
    with harness.running(relay.run), harness.running(consumer.run):
        before = [harness.create_annonce(n) for n in range(2)]
        harness.wait_for(lambda: set(harness.applied()) == set(before), what="events before the outage",
                         timeout=30)

        rabbitmq.stop()
        during = [harness.create_annonce(n) for n in range(2, 7)]  # the API does not need the broker
        assert harness.pending() >= 2 * len(during)  # listing.created + audit.recorded, kept in the outbox
        ready = harness.client.get("/readyz")
        assert ready.status_code == 503 and ready.json["checks"]["broker"].startswith("down")

        rabbitmq.start()
        after = [harness.create_annonce(n) for n in range(7, 9)]
        everything = {*before, *during, *after}
        harness.wait_for(lambda: set(harness.applied()) == everything,
                         what="every listing.created after RabbitMQ came back", timeout=60)
        harness.wait_for(lambda: harness.pending() == 0, what="an empty outbox", timeout=30)

    assert harness.applied() == {annonce: 1 for annonce in everything}
