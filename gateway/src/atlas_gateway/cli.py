"""``atlas-gateway serve``: the gateway under gunicorn, one uvloop aiohttp app per worker process."""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import tempfile
from dataclasses import replace
from typing import Any

from gunicorn.app.base import BaseApplication

from atlas_gateway.settings import Settings

WORKER_CLASS = os.environ.get("XWC", "aiohttp.GunicornUVLoopWebWorker")


class GatewayServer(BaseApplication):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        options: dict[str, Any] = {
            "bind": f"{s.host}:{s.port}",
            "workers": s.workers,
            "worker_class": WORKER_CLASS,
            "keepalive": 75,  # client keep-alive; longer than a load balancer's idle timeout
            "graceful_timeout": 10,
            "accesslog": None,  # the app writes its own JSON access line
            "errorlog": "-",
            "loglevel": s.log_level.lower(),
            "proc_name": "atlas-gateway",
            "control_socket_disable": True,  # one shared ~/.gunicorn socket would clash across services
            "child_exit": _child_exit,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from atlas_gateway.app import create_app  # in the worker, after fork

        return create_app(self.settings)


def _child_exit(_server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def _metrics_dir() -> None:
    """Several workers share metrics through files; make a private folder if none is configured.

    Must run before prometheus_client is imported: it picks its value store at import.
    """
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    folder = tempfile.mkdtemp(prefix="atlas-gateway-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    master = os.getpid()

    def remove() -> None:
        if os.getpid() == master:  # forked workers inherit atexit hooks; only the master cleans up
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(remove)


def serve(args: argparse.Namespace) -> None:
    settings = Settings.from_env()
    overrides = {key: value for key, value in
                 (("host", args.host), ("port", args.port), ("workers", args.workers)) if value}
    settings = replace(settings, **overrides)
    if settings.workers > 1:
        _metrics_dir()
    from atlas_shared.logs import configure_logging

    configure_logging("gateway", settings.log_level)
    GatewayServer(settings).run()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="atlas-gateway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve the gateway (gunicorn, uvloop aiohttp workers)")
    run.add_argument("--host", help="bind address (default ATLAS_GATEWAY_HOST or 127.0.0.1)")
    run.add_argument("--port", type=int, help="port (default ATLAS_GATEWAY_PORT or 8080)")
    run.add_argument("--workers", type=int, help="worker processes (default ATLAS_GATEWAY_WORKERS or 2)")
    run.set_defaults(func=serve)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
