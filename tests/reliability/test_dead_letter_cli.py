"""An operator finds a failing consumer's events in the dead-letter queue with ``atlas-listings dlq
list`` and, once the handler is fixed, ``dlq replay`` applies each of them exactly once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from atlas_shared.messaging.consumer import Outcome
from atlas_shared.messaging.dlq import list_dead_letters, replay_dead_letters

CLI = Path(sys.executable).with_name("atlas-listings")


def atlas_listings(*args):
    """The service's command line, in a process of its own, with this test's ATLAS_* environment."""
    done = subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
def test_dead_letters_are_listed_and_replayed_with_the_cli(harness):
    consumer = harness.consumer(retry_delays=(0.05, 0.1))
    queue = consumer.sub.queue
    harness.broken = True
    annonces = [harness.create_annonce(n) for n in range(2)]
    event_ids = harness.created_event_ids()
    mine = set(event_ids.values())
    with harness.broker.connection() as conn:
        harness.relay().run_once(conn)

    with harness.running(consumer.run):
        harness.wait_for(lambda: consumer.count(Outcome.DEAD, mine) == 2, what="both events dead-lettered")
        assert consumer.count(Outcome.RETRIED, mine) >= 4  # two retries each before giving up
        assert harness.applied() == {}

        listed = [json.loads(line) for line in atlas_listings("dlq", "list", "--queue", queue).splitlines()]
        listed = [entry for entry in listed if entry["eventId"] in mine]
        assert sorted(e["eventId"] for e in listed) == sorted(mine)
        for entry in listed:
            assert (entry["queue"], entry["type"], entry["attempts"]) == (queue, "listing.created", 3)
            assert "search index unavailable" in entry["error"]

        harness.broken = False  # the fix is deployed
        first = event_ids[annonces[0]]
        assert atlas_listings("dlq", "replay", "--queue", queue, "--event-id", first).strip() == \
            "replayed 1 dead letter(s)"
        harness.wait_for(lambda: harness.applied() == {annonces[0]: 1}, what="the first replayed event")
        assert {letter.event_id for letter in list_dead_letters(harness.broker, queue)} & mine == \
            {event_ids[annonces[1]]}

        assert {d.event_id for d in replay_dead_letters(harness.broker, queue)} & mine == \
            {event_ids[annonces[1]]}  # what the CLI runs, without paying for another process
        harness.wait_for(lambda: consumer.count(Outcome.HANDLED, mine) == 2, what="the second replayed event")

    assert harness.applied() == {annonce: 1 for annonce in annonces}
    assert not {letter.event_id for letter in list_dead_letters(harness.broker, queue)} & mine
