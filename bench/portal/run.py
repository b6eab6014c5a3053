"""Public portal benchmark: search (text + filters) and detail over 100,000 published listings.

Bulk-inserts the listings straight into the portal's read model (PostgreSQL when
ATLAS_BENCH_DATABASE_URL is set — a fresh database on that server, dropped afterwards — else SQLite),
starts the portal (gunicorn) and the gateway, then a load generator in its own process keeps
``--concurrency`` keep-alive clients busy through the gateway, one scenario at a time: warm-up, then a
fixed measured duration. Prints p50/p95/p99 and throughput per scenario, and on PostgreSQL the query
plans (EXPLAIN ANALYZE) of a typical search. Everything listens on 127.0.0.1; every process it started
is stopped at the end. Run: ``.venv/bin/python bench/portal/run.py --help``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
CITIES = {"Casablanca": ["Maarif", "Gauthier", "Anfa", "Bourgogne", "Sidi Maarouf"],
          "Rabat": ["Agdal", "Hay Riad", "Souissi", "Hassan", "Océan"],
          "Marrakech": ["Guéliz", "Hivernage", "Palmeraie", "Médina", "Targa"],
          "Tanger": ["Malabata", "Marshan", "Iberia", "Boukhalef", "Centre"],
          "Fès": ["Fès Jdid", "Agdal", "Narjiss", "Saïss", "Atlas"],
          "Agadir": ["Founty", "Talborjt", "Dakhla", "Charaf", "Hay Mohammadi"],
          "Meknès": ["Hamria", "Marjane", "Ville Nouvelle", "Plaisance", "Zitoune"],
          "Oujda": ["Centre", "Al Qods", "Lazaret", "Sidi Yahya", "Andalous"]}
KINDS = ["Appartement", "Studio", "Villa", "Duplex", "Riad", "Maison", "Bureau", "Penthouse"]
TRAITS = ["lumineux", "rénové", "meublé", "spacieux", "calme", "neuf", "traversant", "familial"]
EXTRAS = ["terrasse", "piscine", "jardin", "parking", "ascenseur", "vue mer", "balcon", "cheminée",
          "climatisation", "double vitrage", "concierge", "cuisine équipée"]
WORDS = ["terrasse", "piscine", "jardin", "vue", "meuble", "lumineux", "renove", "duplex", "riad", "studio"]


def _gateway_bench() -> Any:
    """Process and database helpers shared with bench/gateway (one implementation of each)."""
    path = Path(__file__).resolve().parent.parent / "gateway" / "run.py"
    spec = importlib.util.spec_from_file_location("atlas_bench_gateway", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


# -- data ----------------------------------------------------------------------------------------

def listing_rows(count: int, seed: int = 42) -> list[dict[str, Any]]:
    from atlas_portal.domain.text import place_key, searchable

    rnd = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    orgs = [uuid.UUID(int=rnd.getrandbits(128)) for _ in range(200)]
    rows = []
    for i in range(count):
        city = rnd.choice(list(CITIES))
        zone = rnd.choice(CITIES[city])
        kind, trait = rnd.choice(KINDS), rnd.choice(TRAITS)
        extras = rnd.sample(EXTRAS, 3)
        tx = "RENT" if rnd.random() < 0.35 else "SALE"
        rooms = rnd.randint(1, 7)
        surface = rnd.randint(25, 450)
        price = rnd.randint(3, 40) * 500 if tx == "RENT" else rnd.randint(40, 900) * 10_000
        title = f"{kind} {trait} {rooms} pièces à {zone}"
        description = (f"{kind} {trait} de {surface} m² à {city}, quartier {zone} : {', '.join(extras)}. "
                       f"Proche des commerces, écoles et transports. Référence {i}.")
        listing_id = uuid.UUID(int=rnd.getrandbits(128))
        slug = place_key(f"{kind} {trait} {rooms} pièces {zone}")
        key = f"listings/bench/{listing_id}"
        media = [{"id": f"{listing_id}-{n}", "url": f"/media/{key}/{n}.jpg",
                  "thumbnailUrl": f"/media/{key}/{n}-thumb.jpg", "primary": n == 0, "sortOrder": n}
                 for n in range(3)]
        rows.append({
            "listing_id": listing_id, "org_id": rnd.choice(orgs), "version": 2, "status": "ANN_PUBLISHED",
            "visible": rnd.random() > 0.03, "slug": slug, "tx": tx, "title": title,
            "description": description, "price": price, "currency": "MAD", "surface_m2": surface,
            "rooms": rooms, "bathrooms": max(1, rooms // 2), "amenities": ["PARKING", "ELEVATOR"],
            "city": city, "city_key": place_key(city), "zone": zone, "zone_key": place_key(zone),
            "lat": 33.5 + rnd.random(), "lng": -7.6 + rnd.random(), "media": media,
            "thumbnail_url": media[0]["thumbnailUrl"],
            "search_text": searchable(title, description, city, zone),
            "whatsapp_phone": None, "published_at": start + timedelta(minutes=i * 3),
            "updated_at": start + timedelta(minutes=i * 3)})
    return rows


def bulk_insert(url: str, rows: list[dict[str, Any]], batch: int = 5000) -> float:
    from sqlalchemy import create_engine, text

    from atlas_portal.adapters.orm import ListingSlug, PublicListing

    started = time.perf_counter()
    engine = create_engine(url)
    with engine.begin() as conn:
        for i in range(0, len(rows), batch):
            part = rows[i:i + batch]
            conn.execute(PublicListing.__table__.insert(), part)
            conn.execute(ListingSlug.__table__.insert(), [{"listing_id": r["listing_id"], "slug": r["slug"],
                                                           "first_seen_at": r["updated_at"]} for r in part])
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


# -- requests ------------------------------------------------------------------------------------

def search_paths(rows: list[dict[str, Any]], count: int, seed: int = 7) -> list[str]:
    """Text plus filters, as a visitor combines them: a word, a city, a transaction, a budget."""
    from urllib.parse import urlencode

    rnd = random.Random(seed)
    paths = []
    for _ in range(count):
        params: dict[str, Any] = {"q": rnd.choice(WORDS), "city": rnd.choice(list(CITIES))}
        if rnd.random() < 0.7:
            params["tx"] = rnd.choice(["SALE", "RENT"])
        if rnd.random() < 0.5:
            params["price_max"] = rnd.choice([8000, 15000, 2_000_000, 5_000_000])
        if rnd.random() < 0.4:
            params["rooms_min"] = rnd.randint(1, 4)
        params["sort"] = rnd.choice(["recent", "recent", "price_asc", "price_desc"])
        params["page"] = rnd.choice([1, 1, 1, 2, 3])
        paths.append("/api/public/v1/listings?" + urlencode(params))
    return paths


def detail_paths(rows: list[dict[str, Any]], count: int, seed: int = 11) -> list[str]:
    visible = [r for r in rows if r["visible"]]
    rnd = random.Random(seed)
    return [f"/api/public/v1/listings/{rnd.choice(visible)['listing_id']}" for _ in range(count)]


def page_paths(rows: list[dict[str, Any]], count: int, seed: int = 13) -> list[str]:
    visible = [r for r in rows if r["visible"]]
    rnd = random.Random(seed)
    return [f"/annonce/{(r := rnd.choice(visible))['slug']}-{r['listing_id']}" for _ in range(count)]


# -- load generator (its own process) ------------------------------------------------------------

async def _client(port: int, requests: list[bytes], offset: int, measure_from: float, stop_at: float,
                  latencies: list[float], statuses: dict[int, int], read_response: Any,
                  answered: list[int]) -> None:
    reader = writer = None
    n = offset
    while time.perf_counter() < stop_at:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            sent = time.perf_counter()
            writer.write(requests[n % len(requests)])
            n += 1
            status, keep_alive = await read_response(reader)
            done = time.perf_counter()
            answered[0] += 1
            if sent >= measure_from and done <= stop_at:
                latencies.append(done - sent)
                statuses[status] = statuses.get(status, 0) + 1
            if not keep_alive:
                writer.close()
                writer = None
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            statuses[0] = statuses.get(0, 0) + 1
            writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def _load(port: int, paths: list[str], concurrency: int, warmup: float,
                duration: float) -> dict[str, Any]:
    read_response = _gateway_bench()._read_response
    requests = [f"GET {p} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: application/json\r\n\r\n".encode()
                for p in paths]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    answered = [0]
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + duration
    step = max(1, len(requests) // concurrency)
    await asyncio.gather(*(_client(port, requests, i * step, measure_from, stop_at, latencies, statuses,
                                   read_response, answered) for i in range(concurrency)))
    latencies.sort()
    count = len(latencies)

    def pct(p: float) -> float:
        return latencies[min(count - 1, int(p * count))] * 1000 if count else float("nan")

    return {"requests": count, "rps": count / duration, "p50_ms": pct(0.50), "p95_ms": pct(0.95),
            "p99_ms": pct(0.99), "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "sent": answered[0]}


PARTS = ("portal", "gateway", "postgres", "loadgen", "other")


def measure(port: int, paths: list[str], args: argparse.Namespace, groups: dict[str, int | None],
            database: str) -> dict[str, Any]:
    """One scenario's load, and the CPU each part spent on it per request answered (warm-up
    included: CPU is read before and after the whole load)."""
    spec_file = Path(tempfile.mkstemp(suffix=".json")[1])
    spec_file.write_text(json.dumps({"port": port, "paths": paths, "concurrency": args.concurrency,
                                     "warmup": args.warmup, "duration": args.duration}))
    gw = _gateway_bench()
    before = gw.cpu_by_part(groups, database)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the load generator is the only one waited for
    try:
        load = subprocess.Popen([sys.executable, __file__, "_load", str(spec_file)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        out, err = load.communicate(timeout=args.warmup + args.duration + 60)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        spec_file.unlink()
    if load.returncode != 0:
        sys.exit(f"load generator failed:\n{err}")
    after = gw.cpu_by_part(groups, database)
    result = json.loads(out)
    loadgen = usage.ru_utime + usage.ru_stime - children.ru_utime - children.ru_stime
    result["cpu_ms"] = gw.cpu_per_request(before, after, loadgen, result["sent"])
    return result


def load_main(argv: list[str]) -> None:
    spec = json.loads(Path(argv[0]).read_text())
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(_load(**spec))))


# -- query plans ---------------------------------------------------------------------------------

def explain(url: str) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements a typical search runs: its page, its exact count
    (run only when the planner expects few matches) and the planner's estimate used instead."""
    from sqlalchemy import create_engine, func, text
    from sqlalchemy.orm import Session

    from atlas_portal.adapters.repositories import PublicListingRepository

    engine = create_engine(url)
    filters = {"q": "terrasse", "city": "Rabat", "tx": "SALE", "price_max": 5_000_000, "sort": "recent"}
    with Session(engine) as session:
        repo = PublicListingRepository(session)
        stmt = repo.search_statement(filters)
        count = stmt.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
        for label, query in (("page", stmt.limit(20)), ("count", count)):
            compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
            plan = session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {compiled}")).scalars()
            print(f"\n-- {label}: {filters}")
            print("\n".join(plan))
        started = time.perf_counter()
        page_run = session.execute(stmt.limit(20))
        page_run.all()
        rows = repo.estimate(page_run)
        print(f"\n-- planner estimate (what the answer's total is above the exact limit): {rows} rows, "
              f"{(time.perf_counter() - started) * 1000:.1f} ms from Python with its page")
    engine.dispose()


def _reusable(database: Any, listings: int) -> bool:
    """With --database NAME on PostgreSQL: True when that database already holds the seeded listings
    (it is then reused as is, and kept); otherwise it is created, seeded and kept for the next run."""
    if not database.admin_url:
        return False
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(database.admin_url).set(database=database.name).render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            count = conn.scalar(text("SELECT count(*) FROM public_listings"))
    except Exception:  # noqa: BLE001 - missing database or table: seed it
        count = None
    finally:
        engine.dispose()
    if count is None:
        return False
    if count != listings:
        sys.exit(f"database {database.name} holds {count} listings, not {listings}: drop it or pick another")
    database.url, database.kind = url, "PostgreSQL"
    return True


# -- the run -------------------------------------------------------------------------------------

def run(args: argparse.Namespace) -> None:
    gw = _gateway_bench()
    folder = Path(tempfile.mkdtemp(prefix="atlas-bench-portal-"))
    processes, database = gw.Processes(folder), gw.Database(folder)
    database.url = f"sqlite:///{folder / 'portal.db'}"
    if args.database:
        database.name = args.database
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    try:
        reused = bool(args.database) and _reusable(database, args.listings)
        if not reused:
            if args.database and database.admin_url:
                database._admin(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')
            database.create()
        ports = {"portal": gw.free_port(), "gateway": gw.free_port()}
        env = {key: value for key, value in os.environ.items() if key != "PROMETHEUS_MULTIPROC_DIR"}
        env.update({
            "ATLAS_VAR_DIR": str(folder / "var"), "ATLAS_PUBLIC_PORTAL_DATABASE_URL": database.url,
            "ATLAS_PUBLIC_PORTAL_HOST": HOST, "ATLAS_PUBLIC_PORTAL_PORT": str(ports["portal"]),
            "ATLAS_PUBLIC_PORTAL_WORKERS": str(args.portal_workers),
            "ATLAS_PUBLIC_PORTAL_THREADS": str(args.portal_threads),
            "ATLAS_GATEWAY_HOST": HOST, "ATLAS_GATEWAY_PORT": str(ports["gateway"]),
            "ATLAS_GATEWAY_WORKERS": str(args.gateway_workers), "ATLAS_GATEWAY_ACCESS_LOG": "0",
            "ATLAS_PORTAL_URL": f"http://{HOST}:{ports['portal']}", "ATLAS_LOG_LEVEL": args.log_level,
            "ATLAS_PUBLIC_RATE_LIMIT_READ": "100000000/minute",
        })
        portal = gw.cli("atlas-portal")
        print(f"portal database: {database.kind}; migrating…", flush=True)
        processes.run("portal-migrate", [portal, "migrate", "--no-broker"], env)
        rows = listing_rows(args.listings)
        visible = sum(r["visible"] for r in rows)
        if reused:
            print(f"reusing database {database.name} ({len(rows)} listings, {visible} visible)", flush=True)
        else:
            seconds = bulk_insert(database.url, rows)
            print(f"inserted {len(rows)} listings ({visible} visible) in {seconds:.1f} s", flush=True)
        processes.start("portal", [portal, "serve"], env)
        processes.start("gateway", [gw.cli("atlas-gateway"), "serve"], env)
        processes.wait_http("portal", f"http://{HOST}:{ports['portal']}/healthz")
        processes.wait_http("gateway", f"http://{HOST}:{ports['gateway']}/healthz")
        scenarios = {"search": ("search (text + filters)", search_paths),
                     "detail": ("detail (API)", detail_paths), "page": ("listing page (HTML)", page_paths),
                     "floor": ("floor (/robots.txt)", lambda rows, count: ["/robots.txt"])}
        results = {}
        groups = {"portal": processes.group("portal"), "gateway": processes.group("gateway")}
        for key in args.scenarios.split(","):
            name, make_paths = scenarios[key]
            paths = make_paths(rows, 2000)
            print(f"measuring {name}…", flush=True)
            results[name] = measure(ports["gateway"], paths, args, groups, database.name or "")
        print(f"\n{args.listings} listings, {database.kind} | through the gateway | "
              f"{args.concurrency} clients, warm-up {args.warmup:g} s, measured {args.duration:g} s | "
              f"{os.cpu_count()} CPU(s), "
              f"portal {args.portal_workers}x{args.portal_threads} threads, gateway {args.gateway_workers}")
        print(f"{'scenario':<26}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  "
              f"CPU ms/request: {' / '.join(PARTS)}  statuses")
        for name, r in results.items():
            cpu = " / ".join(f"{r['cpu_ms'][part]:.2f}" for part in PARTS)
            print(f"{name:<26}{r['rps']:>8.0f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}  "
                  f"{cpu}  {r['statuses']}")
        if database.kind == "PostgreSQL":
            explain(database.url)
    finally:
        processes.stop_all()
        if not args.database:
            database.drop()
        if args.keep_logs:
            print(f"logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_load":
        load_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--portal-workers", type=int, default=4)
    parser.add_argument("--portal-threads", type=int, default=1, help="1: gunicorn sync workers (default)")
    parser.add_argument("--gateway-workers", type=int, default=1)
    parser.add_argument("--log-level", default="INFO", help="ATLAS_LOG_LEVEL of the portal (access logs)")
    parser.add_argument("--keep-logs", action="store_true")
    parser.add_argument("--scenarios", default="search,detail,page,floor",
                        help="comma-separated, among search, detail, page, floor (/robots.txt: the "
                             "gateway + gunicorn + Flask floor)")
    parser.add_argument("--database", metavar="NAME",
                        help="PostgreSQL only: seed database NAME once and keep it; later runs reuse it "
                             "(migrated again, not re-seeded)")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
