"""The local stack supervisor behind ``atlas run`` (``make run``) and the end-to-end tests.

A :class:`Stack` migrates every installed service, starts the gateway, each service's HTTP server and
its worker (outbox relay, consumers, background loops) as child processes, each in its own process
group, waits until every ``/healthz`` answers, seeds the demo organisation once, and stops everything
it started: SIGTERM to each process group, SIGKILL after a grace period.

Child output is prefixed line by line with the process name (like foreman/honcho) on the terminal and
copied to ``<var>/logs/<name>.log``. With no ``ATLAS_*`` configuration every service uses a SQLite file
under the var dir and the embedded ``filesystem://`` broker (whose folder is shared, so events cross
processes); ``ATLAS_<SVC>_DATABASE_URL`` and ``ATLAS_BROKER_URL`` switch to real servers.
"""

from __future__ import annotations

import contextlib
import errno
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from atlas_shared.security import Identity, SecuritySettings, issue_dev_token, sign_identity
from atlas_shared.settings import DEMO_ORG_ID

LOCALHOST = "127.0.0.1"
GATEWAY = "gateway"
GATEWAY_DEFAULT_PORT = 8080
SIMULATOR = "simulator"  # the local WhatsApp Cloud API / Twilio stand-in the outbound service sends to
SIMULATOR_DEFAULT_PORT = 8090
DEV_WHATSAPP_APP_SECRET = "atlas-dev-whatsapp-app-secret"
DEV_WHATSAPP_VERIFY_TOKEN = "atlas-dev-whatsapp-verify-token"
DEMO_TOKEN_TTL = 12 * 3600
DEMO_SEED_COUNT = 6
STDOUT = object()  # Stack(output=...) default: the sys.stdout of the moment the stack is made


@dataclass(frozen=True)
class ServiceDef:
    """One deployable service as the local stack sees it."""

    name: str          # process name, CLI suffix (atlas-<name>) and gateway upstream (ATLAS_<NAME>_URL)
    service: str       # ServiceSettings name: default database var/<service>.db, log "service" field
    default_port: int
    package_dir: str   # where `pip install -e` finds it

    @property
    def key(self) -> str:
        """Settings key: ATLAS_<KEY>_PORT, ATLAS_<KEY>_DATABASE_URL, ATLAS_<KEY>_HOST."""
        return self.service.upper().replace("-", "_")

    @property
    def command(self) -> str:
        return f"atlas-{self.name}"

    @property
    def upstream_env(self) -> str:
        return f"ATLAS_{self.name.upper()}_URL"

    @property
    def port_envs(self) -> tuple[str, ...]:
        names = [f"ATLAS_{self.key}_PORT"]
        if self.name.upper() != self.key:
            names.append(f"ATLAS_{self.name.upper()}_PORT")
        return tuple(names)


SERVICES: tuple[ServiceDef, ...] = (
    ServiceDef("crm", "crm", 8001, "services/crm"),
    ServiceDef("listings", "listings", 8002, "services/listings"),
    ServiceDef("outbound", "outbound", 8003, "services/outbound"),
    ServiceDef("coop", "coop", 8004, "services/coop"),
    ServiceDef("portal", "public-portal", 8005, "services/public-portal"),
)
SERVICE_NAMES = tuple(s.name for s in SERVICES)


class StopRequested(KeyboardInterrupt):
    """SIGTERM, raised in the main thread and handled like Ctrl-C (see :func:`sigterm_stops`)."""


@contextlib.contextmanager
def sigterm_stops() -> Iterator[None]:
    """Within the block SIGTERM raises :class:`StopRequested`, as SIGINT raises KeyboardInterrupt."""
    def handler(*_: object) -> None:
        raise StopRequested()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class StackError(RuntimeError):
    """The stack could not start (or a process died): names the process and shows its log tail."""

    def __init__(self, message: str, process: str | None = None, tail: Iterable[str] = (),
                 log_path: Path | None = None) -> None:
        self.process, self.tail, self.log_path = process, list(tail), log_path
        text = message
        if self.tail:
            text += f"\n--- last lines of {process} ---\n" + "\n".join(self.tail)
        if log_path is not None:
            text += f"\n(full log: {log_path})"
        super().__init__(text)


# -- ports and executables -------------------------------------------------------------------------

def configured_ports(env: Mapping[str, str] | None = None) -> dict[str, int]:
    """Ports from ``ATLAS_GATEWAY_PORT`` / ``ATLAS_<SVC>_PORT``, else the defaults of interfaces.md."""
    env = os.environ if env is None else env
    ports = {GATEWAY: int(env.get("ATLAS_GATEWAY_PORT") or GATEWAY_DEFAULT_PORT),
             SIMULATOR: int(env.get("ATLAS_SIMULATOR_PORT") or SIMULATOR_DEFAULT_PORT)}
    for svc in SERVICES:
        value = next((env[name] for name in svc.port_envs if env.get(name)), None)
        ports[svc.name] = int(value) if value else svc.default_port
    return ports


def free_ports(count: int, host: str = LOCALHOST) -> list[int]:
    """``count`` distinct ports the OS says are free right now (for tests next to a running stack)."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


def port_in_use(port: int, host: str = LOCALHOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn/aiohttp bind
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return True
            raise
    return False


def find_cli(command: str) -> str | None:
    """The console script next to this interpreter (the venv) first, then on PATH."""
    here = Path(sys.executable).parent / command
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    return shutil.which(command)


# -- output ----------------------------------------------------------------------------------------

_COLORS = (36, 33, 32, 35, 34, 91, 92, 93, 94, 95, 96)


class Output:
    """Line-by-line, name-prefixed, thread-safe writer to the terminal (or nowhere)."""

    def __init__(self, stream: TextIO | None, color: bool | None = None) -> None:
        self.stream = stream
        if color is None:
            color = bool(stream is not None and getattr(stream, "isatty", lambda: False)()
                         and not os.environ.get("NO_COLOR"))
        self.color = color
        self.width = 16
        self._lock = threading.Lock()
        self._colors: dict[str, int] = {}

    def line(self, name: str, text: str) -> None:
        if self.stream is None:
            return
        prefix = f"{time.strftime('%H:%M:%S')} {name:<{self.width}} |"
        if self.color:
            code = self._colors.setdefault(name, _COLORS[len(self._colors) % len(_COLORS)])
            prefix = f"\033[{code}m{prefix}\033[0m"
        with self._lock:
            try:
                self.stream.write(f"{prefix} {text}\n")
                self.stream.flush()
            except (OSError, ValueError):  # terminal gone (closed pipe): keep supervising
                pass

    def raw(self, text: str) -> None:
        """Unprefixed (the banner: URLs, token and curl must paste cleanly)."""
        if self.stream is None:
            return
        with self._lock:
            try:
                self.stream.write(text + "\n")
                self.stream.flush()
            except (OSError, ValueError):
                pass

    def say(self, text: str) -> None:
        for part in text.splitlines() or [""]:
            self.line("atlas", part)


# -- child processes -------------------------------------------------------------------------------

class Child:
    """One child process in its own process group, its output pumped to the terminal and a log."""

    TAIL = 40

    def __init__(self, name: str, argv: list[str], env: Mapping[str, str], log_path: Path,
                 output: Output, health_url: str | None = None, cwd: Path | None = None) -> None:
        self.name, self.argv, self.log_path, self.health_url = name, argv, log_path, health_url
        self.output = output
        self.tail: deque[str] = deque(maxlen=self.TAIL)
        self.healthy = health_url is None
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed by the pump thread
        self.proc = subprocess.Popen(argv, env=dict(env), cwd=cwd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.pid = self.proc.pid
        self._pump_thread = threading.Thread(target=self._pump, name=f"pump-{name}", daemon=True)
        self._pump_thread.start()

    def _pump(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        try:
            for raw in iter(stream.readline, b""):
                self._log.write(raw)
                self._log.flush()
                text = raw.decode("utf-8", "replace").rstrip("\r\n")
                self.tail.append(text)
                self.output.line(self.name, text)
        finally:
            stream.close()
            self._log.close()

    @property
    def returncode(self) -> int | None:
        return self.proc.poll()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def group_alive(self, live_groups: set[int] | None = None) -> bool:
        """Whether the child or anything left in its process group still runs (zombies aside)."""
        if self.alive():
            return True
        if live_groups is None:
            live_groups = live_process_groups()
        if live_groups is not None:
            return self.pid in live_groups
        try:
            os.killpg(self.pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True

    def signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def wait(self, timeout: float) -> int | None:
        try:
            return self.proc.wait(timeout=max(timeout, 0))
        except subprocess.TimeoutExpired:
            return None

    def finish_output(self, timeout: float = 2.0) -> None:
        self._pump_thread.join(timeout)

    def error(self, message: str) -> StackError:
        self.finish_output(1.0)
        return StackError(message, self.name, list(self.tail)[-25:], self.log_path)


def live_process_groups() -> set[int] | None:
    """Process group ids with at least one non-zombie member (Linux ``/proc``; ``None`` elsewhere).

    An orphaned grandchild that already exited stays a zombie until init reaps it; ``killpg(pg, 0)``
    would still see it and make every stop wait for the whole grace period.
    """
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return None
    groups: set[int] = set()
    for entry in os.scandir(proc):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != b"Z":
            groups.add(int(fields[2]))
    return groups


# -- the stack -------------------------------------------------------------------------------------

def _http_get(url: str, headers: Mapping[str, str] | None = None,
              timeout: float = 1.0) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request
    request = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - local URLs
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


class Stack:
    """The whole local Atlas: gateway, services, workers. Reusable by ``atlas run`` and tests.

    ``env``: the environment the children get (defaults to ``os.environ``); ``var_dir``: logs,
    SQLite files, the embedded broker and metrics (default ``ATLAS_VAR_DIR`` or ``./var``); ``ports``:
    ``{"gateway": 8080, "crm": 8001, ...}`` overriding the configured ones; ``services``: a subset of
    :data:`SERVICE_NAMES`; ``output``: where prefixed child output goes (default ``sys.stdout``;
    ``None``: log files only).
    """

    def __init__(self, env: Mapping[str, str] | None = None, var_dir: Path | str | None = None,
                 ports: Mapping[str, int] | None = None, *, services: Iterable[str] | None = None,
                 output: TextIO | None | object = STDOUT, color: bool | None = None,
                 health_timeout: float = 90.0, migrate_timeout: float = 180.0,
                 grace: float = 10.0, cwd: Path | str | None = None) -> None:
        base = dict(os.environ if env is None else env)
        self.var_dir = Path(var_dir or base.get("ATLAS_VAR_DIR") or "var").resolve()
        self.ports = {**configured_ports(base), **dict(ports or {})}
        wanted = set(SERVICE_NAMES if services is None else services)
        unknown = wanted - set(SERVICE_NAMES)
        if unknown:
            raise ValueError(f"Unknown service(s): {', '.join(sorted(unknown))}.")
        self.wanted = [s for s in SERVICES if s.name in wanted]
        self.available: list[ServiceDef] = []
        self.missing: list[ServiceDef] = []
        self.health_timeout, self.migrate_timeout, self.grace = health_timeout, migrate_timeout, grace
        self.cwd = Path(cwd).resolve() if cwd else None
        self.out = Output(sys.stdout if output is STDOUT else output, color)  # type: ignore[arg-type]
        self.logs_dir = self.var_dir / "logs"
        self.children: list[Child] = []
        self.env = self._child_env(base)
        self.security = SecuritySettings.from_env(self.env)
        self._stopped = False
        self._lock = threading.Lock()

    # -- configuration -------------------------------------------------------------------------

    def _child_env(self, base: dict[str, str]) -> dict[str, str]:
        env = dict(base)
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # each service derives its own under the var dir
        env["ATLAS_VAR_DIR"] = str(self.var_dir)
        env["PYTHONUNBUFFERED"] = "1"
        # One shared ~/.gunicorn/gunicorn.ctl would be fought over by every service's master.
        env.setdefault("GUNICORN_CMD_ARGS", "--no-control-socket")
        env["ATLAS_GATEWAY_PORT"] = str(self.ports[GATEWAY])
        simulator = f"http://{LOCALHOST}:{self.ports[SIMULATOR]}"
        env.setdefault("ATLAS_OUTBOUND_WHATSAPP_BASE_URL", simulator)
        env.setdefault("ATLAS_OUTBOUND_TWILIO_BASE_URL", simulator)
        env.setdefault("ATLAS_OUTBOUND_PUBLIC_URL", f"http://{LOCALHOST}:{self.ports[GATEWAY]}")
        env.setdefault("ATLAS_WHATSAPP_APP_SECRET", DEV_WHATSAPP_APP_SECRET)
        env.setdefault("ATLAS_WHATSAPP_VERIFY_TOKEN", DEV_WHATSAPP_VERIFY_TOKEN)
        for svc in SERVICES:
            port = self.ports[svc.name]
            for name in svc.port_envs:
                env[name] = str(port)
            env[svc.upstream_env] = f"http://{LOCALHOST}:{port}"
        return env

    @property
    def gateway_url(self) -> str:
        return f"http://{LOCALHOST}:{self.ports[GATEWAY]}"

    def service_url(self, name: str) -> str:
        return f"http://{LOCALHOST}:{self.ports[name]}"

    def database_url(self, svc: ServiceDef) -> str:
        return (self.env.get(f"ATLAS_{svc.key}_DATABASE_URL")
                or f"sqlite:///{self.var_dir}/{svc.service}.db")

    @property
    def broker_url(self) -> str:
        return self.env.get("ATLAS_BROKER_URL") or "filesystem://"

    def running(self, name: str) -> bool:
        return any(s.name == name for s in self.available)

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self, seed: bool = True) -> Stack:
        """Migrate, launch, wait for health, seed. Raises :class:`StackError` (after cleaning up)."""
        try:
            self._prepare()
            self.migrate()
            self.launch()
            self.wait_healthy()
            if seed:
                self.seed_demo()
        except BaseException:
            self.stop()
            raise
        return self

    def _prepare(self) -> None:
        gateway_cli = find_cli("atlas-gateway")
        if gateway_cli is None:
            raise StackError("atlas-gateway is not installed (pip install -e gateway).")
        self.available, self.missing = [], []
        for svc in self.wanted:
            (self.available if find_cli(svc.command) else self.missing).append(svc)
        for svc in self.missing:
            self.out.say(f"warning: {svc.command} is not installed; {svc.name} is skipped "
                         f"(pip install -e {svc.package_dir})")
        busy = [f"{name} {port}" for name, port in self.ports.items()
                if (name == GATEWAY or self.running(name) or self._simulated(name))
                and port_in_use(port, self._host(name))]
        if busy:
            raise StackError(f"Port(s) already in use: {', '.join(busy)}. Is another `atlas run` "
                             "running? Stop it, or choose ports with ATLAS_GATEWAY_PORT / "
                             "ATLAS_<SERVICE>_PORT.")
        self.var_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.var_dir / "prometheus", ignore_errors=True)  # multiprocess metrics
        self.logs_dir.mkdir(parents=True, exist_ok=True)

    def _simulated(self, name: str) -> bool:
        return name == SIMULATOR and self.running("outbound") and find_cli("atlas-wa-simulator") is not None

    def _host(self, name: str) -> str:
        if name == SIMULATOR:
            return LOCALHOST
        if name == GATEWAY:
            return self.env.get("ATLAS_GATEWAY_HOST") or LOCALHOST
        svc = next(s for s in SERVICES if s.name == name)
        return self.env.get(f"ATLAS_{svc.key}_HOST") or LOCALHOST

    def _spawn(self, name: str, argv: list[str], health_url: str | None = None,
               extra_env: Mapping[str, str] | None = None) -> Child:
        with self._lock:
            if self._stopped:
                raise StackError("The stack is stopping.")
            child = Child(name, argv, {**self.env, **dict(extra_env or {})},
                          self.logs_dir / f"{name}.log", self.out, health_url, self.cwd)
            self.children.append(child)
        return child

    def migrate(self) -> None:
        """``atlas-<svc> migrate`` for every installed service, in parallel (separate databases)."""
        started = time.monotonic()
        jobs = [self._spawn(f"{svc.name}-migrate", [find_cli(svc.command) or svc.command, "migrate"])
                for svc in self.available]
        deadline = time.monotonic() + self.migrate_timeout
        try:
            for job in jobs:
                code = job.wait(deadline - time.monotonic())
                if code is None:
                    raise job.error(f"{job.name} did not finish within {self.migrate_timeout:.0f} s.")
                if code != 0:
                    raise job.error(f"{job.name} failed (exit code {code}).")
                job.finish_output()
        finally:
            for job in jobs:
                if job.alive():
                    job.signal_group(signal.SIGKILL)
                    job.wait(5)
            with self._lock:
                self.children = [c for c in self.children if c not in jobs]
        if jobs:
            self.out.say(f"migrated {', '.join(s.name for s in self.available)} "
                         f"in {time.monotonic() - started:.1f} s")

    def launch(self) -> None:
        # The gateway's multiprocess metrics also live under var/prometheus (wiped at each start).
        metrics = self.var_dir / "prometheus" / GATEWAY
        metrics.mkdir(parents=True, exist_ok=True)
        self._spawn(GATEWAY, [find_cli("atlas-gateway") or "atlas-gateway", "serve"],
                    health_url=f"{self.gateway_url}/healthz",
                    extra_env={"PROMETHEUS_MULTIPROC_DIR": str(metrics)})
        for svc in self.available:
            cli = find_cli(svc.command) or svc.command
            self._spawn(svc.name, [cli, "serve"], health_url=f"{self.service_url(svc.name)}/healthz")
            self._spawn(f"{svc.name}-worker", [cli, "worker"])
        if self._simulated(SIMULATOR):
            port = self.ports[SIMULATOR]
            webhook = f"{self.service_url('outbound')}/api/v1/webhooks/whatsapp/status"
            self._spawn(SIMULATOR, [find_cli("atlas-wa-simulator") or "atlas-wa-simulator",
                                    "--port", str(port), "--webhook-url", webhook],
                        health_url=f"http://{LOCALHOST}:{port}/healthz")

    def wait_healthy(self, timeout: float | None = None) -> None:
        """Until every HTTP process answers ``/healthz`` 200; any death or the deadline raises."""
        timeout = self.health_timeout if timeout is None else timeout
        started = time.monotonic()
        deadline = started + timeout
        while True:
            self.check_alive(starting=True)
            pending = [c for c in self.children if not c.healthy]
            for child in pending:
                try:
                    status, _ = _http_get(child.health_url or "", timeout=1.0)
                except (OSError, http.client.HTTPException):
                    continue
                child.healthy = status == 200
            pending = [c for c in self.children if not c.healthy]
            if not pending:
                break
            if time.monotonic() > deadline:
                child = pending[0]
                raise child.error(f"{child.name} did not answer {child.health_url} within "
                                  f"{timeout:.0f} s (still waiting for: "
                                  f"{', '.join(c.name for c in pending)}).")
            time.sleep(0.25)
        self.out.say(f"all {len(self.children)} processes up in {time.monotonic() - started:.1f} s")

    def check_alive(self, starting: bool = False) -> None:
        """Raise :class:`StackError` naming the first child that exited."""
        for child in list(self.children):
            code = child.returncode
            if code is not None:
                when = "during start-up" if starting else "unexpectedly"
                raise child.error(f"{child.name} exited {when} with code {code}.")

    def stop(self) -> None:
        """SIGTERM every process group, SIGKILL what is left after the grace period. Idempotent."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            children = list(self.children)
        if not children:
            return
        try:
            for child in reversed(children):  # gateway last: it is first in the list
                child.signal_group(signal.SIGTERM)
            deadline = time.monotonic() + self.grace
            while time.monotonic() < deadline:
                live = live_process_groups()
                if not any(child.group_alive(live) for child in children):
                    break
                time.sleep(0.1)
        except KeyboardInterrupt:  # a second Ctrl-C / SIGTERM: no more patience
            pass
        finally:
            live = live_process_groups()
            for child in children:
                if child.group_alive(live):
                    self.out.say(f"{child.name} did not stop within {self.grace:.0f} s: killing it")
                    child.signal_group(signal.SIGKILL)
            for child in children:
                child.wait(5)
                child.finish_output()

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- supervision ---------------------------------------------------------------------------

    def supervise(self, should_stop: Callable[[], bool] = lambda: False, poll: float = 0.5) -> None:
        """Block until ``should_stop()`` or a child dies (raises :class:`StackError`)."""
        while not should_stop():
            self.check_alive()
            time.sleep(poll)

    # -- demo data, tokens ---------------------------------------------------------------------

    def internal_headers(self, org_id: str, roles: Iterable[str] = ("ADMIN_ORG",),
                         user_id: str = "atlas-run") -> dict[str, str]:
        """Headers a service trusts without a JWT: the gateway-signed identity (local stack only)."""
        identity = Identity(user_id=user_id, roles=frozenset(roles), org_ids=frozenset([org_id]))
        return {"X-Org-Id": org_id, "X-Atlas-Identity": sign_identity(
            identity, org_id, str(uuid.uuid4()), self.security.internal_secret)}

    def count_listings(self, org_id: str) -> int:
        status, body = _http_get(f"{self.service_url('listings')}/api/v1/annonces?size=1",
                                 self.internal_headers(org_id), timeout=10.0)
        if status != 200:
            raise StackError(f"Counting the listings of {org_id} answered {status}: {body[:300]!r}")
        return int(json.loads(body)["total"])

    def seed_demo(self, org_id: str = DEMO_ORG_ID, count: int = DEMO_SEED_COUNT) -> bool:
        """Seed demo listings once: only when the org has none yet. Returns whether it seeded."""
        if not self.running("listings"):
            self.out.say("listings is not installed: no demo data")
            return False
        marker = self.var_dir / "seed" / f"demo-{org_id}.json"
        db_url = self.database_url(next(s for s in SERVICES if s.name == "listings"))
        try:
            existing = self.count_listings(org_id)
        except (OSError, StackError, ValueError, KeyError) as exc:
            if marker.exists() and json.loads(marker.read_text()).get("database") == db_url:
                self.out.say(f"demo org already seeded (marker {marker}); could not check: {exc}")
                return False
            raise
        if existing:
            self.out.say(f"demo org {org_id} already has {existing} listing(s): not seeding")
            return False
        cli = find_cli("atlas-listings") or "atlas-listings"
        job = self._spawn("listings-seed", [cli, "seed-demo", "--org", org_id, "--count", str(count)])
        code = job.wait(120)
        if code != 0:
            raise job.error("Seeding the demo org failed." if code is not None
                            else "Seeding the demo org did not finish within 120 s.")
        job.finish_output()
        with self._lock:
            self.children.remove(job)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps({"org": org_id, "count": count, "database": db_url,
                                      "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}))
        return True

    def dev_token(self, org_ids: Iterable[str] = (DEMO_ORG_ID,), roles: Iterable[str] = ("ADMIN_ORG",),
                  user_id: str | None = "demo-admin", ttl: int = DEMO_TOKEN_TTL) -> str | None:
        """An HS256 token the gateway accepts; ``None`` when tokens come from Keycloak (JWKS)."""
        s = self.security
        if s.jwks_url or not s.jwt_secret:
            return None
        return issue_dev_token(s.jwt_secret, list(org_ids), list(roles), user_id=user_id, ttl=ttl,
                               issuer=s.issuer, audience=s.audience, org_claim=s.org_claim)

    def banner(self, token: str | None) -> str:
        g = self.gateway_url
        lines = [
            "",
            "Atlas is running.",
            f"  gateway        {g}",
            f"  API docs       {g}/docs",
            f"  public search  {g}/api/public/v1/listings",
            f"  public site    {g}/",
            "  services (direct, bypassing the gateway):",
            *[f"    {s.name:<12} {self.service_url(s.name)}  ({self.service_url(s.name)}/docs)"
              for s in self.available],
            *[f"    {s.name:<12} not installed" for s in self.missing],
            f"  databases      {'; '.join(f'{s.name}={self.database_url(s)}' for s in self.available)}",
            f"  broker         {self.broker_url}",
            f"  logs           {self.logs_dir}/<process>.log",
            "",
            f"Demo organisation: {DEMO_ORG_ID}",
        ]
        if token:
            lines += [
                f"Demo token (ADMIN_ORG, valid {DEMO_TOKEN_TTL // 3600} h; more with "
                "`atlas token --org ORG --role ROLE`):",
                f"  {token}",
                "Try:",
                f"  curl -s -H 'Authorization: Bearer {token}' -H 'X-Org-Id: {DEMO_ORG_ID}' "
                f"{g}/api/v1/annonces",
            ]
        else:
            lines.append("ATLAS_JWT_JWKS_URL is set: get a token from Keycloak (no demo token).")
        lines += ["", "Ctrl-C stops everything."]
        return "\n".join(lines)


# -- smoke test (``atlas run --check``) ----------------------------------------------------------

class SmokeTestError(RuntimeError):
    pass


def png_bytes(seed: int, width: int = 64, height: int = 48) -> bytes:
    """A small, valid, distinct (per seed) PNG, with the standard library only."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    r, g, b = (seed * 67) % 256, (seed * 131 + 40) % 256, (seed * 29 + 90) % 256
    tag = (seed % 2**48).to_bytes(6, "big")  # the first two pixels: a different image for every seed
    rows = b"".join(b"\x00" + (tag if y == 0 else bytes((r, g, b)) * 2)
                    + bytes((r, (g + y) % 256, b)) * (width - 2) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def add_photos(http: Any, gateway_url: str, headers: Mapping[str, str], listing_id: str,
               count: int = 3) -> list[str]:
    """The two-step upload of interfaces.md, through the gateway: init, send the bytes to
    ``uploadUrl`` with the method and headers it names, finalize. Returns the media ids.
    ``http`` is a ``requests.Session``; ``headers`` the caller's pro headers."""
    ids = []
    for n in range(count):
        data = png_bytes(uuid.uuid4().int % 2**48 + n)  # photos are deduplicated by hash: never reuse one
        base = f"{gateway_url}/api/v1/listings/{listing_id}/media"
        res = http.post(f"{base}/init", headers=headers, timeout=15,
                        json={"fileName": f"photo-{n + 1}.png", "contentType": "image/png",
                              "size": len(data)})
        if res.status_code not in (200, 201):
            raise SmokeTestError(f"media init answered {res.status_code}: {res.text[:300]}")
        target = res.json()
        url, send = target["uploadUrl"], dict(target.get("headers") or {})
        if not url.startswith(("http://", "https://")):
            # An Atlas URL, reached through the gateway like any pro call: the gateway asks for the
            # caller's token there. A presigned storage URL gets only the headers it names.
            url = gateway_url + url
            send = {**headers, **send}
        res = http.request(target.get("method", "PUT"), url, data=data, headers=send, timeout=30)
        if res.status_code not in (200, 201, 204):
            raise SmokeTestError(f"{target.get('method', 'PUT')} uploadUrl answered {res.status_code}: "
                                 f"{res.text[:300]}")
        res = http.post(f"{base}/{target['mediaId']}/finalize", headers=headers, timeout=15)
        if res.status_code not in (200, 201):
            raise SmokeTestError(f"media finalize answered {res.status_code}: {res.text[:300]}")
        ids.append(target["mediaId"])
    return ids


def smoke_test(gateway_url: str, token: str, org_id: str = DEMO_ORG_ID, timeout: float = 60.0,
               say: Callable[[str], None] = print) -> None:
    """Create an annonce through the gateway, add its photos, publish it, wait until public search
    shows it, then archive it again (public search keeps only real listings)."""
    import requests

    headers = {"Authorization": f"Bearer {token}", "X-Org-Id": org_id,
               "X-Correlation-Id": f"atlas-check-{uuid.uuid4().hex[:12]}"}
    marker = uuid.uuid4().hex[:8]
    body = {"title": f"Atlas smoke check {marker}", "transactionType": "TX_SALE",
            "description": "Annonce created by `atlas run --check` to prove the stack works end to end; "
                           "it is archived again right after it shows up in public search.",
            "price": 1_000_000, "surfaceM2": 80, "rooms": 3, "city": "Casablanca", "zone": "Maarif"}

    def expect(response: Any, status: int, what: str) -> Any:
        if response.status_code != status:
            raise SmokeTestError(f"{what}: expected {status}, got {response.status_code}: "
                                 f"{response.text[:500]}")
        return response.json() if response.content else None

    with requests.Session() as http:
        created = expect(http.post(f"{gateway_url}/api/v1/annonces", json=body, headers=headers,
                                   timeout=15), 201, "create annonce")
        listing_id = created["id"]
        say(f"check: created annonce {listing_id} ({created.get('status')})")
        url = f"{gateway_url}/api/v1/annonces/{listing_id}"
        try:
            add_photos(http, gateway_url, headers, listing_id)
            say("check: uploaded 3 photos (init, upload, finalize)")
            published = expect(http.put(url, json={"status": "ANN_PUBLISHED"}, headers=headers,
                                        timeout=15), 200, "publish annonce")
            say(f"check: published ({published.get('status')})")
            started = time.monotonic()
            deadline = started + timeout
            last = "no answer yet"
            while True:
                try:
                    res = http.get(f"{gateway_url}/api/public/v1/listings",
                                   params={"sort": "recent", "size": 50}, timeout=10)
                    if res.status_code == 200:
                        ids = [item.get("listingId") for item in res.json().get("items", [])]
                        if listing_id in ids:
                            break
                        last = f"200 with {len(ids)} item(s), not ours yet"
                    else:
                        last = f"{res.status_code}: {res.text[:300]}"
                except requests.RequestException as exc:
                    last = str(exc)
                if time.monotonic() > deadline:
                    raise SmokeTestError(f"the published annonce did not appear in public search "
                                         f"within {timeout:.0f} s (last: {last})")
                time.sleep(0.3)
            say(f"check: visible in GET /api/public/v1/listings after "
                f"{time.monotonic() - started:.1f} s")
        finally:
            res = http.delete(url, headers=headers, timeout=15)
            if res.status_code != 204:
                say(f"check: could not archive the smoke annonce ({res.status_code})")
