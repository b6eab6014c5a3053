"""The per-service command line: migrate, serve, worker, dead letters. Same verbs in every service."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click


def prepare_env(service: str) -> None:
    """Must run before prometheus_client is imported: metrics are shared by all processes."""
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        folder = Path(os.environ.get("ATLAS_VAR_DIR", "var")).resolve() / "prometheus" / service
        folder.mkdir(parents=True, exist_ok=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


@dataclass
class ServiceSpec:
    """What a service tells the shared CLI about itself (built in its bootstrap module)."""

    name: str
    default_port: int
    migrations: str                                   # "atlas_<svc>:migrations"
    wsgi: str                                         # "atlas_<svc>.entrypoints.wsgi:create_app()"
    build: Callable[[], Any]                          # -> Container with .platform
    subscriptions: Callable[[Any], list[Any]] = lambda c: []
    loops: Callable[[Any], list[Callable[[threading.Event], None]]] = lambda c: []
    commands: list[click.Command] = field(default_factory=list)


DEFAULT_THREADS = "1"


def worker_options(threads: int) -> list[str]:
    """One thread: gunicorn's sync worker, which takes a connection only when it is free — behind the
    gateway (which buffers bodies) requests wait in the kernel's accept queue in arrival order and go
    to whichever process frees first. With threads, a gthread worker keeps the gateway's connections
    alive but each process accepts more than it can run at once (one core per process under the
    GIL): a process holding more connections than its neighbours makes their requests wait."""
    if threads <= 1:
        return ["--worker-class", "sync"]
    return ["--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "75"]


def service_cli(spec: ServiceSpec) -> click.Group:
    @click.group(help=f"Atlas {spec.name} service.")
    def cli() -> None:
        pass

    @cli.command(help="Apply database migrations and declare this service's queues.")
    @click.option("--no-broker", is_flag=True, help="Skip broker topology (database only).")
    def migrate(no_broker: bool) -> None:
        from atlas_shared.db.migrations import upgrade
        container = spec.build()
        upgrade(spec.migrations, container.platform.settings.database_url)
        if not no_broker:
            from atlas_shared.messaging.consumer import EventConsumer
            for sub in spec.subscriptions(container):
                EventConsumer(container.platform.db, container.platform.broker, sub).declare()
        click.echo(f"{spec.name}: migrated")

    @cli.command(help="Serve the HTTP API with gunicorn (sync workers, or gthread with _THREADS > 1).")
    def serve() -> None:
        from atlas_shared.settings import ServiceSettings
        settings = ServiceSettings.from_env(spec.name, spec.default_port)
        threads = int(os.environ.get(f"ATLAS_{spec.name.upper().replace('-', '_')}_THREADS", DEFAULT_THREADS))
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        args = [gunicorn, "--bind", f"{settings.host}:{settings.port}", "--workers", str(settings.workers),
                *worker_options(threads), "--config", "python:atlas_shared.web.gunicorn_conf", spec.wsgi]
        os.environ["ATLAS_SERVICE_NAME"] = spec.name
        os.execv(gunicorn, args)

    @cli.command(help="Run the outbox relay, the event consumers and background loops.")
    @click.option("--no-relay", is_flag=True)
    @click.option("--no-consumers", is_flag=True)
    def worker(no_relay: bool, no_consumers: bool) -> None:
        from atlas_shared.logs import configure_logging
        from atlas_shared.messaging.consumer import EventConsumer
        from atlas_shared.messaging.relay import OutboxRelay
        container = spec.build()
        platform = container.platform
        configure_logging(f"{spec.name}-worker", platform.settings.log_level)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        loops: list[Callable[[threading.Event], None]] = []
        if not no_relay:
            loops.append(OutboxRelay(platform.db, platform.broker, spec.name).run)
        if not no_consumers:
            loops += [EventConsumer(platform.db, platform.broker, sub).run
                      for sub in spec.subscriptions(container)]
        loops += spec.loops(container)
        threads = [threading.Thread(target=loop, args=(stop,), daemon=True) for loop in loops]
        for thread in threads:
            thread.start()
        while not stop.is_set():
            stop.wait(0.5)
        for thread in threads:
            thread.join(timeout=10)

    @cli.group(help="Inspect and replay dead-lettered events.")
    def dlq() -> None:
        pass

    def _queues(container: Any) -> list[str]:
        return [sub.queue for sub in spec.subscriptions(container)]

    @dlq.command("list", help="List dead letters of every consumer queue (or one).")
    @click.option("--queue", default=None)
    def dlq_list(queue: str | None) -> None:
        from atlas_shared.messaging.dlq import list_dead_letters
        container = spec.build()
        for name in [queue] if queue else _queues(container):
            for letter in list_dead_letters(container.platform.broker, name):
                click.echo(json.dumps({"queue": name, "eventId": letter.event_id,
                                       "type": letter.event_type, "attempts": letter.attempts,
                                       "error": letter.error}))

    @dlq.command("replay", help="Send dead letters back to their queue (all, or --event-id).")
    @click.option("--queue", default=None)
    @click.option("--event-id", default=None)
    def dlq_replay(queue: str | None, event_id: str | None) -> None:
        from atlas_shared.messaging.dlq import replay_dead_letters
        container = spec.build()
        total = 0
        for name in [queue] if queue else _queues(container):
            total += len(replay_dead_letters(container.platform.broker, name, event_id))
        click.echo(f"replayed {total} dead letter(s)")

    for command in spec.commands:
        cli.add_command(command)
    return cli
