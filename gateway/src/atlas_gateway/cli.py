"""``atlas-gateway serve``: the gateway under gunicorn, one uvloop aiohttp app per worker process."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from gunicorn.app.base import BaseApplication

from atlas_gateway.settings import Settings
from atlas_shared.web import gunicorn_conf

WORKER_CLASS = "atlas_gateway.worker.GatewayWorker"  # aiohttp + uvloop, see worker.py


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
            "child_exit": gunicorn_conf.child_exit,  # multiprocess metrics of a dead worker
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from atlas_gateway.app import create_app  # in the worker, after fork

        return create_app(self.settings)


def serve(args: argparse.Namespace) -> None:
    settings = Settings.from_env()
    overrides = {key: value for key, value in
                 (("host", args.host), ("port", args.port), ("workers", args.workers)) if value}
    settings = replace(settings, **overrides)
    from atlas_shared.cli.service import prepare_env  # PROMETHEUS_MULTIPROC_DIR, before any metric
    from atlas_shared.logs import configure_logging

    prepare_env("gateway")
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
