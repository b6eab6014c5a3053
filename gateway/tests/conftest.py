"""Real HTTP on 127.0.0.1: fake services and the gateway run in a background event loop; tests call
them with a plain blocking client, as any HTTP client would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from atlas_gateway.app import create_app
from atlas_gateway.settings import DEFAULT_UPSTREAMS, Settings
from gateway_testkit import INTERNAL_SECRET, JWT_SECRET, LoopThread, Server, fake_service, start_site


@pytest.fixture(scope="session")
def loop_thread() -> Iterator[LoopThread]:
    thread = LoopThread()
    yield thread
    thread.close()


@pytest.fixture(scope="session")
def upstreams(loop_thread: LoopThread) -> Iterator[dict[str, Server]]:
    servers: dict[str, Server] = {}
    for name in DEFAULT_UPSTREAMS:
        hits: dict[str, int] = {}
        app = fake_service(name, hits)
        runner, port = loop_thread.run(start_site(app))
        servers[name] = Server(port, runner, app, hits)
    yield servers
    for server in servers.values():
        loop_thread.run(server.runner.cleanup())


@pytest.fixture(scope="session")
def base_settings(upstreams: dict[str, Server]) -> Settings:
    env = {"ATLAS_JWT_SECRET": JWT_SECRET, "ATLAS_INTERNAL_SECRET": INTERNAL_SECRET,
           "ATLAS_GATEWAY_ACCESS_LOG": "0"}
    env.update({f"ATLAS_{name.upper()}_URL": server.url for name, server in upstreams.items()})
    return Settings.from_env(env)


@pytest.fixture
def start_gateway(loop_thread: LoopThread, base_settings: Settings) -> Iterator[Callable[..., Server]]:
    """Start a gateway with some settings changed; it stops when the test ends."""
    started: list[Server] = []

    def start(**changes: Any) -> Server:
        if "upstreams" in changes:
            changes["upstreams"] = {**base_settings.upstreams, **changes["upstreams"]}
        app = create_app(replace(base_settings, **changes))
        runner, port = loop_thread.run(start_site(app))
        server = Server(port, runner, app)
        started.append(server)
        return server

    yield start
    for server in started:
        loop_thread.run(server.runner.cleanup())


@pytest.fixture
def gateway(start_gateway: Callable[..., Server]) -> Server:
    return start_gateway()
