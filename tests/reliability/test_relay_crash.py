"""A relay killed after the broker confirmed but before it marked the rows loses nothing: once its
claim expires another relay publishes the rows again, and the consumer's inbox absorbs the copies."""

import json
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from atlas_shared.db.platform import OutboxMessage
from atlas_shared.db.types import utcnow
from atlas_shared.messaging.consumer import Outcome

CRASHING_RELAY = Path(__file__).with_name("crashing_relay.py")
CLAIM_SECONDS = 2.0


@pytest.mark.slow
def test_relay_killed_between_confirm_and_mark_republishes_and_the_consumer_applies_once(harness):
    consumer = harness.consumer()
    annonces = [harness.create_annonce(n) for n in range(3)]
    event_ids = harness.created_event_ids()
    assert set(event_ids) == set(annonces)
    total_rows = harness.pending()  # listing.created + audit.recorded for each annonce

    settings = harness.platform.settings
    crashed = subprocess.run(
        [sys.executable, str(CRASHING_RELAY), settings.database_url, settings.broker_url,
         str(settings.var_dir), str(CLAIM_SECONDS)],
        capture_output=True, text=True, timeout=60)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    confirmed = json.loads(crashed.stdout)
    assert len(confirmed) == total_rows

    # The broker has every event, the outbox still thinks none was published.
    with harness.db.session(tenant_bypass=True) as s:
        rows = s.scalars(select(OutboxMessage)).all()
        assert sorted(r.seq for r in rows) == sorted(confirmed)
        assert all(r.published_at is None and r.claimed_until is not None for r in rows)
        claim_ends = min(r.claimed_until for r in rows)

    relay, republished = harness.relay(), []
    with harness.broker.connection() as conn:
        if utcnow() < claim_ends - timedelta(seconds=0.5):
            assert relay.run_once(conn) == 0  # the dead relay's claim still holds: no early copy

        def republish():
            republished.append(relay.run_once(conn))
            return sum(republished) > 0
        harness.wait_for(republish, what="the claim to expire and the rows to be published again",
                         timeout=30)
    assert sum(republished) == total_rows
    assert harness.pending() == 0
    with harness.db.session(tenant_bypass=True) as s:
        assert s.scalar(select(func.max(OutboxMessage.attempts))) == 2

    created = set(event_ids.values())
    with harness.running(consumer.run):
        def deliveries():
            return [eid for eid, _ in list(consumer.outcomes) if eid in created]
        harness.wait_for(lambda: len(deliveries()) >= 2 * len(created), what="both copies of every event",
                         timeout=30)
    assert sorted(deliveries()) == sorted([*created, *created])  # the broker really carried each twice
    assert consumer.count(Outcome.DUPLICATE, created) == len(created)
    assert harness.applied() == {annonce: 1 for annonce in annonces}  # ... and each applied once
