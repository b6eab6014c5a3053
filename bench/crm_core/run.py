"""CRM core benchmark: the dossier use cases in-process, over a realistic volume of dossiers.

Bulk-inserts ``--dossiers`` open dossiers (with stakeholders and status history) for one organisation
and as many for a second one, into a fresh database (PostgreSQL when ATLAS_BENCH_DATABASE_URL is set —
a new database on that server, dropped afterwards — else SQLite in a temporary folder), then drives the
real application in-process (Flask test client: auth, schemas, service layer, SQL, outbox; no network,
no gateway — bench/crm measures those) and prints p50/p95/max per scenario: create (new contact, and
dedupe onto an existing dossier through a stakeholder's phone), status change with its four side
effects, available transitions, outbound message with the consent check, lists with filters.
Run: ``.venv/bin/python bench/crm_core/run.py --help``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

ORG, OTHER_ORG = "0c0c0c0c-1111-4222-8333-555555555555", "0d0d0d0d-1111-4222-8333-666666666666"
NAMES = ["Amine", "Bouchra", "Chafik", "Dounia", "Elias", "Fatima", "Ghita", "Hamza", "Imane", "Jamal"]
STAKEHOLDER_OFFSET = 5_000_000


def phone(i: int) -> str:
    return f"+2126{i:08d}"


def rows(org: str, offset: int, count: int) -> tuple[list[dict[str, Any]], ...]:
    now, org_id = datetime.now(UTC), uuid.UUID(org)
    dossiers, history, stakeholders = [], [], []
    for i in range(count):
        dossier_id, created = uuid.uuid4(), now - timedelta(minutes=i)
        stamps = {"created_at": created, "updated_at": created, "created_by": "bench"}
        dossiers.append({"id": dossier_id, "org_id": org_id, "case_type": "CRM_LEAD", "status": "CRM_NEW",
                         "source": "LEAD_SOURCE_PORTAL", "contact_name": f"{NAMES[i % 10]} {i}",
                         "phone": phone(offset + i), "phone_raw": phone(offset + i), "email": f"c{i}@x.ma",
                         "assigned_to": f"agent-{i % 20}", "payload": {}, "workflow_version": 1,
                         "version": 1, "last_activity_at": created, **stamps})
        history.append({"id": uuid.uuid4(), "org_id": org_id, "dossier_id": dossier_id,
                        "case_type": "CRM_LEAD", "to_status": "CRM_NEW", "transition_code": "CREATE",
                        "override": False, "actor": "bench", "workflow_version": 1, "dossier_version": 1,
                        "occurred_at": created})
        if i % 4 == 0:
            stakeholders.append({"id": uuid.uuid4(), "org_id": org_id, "dossier_id": dossier_id,
                                 "role": "BUYER", "full_name": "Conjoint",
                                 "phone": phone(STAKEHOLDER_OFFSET + offset + i), **stamps})
    return dossiers, history, stakeholders


def seed(url: str, count: int) -> None:
    """Rows as the service writes them, inserted in bulk (Core, no per-row transaction)."""
    from sqlalchemy import create_engine, insert

    from atlas_crm.adapters.orm import Dossier, Stakeholder, StatusHistory
    engine = create_engine(url)
    for org, offset in ((ORG, 0), (OTHER_ORG, count)):
        for table, batch in zip((Dossier, StatusHistory, Stakeholder), rows(org, offset, count), strict=True):
            with engine.begin() as conn:
                for start in range(0, len(batch), 5000):
                    conn.execute(insert(table.__table__), batch[start:start + 5000])
    if engine.dialect.name == "postgresql":  # statistics, as autovacuum would have gathered them by now
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def measure(name: str, runs: int, call: Callable[[int], Any]) -> None:
    timings = []
    for i in range(runs):
        started = time.perf_counter()
        call(i)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    print(f"{name:<50} p50 {statistics.median(timings):7.1f} ms  p95 {p95:7.1f} ms  "
          f"max {timings[-1]:7.1f} ms")


def scenarios(client: Any, runs: int, count: int) -> None:
    from atlas_shared.testing import auth_headers
    admin = auth_headers(ORG, "ADMIN_ORG", user_id="bench-admin")
    agent = auth_headers(ORG, "AGENT", user_id="agent-3")

    def ok(res: Any, *codes: int) -> Any:
        if res.status_code not in codes:
            sys.exit(f"unexpected {res.status_code}: {res.json}")
        return res.json

    def post(path: str, body: dict[str, Any], *codes: int) -> Any:
        return ok(client.post(path, headers=admin, json=body), *codes)

    created = [post("/api/v1/dossiers", {"contactName": "Bench", "phone": phone(9_000_000 + i)}, 201)
               for i in range(runs)]
    for d in created:
        post("/api/v1/consentements", {"dossierId": d["id"], "channel": "WHATSAPP",
                                       "type": "CONSENT_CONTACT", "status": "GRANTED", "proof": "bench"}, 201)
    measure("POST /dossiers (new contact)", runs,
            lambda i: post("/api/v1/dossiers", {"contactName": "New", "phone": phone(8_000_000 + i)}, 201))
    measure("POST /dossiers (dedupe via a stakeholder's phone)", runs, lambda i: post(
        "/api/v1/dossiers", {"phone": phone(STAKEHOLDER_OFFSET + 4 * (i % (count // 4)))}, 200))
    measure("PATCH /dossiers/{id}/status (4 side effects)", runs, lambda i: ok(client.patch(
        f"/api/v1/dossiers/{created[i]['id']}/status", headers=admin, json={"status": "CRM_CONTACTED"}), 200))
    measure("GET /dossiers/{id}/available-transitions", runs, lambda i: ok(client.get(
        f"/api/v1/dossiers/{created[i]['id']}/available-transitions", headers=admin), 200))
    measure("POST /messages (outbound, consent checked)", runs, lambda i: post(
        "/api/v1/messages", {"dossierId": created[i]["id"], "direction": "OUTBOUND", "channel": "WHATSAPP",
                             "content": "Bonjour"}, 201))
    for name, path, headers in (
            ("GET /dossiers?status&source&sort (with total)", "status=CRM_NEW&source=LEAD_SOURCE_PORTAL"
             "&sort=-lastActivityAt", admin),
            ("GET /dossiers?phone= (any format)", "phone=0600000123", admin),
            ("GET /dossiers?q= (name, phone or e-mail)", "q=Hamza 17", admin),
            ("GET /dossiers as an AGENT (own dossiers only)", "", agent)):
        measure(name, runs,
                lambda i, p=path, h=headers: ok(client.get(f"/api/v1/dossiers?{p}", headers=h), 200))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=20_000, help="open dossiers per organisation")
    parser.add_argument("--runs", type=int, default=200, help="requests per scenario")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="atlas-bench-crm-core-")
    pg = os.environ.get("ATLAS_BENCH_DATABASE_URL")
    os.environ.update({"ATLAS_VAR_DIR": folder, "ATLAS_LOG_LEVEL": "WARNING",
                       "PROMETHEUS_MULTIPROC_DIR": folder})
    if pg:
        os.environ["ATLAS_TEST_DATABASE_URL"] = pg
    from atlas_shared.db.migrations import upgrade
    from atlas_shared.security import DEV_SECRET
    from atlas_shared.testing import create_pg_database, drop_pg_database
    os.environ.setdefault("ATLAS_JWT_SECRET", DEV_SECRET)
    name = f"atlas_bench_crm_core_{uuid.uuid4().hex[:8]}"
    url = create_pg_database(name) if pg else f"sqlite:///{folder}/crm.db"
    try:
        upgrade("atlas_crm:migrations", url)
        started = time.perf_counter()
        seed(url, args.dossiers)
        print(f"database: {'PostgreSQL' if pg else 'SQLite'}; seeded {2 * args.dossiers} dossiers "
              f"(2 orgs) in {time.perf_counter() - started:.1f} s; {args.runs} runs per scenario; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        os.environ["ATLAS_CRM_DATABASE_URL"] = url
        from atlas_crm.bootstrap import build, create_http_app
        container = build()
        scenarios(create_http_app(container).test_client(), args.runs, args.dossiers)
        container.platform.db.dispose()
    finally:
        if pg:
            drop_pg_database(name)


if __name__ == "__main__":
    main()
