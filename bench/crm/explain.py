"""EXPLAIN ANALYZE of what an endpoint really runs: call it in-process as a manager of the org,
capture every SELECT it sends to PostgreSQL, then explain the ones slower than a threshold."""

from __future__ import annotations

import os
import time
from typing import Any


def explain_endpoints(url: str, org: str, paths: list[str], slower_than_ms: float) -> None:
    os.environ["ATLAS_CRM_DATABASE_URL"] = url
    from sqlalchemy import event

    from atlas_crm.bootstrap import build, create_http_app
    from atlas_shared.security import issue_dev_token

    container = build()
    engine = container.platform.db.engine
    client = create_http_app(container).test_client()
    token = issue_dev_token(os.environ["ATLAS_JWT_SECRET"], [org], ["MANAGER"], user_id="bench-manager")
    headers = {"Authorization": f"Bearer {token}", "X-Org-Id": org}
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and not many:
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    for path in paths:
        captured.clear()
        client.get(path, headers=headers)  # warm the caches first, as a running service would be
        captured.clear()
        started = time.perf_counter()
        status = client.get(path, headers=headers).status_code
        total = (time.perf_counter() - started) * 1000
        print(f"\n=== GET {path}: {status} in {total:.1f} ms, {len(captured)} statements")
        for statement, parameters in list(captured):
            plan, ms = _explain(engine, statement, parameters)
            if ms >= slower_than_ms:
                print(f"--- {ms:.1f} ms\n{statement}\n{plan}")
    event.remove(engine, "before_cursor_execute", capture)
    container.platform.db.dispose()


def _explain(engine: Any, statement: str, parameters: Any) -> tuple[str, float]:
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute("SET jit = off")  # as every service connection has it (atlas_shared.db.engine)
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            lines = [row[0] for row in cur.fetchall()]
        raw.rollback()
    finally:
        raw.close()
    timing = [line for line in lines if line.startswith("Execution Time")]
    ms = float(timing[0].split(":")[1].split()[0]) if timing else 0.0
    return "\n".join(lines), ms
