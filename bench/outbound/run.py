"""Outbound benchmark: messages per second from API accepted → simulator called → SENT.

For each worker-process count (default 1, 2, 4) it starts, on 127.0.0.1 only: the WhatsApp simulator
(``atlas-wa-simulator``), the outbound API (``atlas-outbound serve``, gunicorn) and N sender processes
(``atlas-outbound worker --no-consumers``, ``ATLAS_OUTBOUND_SENDERS`` threads each), on a fresh
database (PostgreSQL when ATLAS_BENCH_DATABASE_URL is set, else SQLite). A client posts M template
messages through the API (keep-alive, C concurrent clients) while the workers send; the run ends when
every message is SENT (bounded). Prints: API accept rate, end-to-end rate (M / first accept → last
SENT), send rate (M / first → last SENT), queued→sent p50/p99, how busy the machine's cores were and
the CPU milliseconds per message of each part (API, workers, simulator, PostgreSQL, this client, the
rest of the machine). Every process it started is stopped.

Run: ``.venv/bin/python bench/outbound/run.py [--messages 3000] [--workers 1,2,4] [--senders 4]``.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from atlas_shared.testing import create_pg_database, drop_pg_database

HOST = "127.0.0.1"
BIN = Path(sys.executable).parent
JWT_SECRET = "bench-jwt-secret-0123456789abcdef0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    sys.exit(f"{url} did not come up within {timeout} s")


def cpu_seconds(db_name: str, ours: dict[int, str]) -> dict[str, float]:
    """CPU time (user + system, children reaped included) per part: the processes this run started
    and their children (``ours``: pid -> part), the PostgreSQL backends connected to the run's database,
    this client, and the rest of the machine (other users, PostgreSQL's own background processes)."""
    tick = os.sysconf("SC_CLK_TCK")
    procs: dict[int, tuple[int, float, str, str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name, fields = stat.split(" (", 1)[1].rsplit(")", 1)[0], stat.rsplit(")", 1)[1].split()
        procs[int(entry)] = (int(fields[1]), sum(int(v) for v in fields[11:15]) / tick, name, cmd)
    out: dict[str, float] = {}
    for pid, (_, cpu, name, cmd) in procs.items():
        kind, up = "other", pid
        while up in procs and up > 1:
            if up in ours:
                kind = ours[up]
                break
            up = procs[up][0]
        if kind == "other" and name == "postgres" and f" {db_name} " in cmd:
            kind = "postgres"
        elif pid == os.getpid():
            kind = "client"
        out[kind] = out.get(kind, 0.0) + cpu
    return out


def machine_busy() -> float:
    """Busy CPU seconds of the whole machine so far (every core)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def rabbitmq_vhost(run: str) -> tuple[str, str]:
    """A vhost of its own on the machine's RabbitMQ (``ATLAS_BENCH_BROKER_URL`` names the server),
    so that the run's events meet only the queues the run declares: its broker URL and the vhost."""
    vhost = f"atlas_bench_outbound_{run}_{uuid.uuid4().hex[:6]}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True, timeout=60)
    base = make_url(os.environ.get("ATLAS_BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", vhost, base.username or "guest",
                    ".*", ".*", ".*"], check=True, timeout=60)
    url = f"amqp://{base.username}:{base.password}@{base.host}:{base.port or 5672}/{vhost}"
    return url, vhost


def database(run: str, folder: Path) -> str:
    admin = os.environ.get("ATLAS_BENCH_DATABASE_URL")
    if not admin:
        return f"sqlite:///{folder / f'outbound-{run}.db'}"
    return create_pg_database(f"atlas_bench_outbound_{run}", admin)


class Run:
    """One measured configuration: its processes, its database, its org."""

    def __init__(self, workers: int, args: argparse.Namespace, folder: Path) -> None:
        self.workers, self.args, self.folder = workers, args, folder / f"w{workers}"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.org = str(uuid.uuid4())
        self.procs: list[subprocess.Popen[bytes]] = []
        self.parts: dict[int, str] = {}
        self.db_url = database(f"w{workers}", self.folder)
        self.api_port, self.sim_port = free_port(), free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PROMETHEUS")}
        self.env.update({
            "ATLAS_VAR_DIR": str(self.folder / "var"), "ATLAS_OUTBOUND_DATABASE_URL": self.db_url,
            "ATLAS_OUTBOUND_PORT": str(self.api_port), "ATLAS_OUTBOUND_WORKERS": str(args.api_workers),
            "ATLAS_OUTBOUND_WHATSAPP_BASE_URL": f"http://{HOST}:{self.sim_port}",
            "ATLAS_JWT_SECRET": JWT_SECRET,
            "ATLAS_OUTBOUND_SENDERS": str(args.senders), "ATLAS_OUTBOUND_BATCH_SIZE": str(args.batch),
            "ATLAS_OUTBOUND_POLL_SECONDS": str(args.poll),
            "ATLAS_OUTBOUND_SEND_CONCURRENCY": str(args.concurrency),
            "ATLAS_OUTBOUND_DAILY_QUOTA": "10000000",
            "ATLAS_OUTBOUND_PER_MINUTE": "10000000", "ATLAS_LOG_LEVEL": "WARNING",
            "GUNICORN_CMD_ARGS": "--no-control-socket", "ATLAS_DB_POOL_SIZE": "10"})
        self.vhost = None
        if args.rabbitmq:
            self.env["ATLAS_BROKER_URL"], self.vhost = rabbitmq_vhost(f"w{workers}")

    def spawn(self, *argv: str) -> subprocess.Popen[bytes]:
        log = open(self.folder / f"{Path(argv[0]).name}-{len(self.procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(list(argv), env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.procs.append(proc)
        self.parts[proc.pid] = ("simulator" if argv[0].endswith("simulator") else
                                "api" if argv[1] == "serve" else "workers")
        return proc

    def start(self) -> None:
        subprocess.run([str(BIN / "atlas-outbound"), "migrate"], env=self.env, check=True,
                       stdout=subprocess.DEVNULL, timeout=300)
        if self.vhost:  # the queues that consume outbound's events in production, on their own databases
            for service in ("crm", "coop"):
                env = {**self.env, f"ATLAS_{service.upper()}_DATABASE_URL":
                       f"sqlite:///{self.folder / f'{service}.db'}"}
                subprocess.run([str(BIN / f"atlas-{service}"), "migrate"], env=env, check=True,
                               stdout=subprocess.DEVNULL, timeout=300)
        self.spawn(str(BIN / "atlas-wa-simulator"), "--port", str(self.sim_port))
        self.spawn(str(BIN / "atlas-outbound"), "serve")
        wait_http(f"http://{HOST}:{self.sim_port}/healthz")
        wait_http(f"http://{HOST}:{self.api_port}/healthz")
        self.seed()

    def seed(self) -> None:
        """Provider, template and consents, through the same code paths as the API and events."""
        os.environ.update({k: v for k, v in self.env.items() if k.startswith("ATLAS_")})
        from atlas_shared.testing import auth_headers
        self.headers = auth_headers(self.org, "ADMIN_ORG")
        api = f"http://{HOST}:{self.api_port}"
        requests.put(f"{api}/api/v1/admin/outbound/providers/whatsapp", headers=self.headers, timeout=30,
                     json={"phoneNumberId": "1055500001", "accessToken": "EAAG-bench-token-0000"},
                     ).raise_for_status()
        requests.post(f"{api}/api/v1/admin/outbound/templates", headers=self.headers, timeout=30, json={
            "channel": "WHATSAPP", "code": "visit_reminder", "language": "fr", "category": "UTILITY",
            "variables": [{"name": "name"}, {"name": "date"}]}).raise_for_status()
        from atlas_outbound.bootstrap import build
        from atlas_outbound.testing import Org
        container = build()
        self.dossiers = [str(uuid.uuid4()) for _ in range(50)]
        org = Org(None, container)
        org.id = self.org
        for dossier in self.dossiers:
            org.grant(dossier, phone=None)
        self.engine = container.platform.db.engine

    def post_all(self) -> tuple[float, float]:
        api = f"http://{HOST}:{self.api_port}/api/v1/outbound/messages"
        local = threading.local()

        def post(i: int) -> float:
            session = getattr(local, "s", None) or requests.Session()
            local.s = session
            body = {"channel": "WHATSAPP", "to": "+212612345678", "dossierId": self.dossiers[i % 50],
                    "templateCode": "visit_reminder", "variables": {"name": f"Client {i}", "date": "lundi"}}
            res = session.post(api, json=body, headers={**self.headers, "Idempotency-Key": f"bench-{i}"},
                               timeout=60)
            if res.status_code != 201:
                raise RuntimeError(f"{res.status_code}: {res.text[:300]}")
            return time.time()
        def post_batch(first: int) -> float:
            session = getattr(local, "s", None) or requests.Session()
            local.s = session
            items = [{"idempotencyKey": f"bench-{i}", "channel": "WHATSAPP", "to": "+212612345678",
                      "dossierId": self.dossiers[i % 50], "templateCode": "visit_reminder",
                      "variables": {"name": f"Client {i}", "date": "lundi"}}
                     for i in range(first, min(first + self.args.intake_batch, self.args.messages))]
            res = session.post(f"{api}/batch", json={"messages": items}, headers=self.headers, timeout=120)
            if res.status_code != 200 or res.json()["created"] != len(items):
                raise RuntimeError(f"{res.status_code}: {res.text[:300]}")
            return time.time()
        started = time.time()
        with ThreadPoolExecutor(self.args.clients) as pool:
            if self.args.intake_batch:
                done = list(pool.map(post_batch, range(0, self.args.messages, self.args.intake_batch)))
            else:
                done = list(pool.map(post, range(self.args.messages)))
        return started, max(done)

    def measure(self) -> dict[str, Any]:
        db_name = make_url(self.db_url).database or ""
        cpu0, busy0, wall0 = cpu_seconds(db_name, self.parts), machine_busy(), time.monotonic()
        if self.args.preload:  # the sending path alone: every message queued before a worker starts
            started, accepted = self.post_all()
            cpu0, busy0, wall0 = cpu_seconds(db_name, self.parts), machine_busy(), time.monotonic()
        for _ in range(self.workers):
            self.spawn(str(BIN / "atlas-outbound"), "worker", "--no-consumers")
        if not self.args.preload:
            time.sleep(2)  # workers up before the clock starts
            started, accepted = self.post_all()
        from atlas_outbound.adapters.orm import OutboundMessage
        deadline = time.monotonic() + self.args.timeout
        with self.engine.connect() as conn:
            while time.monotonic() < deadline:
                sent = conn.execute(select(func.count()).select_from(OutboundMessage.__table__)
                                    .where(OutboundMessage.__table__.c.status == "SENT")).scalar()
                if sent >= self.args.messages:
                    break
                time.sleep(0.1)
            rows = conn.execute(select(OutboundMessage.__table__.c.created_at,
                                       OutboundMessage.__table__.c.sent_at)).all()
        cpu1, busy1, wall1 = cpu_seconds(db_name, self.parts), machine_busy(), time.monotonic()
        last_event = self.outbox_drained(deadline)
        cpu = {k: 1000 * (cpu1.get(k, 0.0) - cpu0.get(k, 0.0)) / self.args.messages
               for k in ("api", "workers", "simulator", "postgres", "client", "other")}
        done = [r for r in rows if r.sent_at is not None]
        if len(done) < self.args.messages:
            sys.exit(f"only {len(done)}/{self.args.messages} SENT within {self.args.timeout} s")
        sent_times = sorted(_ts(r.sent_at) for r in done)
        latencies = sorted((_ts(r.sent_at) - _ts(r.created_at)) for r in done)
        calls = requests.get(f"http://{HOST}:{self.sim_port}/_sim/calls", timeout=10).json()
        n = self.args.messages
        return {"workers": self.workers, "api_rate": n / (accepted - started),
                "e2e_rate": n / (sent_times[-1] - started), "send_rate": n / (sent_times[-1] - sent_times[0]),
                "events_rate": n / (_ts(last_event) - started) if last_event else float("nan"),
                "p50": latencies[n // 2], "p99": latencies[min(n - 1, int(n * 0.99))],
                "provider_calls": calls["total"], "duplicates": len(calls["duplicates"]),
                "cpu_ms": cpu, "busy": (busy1 - busy0) / (wall1 - wall0)}

    def outbox_drained(self, deadline: float) -> Any:
        """When the relays had published every event of the run (the status changes and audit
        events each SENT emits), waiting for it: a relay that lags behind the senders shows here."""
        from atlas_shared.db.platform import OutboxMessage
        outbox = OutboxMessage.__table__
        with self.engine.connect() as conn:
            while time.monotonic() < deadline:
                waiting = conn.execute(select(func.count()).select_from(outbox)
                                       .where(outbox.c.published_at.is_(None))).scalar()
                conn.rollback()
                if not waiting:
                    break
                time.sleep(0.1)
            return conn.execute(select(func.max(outbox.c.published_at))).scalar()

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        if self.db_url.startswith("postgresql") and not self.args.keep:
            target = make_url(self.db_url)  # the run's database goes with it (``--keep`` keeps it)
            drop_pg_database(target.database, target.set(database="postgres"))
        if self.vhost:
            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", self.vhost], check=False, timeout=60)


def _ts(value: Any) -> float:
    from datetime import UTC, datetime
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--workers", default="1,2,4", help="worker process counts to measure")
    parser.add_argument("--senders", type=int, default=4, help="ATLAS_OUTBOUND_SENDERS per process")
    parser.add_argument("--batch", type=int, default=20, help="ATLAS_OUTBOUND_BATCH_SIZE")
    parser.add_argument("--clients", type=int, default=16, help="concurrent API clients")
    parser.add_argument("--api-workers", type=int, default=2, help="gunicorn processes of the API")
    parser.add_argument("--poll", type=float, default=0.02, help="ATLAS_OUTBOUND_POLL_SECONDS")
    parser.add_argument("--concurrency", type=int, default=8, help="ATLAS_OUTBOUND_SEND_CONCURRENCY")
    parser.add_argument("--intake-batch", type=int, default=0, metavar="N",
                        help="post N messages per request through POST /messages/batch (default 0: "
                             "one POST /messages per message)")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--preload", action="store_true",
                        help="queue every message through the API first, then start the workers: "
                             "'send msg/s' is then the sending path alone (e2e and p50/p99 include the wait)")
    parser.add_argument("--keep", default=None, help="keep databases and logs in this folder")
    parser.add_argument("--rabbitmq", action="store_true",
                        help="events through RabbitMQ (a vhost of its own, with the CRM's and the co-op's "
                             "queues declared) instead of the embedded filesystem broker")
    args = parser.parse_args()
    db = "PostgreSQL" if os.environ.get("ATLAS_BENCH_DATABASE_URL") else "SQLite"
    db += ", RabbitMQ" if args.rabbitmq else ", filesystem broker"
    mode = (" (preloaded)" if args.preload else "") + \
        (f", {args.intake_batch} per batch request" if args.intake_batch else "")
    print(f"outbound bench: {args.messages} messages{mode}, {db}, {args.senders} sender threads/process, "
          f"{args.clients} API clients, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"{'workers':>7} {'API msg/s':>10} {'e2e msg/s':>10} {'send msg/s':>11} {'events msg/s':>13} "
          f"{'p50 s':>7} {'p99 s':>7} {'calls':>6} {'dup':>4}", flush=True)
    with tempfile.TemporaryDirectory(prefix="atlas-bench-outbound-") as tmp:
        tmp = args.keep or tmp
        for workers in [int(w) for w in args.workers.split(",")]:
            run = Run(workers, args, Path(tmp))
            try:
                run.start()
                r = run.measure()
            finally:
                run.stop()
            print(f"{r['workers']:>7} {r['api_rate']:>10.0f} {r['e2e_rate']:>10.0f} {r['send_rate']:>11.0f} "
                  f"{r['events_rate']:>13.0f} "
                  f"{r['p50']:>7.2f} {r['p99']:>7.2f} {r['provider_calls']:>6} {r['duplicates']:>4}   "
                  f"cores busy {r['busy']:.2f}, CPU ms/msg: "
                  + " ".join(f"{k} {v:.1f}" for k, v in r["cpu_ms"].items()), flush=True)


if __name__ == "__main__":
    main()
