"""CRM benchmark: dossier list, create, status change, search and every KPI, through the gateway.

Uses a PostgreSQL database (ATLAS_BENCH_DATABASE_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/atlas_bench_crm; created and migrated if missing) holding
a year of history for ten agencies — 100,000 dossiers by default with their status history, timeline,
messages, appointments and listings, bulk-loaded once (seed.py) and kept for the next runs
(``--reseed`` to rebuild, ``--drop`` to remove it afterwards) — unless a run's writes (the create and
status-change scenarios, run last) changed it: the next run seeds it again, so that every run's
reports cover the same leads and moves. Starts the crm service (gunicorn,
``atlas-crm serve``) and the gateway (``atlas-gateway serve``) on free ports, then for each scenario
runs a closed loop of ``--concurrency`` keep-alive clients (loadgen.py, its own process): warm-up, then
a fixed measured duration. Prints throughput, p50 and p99 per scenario against the aims (list p99
< 50 ms, each KPI < 300 ms). ``--explain`` prints EXPLAIN ANALYZE of the slowest statements each
endpoint runs. Every process it started is stopped at the end.
Run: ``.venv/bin/python bench/crm/run.py --help``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).parent))
import seed  # noqa: E402
from loadgen import gateway_bench  # noqa: E402

HOST = "127.0.0.1"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/atlas_bench_crm"
JWT_SECRET = "bench-jwt-secret-0123456789abcdef0123456789"
INTERNAL_SECRET = "bench-internal-secret-0123456789abcdef"
LIST_AIM_P99_MS, KPI_AIM_MS = 50.0, 300.0
KPIS = [f"/api/v1/{path}" for path in (
    "reports/leads?period=day", "reports/funnel", "reports/conversion", "reports/conversion?by=listing",
    "reports/top-listings", "reports/stage-times", "reports/first-response", "reports/appointments",
    "reports/agents", "reports/messages", "dashboard", "dashboard/to-handle")]
LIST_FILTERS = ["status=CRM_NEW&sort=-createdAt", "source=LEAD_SOURCE_WHATSAPP&sort=-createdAt",
                "status=CRM_QUALIFIED&source=LEAD_SOURCE_PORTAL",
                "caseType=CRM_LEAD_RENT&sort=-lastActivityAt", "status=CRM_CONTACTED&sort=-updatedAt",
                "sort=-createdAt"]
SEARCHES = ["samir", "nadia alaoui", "tramway", "+2126123", "riad medina", "bennani", "visite samedi"]


# -- database ------------------------------------------------------------------------------------

def ensure_database(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}):
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
                print(f"created database {target.database}")
    finally:
        engine.dispose()


def drop_database(url: str) -> None:
    from sqlalchemy.engine import make_url

    from atlas_shared.testing import drop_pg_database

    target = make_url(url)
    drop_pg_database(target.database, target.set(database="postgres"))


def seeded(engine: Any, dossiers: int) -> bool:
    from sqlalchemy import text

    with engine.connect() as conn:
        found = conn.scalar(text("SELECT count(*) FROM dossiers WHERE created_by = 'bench-seed'"))
    return found == sum(int(dossiers * share) for share in seed.ORG_SHARES)


def written_to(engine: Any) -> bool:
    """Did an earlier run's writes (dossiers created, dossiers moved) change the data set? Then the
    reports of this run would cover more leads and moves than the last one's: it is seeded again."""
    from sqlalchemy import text

    with engine.connect() as conn:
        return bool(conn.scalar(text(
            "SELECT EXISTS (SELECT 1 FROM dossiers WHERE created_by <> 'bench-seed') "
            "OR EXISTS (SELECT 1 FROM dossier_status_history WHERE actor = 'bench-manager')")))


def load(engine: Any, dossiers: int, processes: Any, crm: str, env: dict[str, str]) -> None:
    from sqlalchemy import text

    started = time.monotonic()
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE dossiers, dossier_status_history, activities, messages, appointments, "
                          "stakeholders, consents, consent_history, dossier_aliases, lead_intakes, "
                          "listing_projections, search_documents, outbox, inbox CASCADE"))
    totals: dict[str, int] = {}
    for org, rows in seed.generate(dossiers):
        raw = engine.raw_connection()
        try:
            for table, count in seed.copy(raw.driver_connection, rows).items():
                totals[table] = totals.get(table, 0) + count
            raw.commit()
        finally:
            raw.close()
        print(f"  agency {org[:8]}: {len(rows.tables['dossiers'])} dossiers", flush=True)
    print(f"  copied {totals} in {time.monotonic() - started:.0f} s; building search documents and "
          "milestones…", flush=True)
    processes.run("search-reindex", [crm, "search-reindex"], env, timeout=3600)
    processes.run("refresh-milestones", [crm, "refresh-milestones"], env, timeout=3600)
    vacuum(engine)
    print(f"  seeded in {time.monotonic() - started:.0f} s", flush=True)


def vacuum(engine: Any) -> None:
    """Statistics and visibility maps up to date (index-only scans read no heap page)."""
    from sqlalchemy import text

    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def schema_version(engine: Any) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as conn:
        return conn.scalar(text("SELECT version_num FROM alembic_version"))


def fresh_dossiers(engine: Any, org: str, limit: int) -> list[str]:
    """Open CRM_LEAD dossiers still in CRM_NEW: each status change of the bench moves one of them."""
    from sqlalchemy import text

    with engine.connect() as conn:
        return [str(i) for i in conn.scalars(text(
            "SELECT id FROM dossiers WHERE org_id = :org AND status = 'CRM_NEW' AND case_type = 'CRM_LEAD' "
            "ORDER BY created_at DESC LIMIT :n"), {"org": org, "n": limit})]


# -- scenarios -----------------------------------------------------------------------------------

Scenario = tuple[str, str, list[list[Any]], bool]


def new_phones(count: int) -> list[str]:
    """Valid Moroccan mobile numbers this run has not used before (so no create is a dedupe hit)."""
    import random

    from atlas_shared.phones import InvalidPhone, to_e164

    rng, found = random.Random(), []
    while len(found) < count:
        try:
            found.append(to_e164(f"+2126{rng.randrange(10**8):08d}"))
        except InvalidPhone:
            continue
    return found


def scenarios(engine: Any, org: str, args: argparse.Namespace) -> list[Scenario]:
    """(name, kind, requests, cycle): kind says which aim applies."""
    run_id = uuid.uuid4().hex[:6]
    creates = [["POST", "/api/v1/dossiers", {"contactName": f"Bench {run_id} {i}", "phone": phone,
                                             "source": "LEAD_SOURCE_PHONE"}]
               for i, phone in enumerate(new_phones(args.max_writes))]
    moves = [["PATCH", f"/api/v1/dossiers/{d}/status", {"status": "CRM_CONTACTED", "comment": "bench"}]
             for d in fresh_dossiers(engine, org, args.max_writes)]
    found = [
        ("list (filtered, sorted)", "list", [["GET", f"/api/v1/dossiers?{f}&size=20", None]
                                             for f in LIST_FILTERS], True),
        ("search", "search", [["GET", f"/api/v1/search?q={quote(q)}", None] for q in SEARCHES], True),
    ]
    found += [(path.removeprefix("/api/v1/"), "kpi", [["GET", path, None]], True) for path in KPIS]
    # Writes last: the reads above all see the data set as seeded.
    found += [("create dossier", "write", creates, False), ("status change", "write", moves, False)]
    return [s for s in found if not args.only or any(o in s[0] for o in args.only)]


def measure(port: int, headers: dict[str, str], requests: list[list[Any]], cycle: bool,
            args: argparse.Namespace, folder: Path,
            parts: tuple[dict[str, int | None], str]) -> dict[str, Any]:
    """At ``--concurrency`` clients, then (``--serial`` seconds) one client alone: its p50 is the
    latency of the work itself, without queueing behind the other clients. ``cpu_ms``: CPU per
    request answered under concurrency, per part (crm, gateway, PostgreSQL backends, load
    generator, the rest of the machine)."""
    spare = 0 if cycle else len(requests) // 5  # writes: the last fifth is kept for the lone client
    before = gateway_bench.cpu_by_part(*parts)
    found = _load(port, headers, requests[:len(requests) - spare], cycle, args.concurrency, args.warmup,
                  args.duration, folder)
    found["cpu_ms"] = gateway_bench.cpu_per_request(before, gateway_bench.cpu_by_part(*parts),
                                                    found.pop("loadgen_cpu"), found["sent"])
    if args.serial > 0:
        alone = _load(port, headers, requests[len(requests) - spare:] if spare else requests, cycle, 1,
                      0.5, args.serial, folder)
        found["serial_p50_ms"] = alone["p50_ms"]
    return found


def _load(port: int, headers: dict[str, str], requests: list[list[Any]], cycle: bool, concurrency: int,
          warmup: float, duration: float, folder: Path) -> dict[str, Any]:
    spec_file = folder / "load.json"
    spec_file.write_text(json.dumps({"port": port, "headers": headers, "requests": requests, "cycle": cycle,
                                     "concurrency": concurrency, "warmup": warmup, "duration": duration}))
    before = _children_cpu()  # the load generator is the only child waited for in between
    load = subprocess.Popen([sys.executable, str(Path(__file__).parent / "loadgen.py"), str(spec_file)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = load.communicate(timeout=warmup + duration + 120)
    if load.returncode != 0:
        sys.exit(f"load generator failed:\n{err}")
    found: dict[str, Any] = json.loads(out)
    found["loadgen_cpu"] = _children_cpu() - before
    return found


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


CPU_PARTS = ("crm", "gateway", "postgres", "loadgen", "other")


def report(results: list[tuple[str, str, dict[str, Any]]], args: argparse.Namespace,
           counts: dict[str, int]) -> None:
    print(f"\n{args.dossiers} dossiers ({counts}), PostgreSQL | {args.concurrency} concurrent clients "
          f"through the gateway, warm-up {args.warmup:g} s, measured {args.duration:g} s | "
          f"{os.cpu_count()} CPU(s), crm {args.crm_workers}x{args.crm_threads}, gateway "
          f"{args.gateway_workers} workers")
    print(f"{'scenario':<34}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'alone p50':>11}  aim            "
          f"CPU ms/req: crm/gateway/postgres/loadgen/other  statuses / errors")
    for name, kind, r in results:
        aim = {"list": f"p99<{LIST_AIM_P99_MS:g}", "kpi": f"p50<{KPI_AIM_MS:g}"}.get(kind, "")
        ok = {"list": r["p99_ms"] < LIST_AIM_P99_MS, "kpi": r["p50_ms"] < KPI_AIM_MS}.get(kind)
        mark = "" if ok is None else (" ok" if ok else " MISSED")
        cpu = "/".join(f"{r['cpu_ms'][part]:.1f}" for part in CPU_PARTS)
        print(f"{name:<34}{r['rps']:>8.1f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
              f"{r.get('serial_p50_ms', float('nan')):>11.1f}  {aim + mark:<15}"
              f"{cpu:<34}{r['statuses']} / {r['errors']}")
    print("(p50/p99 at the concurrency above; 'alone p50': one client by itself; aims: list p99 and KPI "
          "p50 at the concurrency above)")


def table_counts(engine: Any) -> dict[str, int]:
    from sqlalchemy import text

    with engine.connect() as conn:
        return {t: conn.scalar(text(f"SELECT count(*) FROM {t}")) for t in (
            "dossiers", "dossier_status_history", "activities", "messages", "appointments",
            "search_documents")}


# -- the run -------------------------------------------------------------------------------------

def environment(folder: Path, url: str, ports: dict[str, int], args: argparse.Namespace) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PROMETHEUS_MULTIPROC_DIR"}
    env.update({
        "ATLAS_VAR_DIR": str(folder / "var"), "ATLAS_JWT_SECRET": JWT_SECRET,
        "ATLAS_INTERNAL_SECRET": INTERNAL_SECRET,
        "ATLAS_CRM_DATABASE_URL": url, "ATLAS_CRM_HOST": HOST, "ATLAS_CRM_PORT": str(ports["crm"]),
        "ATLAS_CRM_WORKERS": str(args.crm_workers), "ATLAS_CRM_THREADS": str(args.crm_threads),
        "ATLAS_GATEWAY_HOST": HOST, "ATLAS_GATEWAY_PORT": str(ports["gateway"]),
        "ATLAS_GATEWAY_WORKERS": str(args.gateway_workers), "ATLAS_CRM_URL": f"http://{HOST}:{ports['crm']}",
        "ATLAS_LOG_LEVEL": "WARNING", "ATLAS_GATEWAY_ACCESS_LOG": "0",
    })
    return env


def run(args: argparse.Namespace) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from atlas_shared.security import issue_dev_token

    url = os.environ.get("ATLAS_BENCH_DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgresql"):
        sys.exit("The CRM bench needs PostgreSQL (ATLAS_BENCH_DATABASE_URL).")
    folder = Path(tempfile.mkdtemp(prefix="atlas-bench-crm-"))
    processes = gateway_bench.Processes(folder)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    engine = None
    try:
        ensure_database(url)
        ports = {"crm": gateway_bench.free_port(), "gateway": gateway_bench.free_port()}
        env = environment(folder, url, ports, args)
        crm = gateway_bench.cli("atlas-crm")
        engine = create_engine(url)
        before = schema_version(engine)
        processes.run("crm-migrate", [crm, "migrate", "--no-broker"], env)
        if args.reseed or not seeded(engine, args.dossiers) or written_to(engine):
            print(f"seeding {args.dossiers} dossiers (kept for the next runs unless one writes)…", flush=True)
            load(engine, args.dossiers, processes, crm, env)
        elif schema_version(engine) != before:  # a migration rewrote rows: as autovacuum would, later
            print("migrated the kept data set; VACUUM ANALYZE…", flush=True)
            vacuum(engine)
        org = seed.org_ids()[0]  # the biggest agency
        if args.explain:
            from explain import explain_endpoints
            os.environ.update({k: env[k] for k in (
                "ATLAS_JWT_SECRET", "ATLAS_INTERNAL_SECRET", "ATLAS_VAR_DIR", "ATLAS_LOG_LEVEL")})
            explain_endpoints(url, org, KPIS + [f"/api/v1/dossiers?{f}&size=20" for f in LIST_FILTERS] +
                              [f"/api/v1/search?q={quote(q)}" for q in SEARCHES], args.explain_ms)
        processes.start("crm", [crm, "serve"], env)
        processes.start("gateway", [gateway_bench.cli("atlas-gateway"), "serve"], env)
        processes.wait_http("crm", f"http://{HOST}:{ports['crm']}/healthz")
        processes.wait_http("gateway", f"http://{HOST}:{ports['gateway']}/healthz")
        token = issue_dev_token(JWT_SECRET, [org], ["MANAGER"], user_id="bench-manager", ttl=3600)
        headers = {"Authorization": f"Bearer {token}", "X-Org-Id": org, "Accept": "application/json"}
        counts = table_counts(engine)
        parts = ({"crm": processes.group("crm"), "gateway": processes.group("gateway")},
                 make_url(url).database or "")
        results = []
        for name, kind, requests, cycle in scenarios(engine, org, args):
            print(f"measuring {name}…", flush=True)
            results.append((name, kind, measure(ports["gateway"], headers, requests, cycle, args, folder,
                                                parts)))
        report(results, args, counts)
    finally:
        processes.stop_all()
        if engine is not None:
            engine.dispose()
        if args.drop:
            drop_database(url)
        if args.keep_logs:
            print(f"logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=100_000, help="dossiers seeded over ten agencies")
    parser.add_argument("--concurrency", type=int, default=16, help="keep-alive clients")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring, per scenario")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured per scenario")
    parser.add_argument("--serial", type=float, default=3.0,
                        help="seconds measured with one client alone, per scenario (0: skip)")
    parser.add_argument("--max-writes", type=int, default=5000, help="creates / status changes prepared")
    parser.add_argument("--crm-workers", type=int, default=4)
    parser.add_argument("--crm-threads", type=int, default=1, help="1: gunicorn sync workers (the default)")
    parser.add_argument("--gateway-workers", type=int, default=2)
    parser.add_argument("--only", nargs="*", help="scenarios whose name contains one of these words")
    parser.add_argument("--reseed", action="store_true", help="rebuild the data set even if present")
    parser.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of slow statements")
    parser.add_argument("--explain-ms", type=float, default=20.0, help="statements slower than this")
    parser.add_argument("--keep-logs", action="store_true", help="keep the temporary folder and logs")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
