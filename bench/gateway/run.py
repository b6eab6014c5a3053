"""Gateway benchmark: one request measured directly, through the gateway and through nginx.

Starts the listings service (gunicorn, its own database: PostgreSQL when ATLAS_BENCH_DATABASE_URL is set,
else SQLite), seeds annonces for one org, starts the gateway and, when ``nginx`` is on PATH, nginx as a
reference reverse proxy. Then a load generator in a separate process sends the same
``GET /api/v1/annonces?size=20`` (valid token + X-Org-Id) at a fixed concurrency over keep-alive
connections to each target in turn: warm-up, then a fixed measured duration. Prints throughput, p50,
p99, the throughput ratio to direct and the latency the proxy adds. Everything listens on 127.0.0.1;
every process it started is stopped at the end. Run: ``make bench-gateway`` or
``.venv/bin/python bench/gateway/run.py --help``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
ORG = "0b0b0b0b-1111-4222-8333-444444444444"
JWT_SECRET = "bench-jwt-secret-0123456789abcdef0123456789"
INTERNAL_SECRET = "bench-internal-secret-0123456789abcdef"
PATH = "/api/v1/annonces?size=20"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def cli(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if not found:
        sys.exit(f"{name} is not installed (make install).")
    return found


# -- processes -----------------------------------------------------------------------------------

class Processes:
    """Every process the bench starts, each in its own process group, all stopped on exit."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.running: list[tuple[str, subprocess.Popen[bytes], Path]] = []

    def run(self, name: str, argv: list[str], env: dict[str, str], timeout: float = 600) -> None:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            code = subprocess.run(argv, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout,
                                  cwd=self.folder).returncode
        if code != 0:
            sys.exit(f"{name} failed (exit {code}):\n{tail(log)}")

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                                       cwd=self.folder, start_new_session=True)
        self.running.append((name, process, log))

    def wait_http(self, name: str, url: str, timeout: float = 60) -> None:
        process, log = next((p, lg) for n, p, lg in self.running if n == name)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                sys.exit(f"{name} exited (code {process.returncode}):\n{tail(log)}")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                time.sleep(0.2)
        sys.exit(f"{name} did not answer {url} within {timeout:.0f} s:\n{tail(log)}")

    def group(self, name: str) -> int | None:
        return next((p.pid for n, p, _ in self.running if n == name), None)

    def stop_all(self) -> None:
        for _, process, _ in reversed(self.running):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name, process, _ in reversed(self.running):
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop on SIGTERM: killing it", file=sys.stderr)
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        self.running.clear()


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# -- database ------------------------------------------------------------------------------------

class Database:
    """A fresh PostgreSQL database on ATLAS_BENCH_DATABASE_URL's server (dropped after), or SQLite."""

    def __init__(self, folder: Path) -> None:
        self.admin_url = os.environ.get("ATLAS_BENCH_DATABASE_URL") or None
        self.name = f"atlas_bench_{uuid.uuid4().hex[:8]}"
        self.url = f"sqlite:///{folder / 'listings.db'}"
        self.kind = "SQLite"

    def create(self) -> None:
        if not self.admin_url:
            return
        self._admin(f'CREATE DATABASE "{self.name}"')
        from sqlalchemy.engine import make_url

        self.url = make_url(self.admin_url).set(database=self.name).render_as_string(hide_password=False)
        self.kind = "PostgreSQL"

    def drop(self) -> None:
        if self.kind == "PostgreSQL":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(statement))
        finally:
            engine.dispose()


# -- nginx ---------------------------------------------------------------------------------------

NGINX_CONF = """
worker_processes {workers};
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/nginx-body;
    proxy_temp_path {folder}/nginx-proxy;
    fastcgi_temp_path {folder}/nginx-fastcgi;
    uwsgi_temp_path {folder}/nginx-uwsgi;
    scgi_temp_path {folder}/nginx-scgi;
    upstream listings {{ server {host}:{upstream}; keepalive 64; }}
    server {{
        listen {host}:{port};
        location / {{
            proxy_pass http://listings;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""


# -- load generator (runs in its own process) ----------------------------------------------------

async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, chunked, keep_alive = None, False, True
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value:
            chunked = True
        elif name == b"connection" and value == b"close":
            keep_alive = False
    if length is not None:
        await reader.readexactly(length)
    elif chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            await reader.readexactly(size + 2)
    return status, keep_alive


async def _client(port: int, request: bytes, measure_from: float, stop_at: float, completed: list[int],
                  latencies: list[float], statuses: dict[int, int], errors: list[str]) -> None:
    reader = writer = None
    while time.perf_counter() < stop_at:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            sent = time.perf_counter()
            writer.write(request)
            status, keep_alive = await _read_response(reader)
            done = time.perf_counter()
            completed[0] += 1
            if sent >= measure_from and done <= stop_at:
                latencies.append(done - sent)
                statuses[status] = statuses.get(status, 0) + 1
            if not keep_alive:
                writer.close()
                writer = None
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            errors.append(type(exc).__name__)
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def _load(port: int, headers: dict[str, str], concurrency: int, warmup: float,
                duration: float) -> dict[str, Any]:
    lines = [f"GET {PATH} HTTP/1.1", f"Host: {HOST}:{port}"] + [f"{k}: {v}" for k, v in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    completed = [0]  # warm-up included: what the processes' CPU time is spent on
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + duration
    clients = [_client(port, request, measure_from, stop_at, completed, latencies, statuses, errors)
               for _ in range(concurrency)]
    await asyncio.gather(*clients)
    return {"latencies_ms": [round(x * 1000, 4) for x in latencies], "seconds": duration,
            "completed": completed[0],
            "statuses": {str(k): v for k, v in statuses.items()}, "errors": len(errors)}


def load_main(argv: list[str]) -> None:
    spec = json.loads(argv[0])
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(_load(**spec))))


def measure(port: int, headers: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    spec = {"port": port, "headers": headers, "concurrency": args.concurrency, "warmup": args.warmup,
            "duration": args.duration / args.rounds}
    out = subprocess.run([sys.executable, __file__, "_load", json.dumps(spec)], capture_output=True,
                         text=True, timeout=args.warmup + args.duration + 60)
    if out.returncode != 0:
        sys.exit(f"load generator failed:\n{out.stderr}")
    return json.loads(out.stdout)


# -- the run -------------------------------------------------------------------------------------

CITIES = [("Casablanca", "Maarif"), ("Rabat", "Agdal"), ("Marrakech", "Gueliz"), ("Tanger", "Malabata")]


def seed(port: int, headers: dict[str, str], count: int, threads: int = 8) -> None:
    """Create ``count`` annonces with POST /api/v1/annonces, as an agent of the org would."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    def create(indexes: range) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            for i in indexes:
                city, zone = CITIES[i % len(CITIES)]
                body = json.dumps({
                    "title": f"Appartement {i} pièces lumineux à {zone}", "transactionType": "TX_SALE",
                    "description": "Bel appartement rénové, proche des commerces, des écoles et du tramway.",
                    "price": 900_000 + i * 1000, "currency": "MAD", "surfaceM2": 60 + i % 90,
                    "rooms": 1 + i % 5, "bathrooms": 1, "amenities": ["ELEVATOR"], "city": city,
                    "zone": zone, "contactName": "Agence Bench", "contactPhone": "0612345678"})
                conn.request("POST", "/api/v1/annonces", body,
                             {**headers, "Content-Type": "application/json"})
                answer = conn.getresponse()
                text = answer.read()
                if answer.status != 201 and answer.status != 200:
                    raise RuntimeError(f"creating annonce {i}: {answer.status} {text[:300]!r}")
        finally:
            conn.close()

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(create, [range(start, count, threads) for start in range(threads)]))


def check(url: str, headers: dict[str, str]) -> None:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = json.loads(answer.read())
    except urllib.error.HTTPError as error:
        sys.exit(f"{url} answered {error.code}: {error.read()[:500]!r}")
    if len(body.get("items", [])) != 20:
        sys.exit(f"{url} did not answer 20 annonces: {str(body)[:300]}")


class Result:
    """One target's rounds pooled: all latencies, all seconds measured, the proxy's CPU time."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.seconds = 0.0
        self.statuses: dict[str, int] = {}
        self.errors = 0
        self.cpu = 0.0  # CPU seconds of the target's processes (listings itself for "direct")
        self.completed = 0

    def add(self, run: dict[str, Any]) -> None:
        self.latencies += run["latencies_ms"]
        self.seconds += run["seconds"]
        for status, count in run["statuses"].items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.errors += run["errors"]
        self.completed += run["completed"]

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


def cpu_seconds(group: int | None) -> float:
    """User + system CPU of every process in a process group (Linux /proc; 0 elsewhere)."""
    if group is None or not os.path.isdir("/proc"):
        return 0.0
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


PARTS_OTHER = "other"


def cpu_by_part(groups: dict[str, int | None], database: str) -> dict[str, float]:
    """CPU seconds so far: of each named process group, of the PostgreSQL backends connected to
    ``database`` (``postgres``) and of the whole machine (``total``: /proc/stat's busy time).
    Read before and after a load: the differences per request answered barely depend on how
    busy the machine is, unlike latencies."""
    found = {name: cpu_seconds(group) for name, group in groups.items()}
    ticks, tick = 0, os.sysconf("SC_CLK_TCK") if os.path.isdir("/proc") else 100
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if f" {database} " not in command:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    found["postgres"] = ticks / tick
    busy = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]] \
        if os.path.exists("/proc/stat") else [0] * 5
    found["total"] = (sum(busy) - busy[3] - busy[4]) / tick  # all but idle and iowait
    return found


def cpu_per_request(before: dict[str, float], after: dict[str, float], loadgen_seconds: float,
                    answered: int) -> dict[str, float]:
    """Milliseconds of CPU per request answered, per part, ``other`` being the rest of the machine."""
    spent = {name: after[name] - before[name] for name in after}
    spent["loadgen"] = loadgen_seconds
    total = spent.pop("total")
    spent[PARTS_OTHER] = total - sum(spent.values())
    return {name: 1000 * seconds / max(1, answered) for name, seconds in spent.items()}


def report(results: dict[str, Result], args: argparse.Namespace, db_kind: str) -> None:
    direct = results["direct"]
    base50, base99 = direct.percentile(0.50), direct.percentile(0.99)
    print(f"\nGET {PATH}  |  {args.annonces} annonces, {db_kind}  |  concurrency {args.concurrency}, "
          f"{args.rounds} round(s) of warm-up {args.warmup:g} s + {args.duration / args.rounds:g} s "
          f"measured  |  {os.cpu_count()} CPU(s), listings {args.listings_workers} workers, "
          f"gateway {args.gateway_workers} workers")
    print(f"{'target':<9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs direct':>11}{'+p50 ms':>9}"
          f"{'+p99 ms':>9}{'CPU ms/req':>12}  statuses / errors")
    for name, r in results.items():
        ratio = r.rps / direct.rps if direct.rps else float("nan")
        p50, p99 = r.percentile(0.50), r.percentile(0.99)
        added = f"{'':>9}{'':>9}" if name == "direct" else f"{p50 - base50:>9.2f}{p99 - base99:>9.2f}"
        # CPU per request of the proxy itself (of listings for "direct").
        cpu = f"{r.cpu / r.completed * 1000:>12.2f}" if r.cpu and r.completed else f"{'n/a':>12}"
        print(f"{name:<9}{r.rps:>9.0f}{p50:>9.2f}{p99:>9.2f}{ratio:>10.0%} {added}{cpu}  "
              f"{r.statuses} / {r.errors}")


def run(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="atlas-bench-gateway-"))
    processes = Processes(folder)
    database = Database(folder)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    try:
        from atlas_shared.security import issue_dev_token

        database.create()
        ports = {"listings": free_port(), "gateway": free_port(), "nginx": free_port()}
        env = {key: value for key, value in os.environ.items() if key != "PROMETHEUS_MULTIPROC_DIR"}
        env.update({
            "ATLAS_VAR_DIR": str(folder / "var"), "ATLAS_JWT_SECRET": JWT_SECRET,
            "ATLAS_INTERNAL_SECRET": INTERNAL_SECRET, "ATLAS_LISTINGS_DATABASE_URL": database.url,
            "ATLAS_LISTINGS_HOST": HOST, "ATLAS_LISTINGS_PORT": str(ports["listings"]),
            "ATLAS_LISTINGS_WORKERS": str(args.listings_workers),
            # Threads: gunicorn gthread, which keeps the proxies' upstream connections alive — this
            # bench compares proxies (the gateway, nginx), each with a keep-alive upstream pool.
            "ATLAS_LISTINGS_THREADS": "4",
            "ATLAS_GATEWAY_HOST": HOST, "ATLAS_GATEWAY_PORT": str(ports["gateway"]),
            "ATLAS_GATEWAY_WORKERS": str(args.gateway_workers),
            "ATLAS_LISTINGS_URL": f"http://{HOST}:{ports['listings']}",
        })
        listings = cli("atlas-listings")
        token = issue_dev_token(JWT_SECRET, [ORG], ["AGENT"], ttl=3600)
        headers = {"Authorization": f"Bearer {token}", "X-Org-Id": ORG, "Accept": "application/json"}
        print(f"listings database: {database.kind}; migrating…", flush=True)
        processes.run("listings-migrate", [listings, "migrate", "--no-broker"], env)
        processes.start("listings", [listings, "serve"], env)
        processes.start("gateway", [cli("atlas-gateway"), "serve"], env)
        processes.wait_http("listings", f"http://{HOST}:{ports['listings']}/healthz")
        print(f"seeding {args.annonces} annonces through the listings API…", flush=True)
        seed(ports["listings"], headers, args.annonces)
        targets = {"direct": ports["listings"], "gateway": ports["gateway"]}
        nginx = shutil.which("nginx")
        if nginx:
            conf = folder / "nginx.conf"
            conf.write_text(NGINX_CONF.format(workers=args.gateway_workers, folder=folder, host=HOST,
                                              upstream=ports["listings"], port=ports["nginx"]))
            processes.start("nginx", [nginx, "-p", str(folder), "-c", str(conf), "-e",
                                      str(folder / "nginx-error.log")], env)
            targets["nginx"] = ports["nginx"]
        for name, port in targets.items():  # nginx answers /healthz from listings
            processes.wait_http("listings" if name == "direct" else name, f"http://{HOST}:{port}/healthz")
        for port in targets.values():
            check(f"http://{HOST}:{port}{PATH}", headers)
        results = {name: Result() for name in targets}
        for round_ in range(1, args.rounds + 1):  # interleaved, so a noisy moment hits every target
            for name, port in targets.items():
                print(f"round {round_}/{args.rounds}: {name}…", flush=True)
                cpu_before = cpu_seconds(processes.group(name if name != "direct" else "listings"))
                results[name].add(measure(port, headers, args))
                results[name].cpu += cpu_seconds(processes.group(name if name != "direct" else "listings")) \
                    - cpu_before
        if not nginx:
            print("nginx is not on PATH: no reference proxy measured (apt-get install nginx-light).")
        report(results, args, database.kind)
    finally:
        processes.stop_all()
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
    parser.add_argument("--annonces", type=int, default=1000, help="annonces seeded for the org")
    parser.add_argument("--concurrency", type=int, default=16, help="keep-alive connections")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring, each round")
    parser.add_argument("--duration", type=float, default=15.0,
                        help="seconds measured per target, over all rounds")
    parser.add_argument("--rounds", type=int, default=3,
                        help="targets are measured in turn, this many times (each with its warm-up)")
    parser.add_argument("--listings-workers", type=int, default=2)
    parser.add_argument("--gateway-workers", type=int, default=2)
    parser.add_argument("--keep-logs", action="store_true", help="keep the temporary folder and logs")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
