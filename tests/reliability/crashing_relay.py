"""An outbox relay process that dies (SIGKILL, no cleanup) right after the broker confirmed a batch
and before it could mark the rows published.

Usage: crashing_relay.py DATABASE_URL BROKER_URL VAR_DIR CLAIM_SECONDS
Prints the outbox seqs the broker confirmed, then kills itself.
"""

import json
import os
import signal
import sys
from pathlib import Path

from atlas_shared.db.engine import Database
from atlas_shared.messaging.broker import Broker
from atlas_shared.messaging.relay import OutboxRelay


def main() -> None:
    database_url, broker_url, var_dir, claim_seconds = sys.argv[1:5]
    relay = OutboxRelay(Database(database_url), Broker(broker_url, Path(var_dir)), "listings",
                        claim_seconds=float(claim_seconds))

    def crash(seqs: list[int]) -> None:  # publish() returned: every message was confirmed
        print(json.dumps(seqs), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    relay.mark_published = crash  # type: ignore[method-assign]
    with relay.broker.connection() as conn:
        relay.run_once(conn)
    sys.exit("the relay published nothing")


if __name__ == "__main__":
    main()
