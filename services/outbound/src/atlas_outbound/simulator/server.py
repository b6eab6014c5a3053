"""Running the simulator: ``atlas-wa-simulator`` (a process) or :class:`SimulatorThread` (in tests)."""

from __future__ import annotations

import asyncio
import os
import threading
from typing import Any

import click
import requests
from aiohttp import web

from atlas_outbound.simulator.app import STATE, create_app
from atlas_outbound.simulator.state import SimState

DEFAULT_PORT = 8090


@click.command(help="Local WhatsApp Cloud API / Twilio SMS simulator (control endpoints under /_sim).")
@click.option("--host", default=lambda: os.environ.get("ATLAS_SIMULATOR_HOST", "127.0.0.1"),
              show_default="127.0.0.1")
@click.option("--port", default=lambda: int(os.environ.get("ATLAS_SIMULATOR_PORT", DEFAULT_PORT)),
              show_default=str(DEFAULT_PORT), type=int)
@click.option("--webhook-url", default=lambda: os.environ.get("ATLAS_SIMULATOR_WEBHOOK_URL"),
              help="Where WhatsApp status callbacks go, e.g. http://127.0.0.1:8080/api/v1/webhooks/whatsapp/status")
@click.option("--app-secret", default=lambda: os.environ.get("ATLAS_WHATSAPP_APP_SECRET"),
              help="Signs the callbacks (X-Hub-Signature-256); default ATLAS_WHATSAPP_APP_SECRET")
def main(host: str, port: int, webhook_url: str | None, app_secret: str | None) -> None:
    web.run_app(create_app(webhook_url, app_secret), host=host, port=port, print=click.echo,
                access_log=None)


class SimulatorThread:
    """The simulator on a free port in a background thread, with a small client for its controls."""

    def __init__(self, webhook_url: str | None = None, app_secret: str | None = None, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.app = create_app(webhook_url, app_secret)
        self.host, self.port = host, port
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="wa-simulator")
        self._runner: web.AppRunner | None = None

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(self.app, access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, self.host, self.port)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        self._loop.run_forever()

    def __enter__(self) -> SimulatorThread:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the simulator did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            assert self._runner is not None
            await self._runner.cleanup()
        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def state(self) -> SimState:
        return self.app[STATE]

    def control(self, path: str, body: dict[str, Any]) -> Any:
        res = requests.put(f"{self.url}/_sim/{path}", json=body, timeout=5)
        res.raise_for_status()
        return res.json()

    def calls(self) -> dict[str, Any]:
        return requests.get(f"{self.url}/_sim/calls", timeout=5).json()
