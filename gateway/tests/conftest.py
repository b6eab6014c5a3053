"""Real HTTP on 127.0.0.1: fake services and the gateway run in a background event loop; tests call
them with a plain blocking client, as any HTTP client would. Helpers reach the tests through the
``kit`` fixture (the suite runs with ``--import-mode=importlib``: test modules cannot import this file).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import jwt
import pytest
from aiohttp import web

from atlas_gateway.app import create_app
from atlas_gateway.settings import DEFAULT_UPSTREAMS, Settings

JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789"
INTERNAL_SECRET = "test-internal-secret-0123456789abcdef"
ORG = "11111111-1111-1111-1111-111111111111"
OTHER_ORG = "22222222-2222-2222-2222-222222222222"


def make_token(orgs: list[str] | None = None, roles: list[str] | None = None, ttl: int = 600,
               secret: str = JWT_SECRET, sub: str = "user-1") -> str:
    now = int(time.time())
    claims = {"sub": sub, "roles": roles or ["AGENT"], "org_ids": [ORG] if orgs is None else orgs,
              "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm="HS256")


def pro_headers(org: str = ORG, **token_args: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(**token_args)}", "X-Org-Id": org}


class LoopThread:
    """An asyncio loop in a daemon thread; ``run`` executes a coroutine there and waits."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Any, timeout: float = 10) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    """A running site and how to call it."""

    port: int
    runner: web.AppRunner
    app: web.Application
    hits: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def call(self, method: str, path: str, headers: dict[str, str] | None = None,
             body: bytes | None = None, chunked: bool = False) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            if chunked:
                conn.request(method, path, body=iter([body or b""]), headers=headers or {},
                             encode_chunked=True)
            else:
                conn.request(method, path, body=body, headers=headers or {})
            answer = conn.getresponse()
            return Response(answer.status, answer.headers, answer.read())
        finally:
            conn.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.call("GET", path, headers)


async def start_site(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


def free_port() -> int:
    """A port nobody listens on (for a service that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fake_spec(service: str) -> dict[str, Any]:
    error = {"type": "object", "properties": {"code": {"type": "string"}, service: {"type": "string"}}}
    page = {"type": "object", "properties": {"page": {"type": "integer"}}}
    paths = {
        "crm": ["/api/v1/dossiers", "/api/v1/webhooks/whatsapp", "/api/v1/annonces"],
        "listings": ["/api/v1/annonces", "/api/v1/annonces/{id}"],
        "outbound": ["/api/v1/outbound/messages", "/api/v1/webhooks/sms"],
        "coop": ["/api/v1/coop/groups"],
        "portal": ["/api/public/v1/annonces"],
    }[service] + ["/healthz"]
    operation = {"responses": {"200": {"description": "ok", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Page"}}}},
        "400": {"description": "bad", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}},
        "security": [{"serviceAuth": []}]}
    return {"openapi": "3.0.3", "info": {"title": service, "version": "1"},
            "paths": {path: {"get": operation} for path in paths},
            "components": {"schemas": {"Error": error, "Page": page},
                           "securitySchemes": {"serviceAuth": {"type": "http", "scheme": "bearer"}}},
            "tags": [{"name": service}]}


def fake_service(name: str, hits: dict[str, int]) -> web.Application:
    """Echoes what it received; a few paths misbehave on purpose."""

    async def echo(request: web.Request) -> web.StreamResponse:
        hits[request.path] = hits.get(request.path, 0) + 1
        body = await request.read()
        last = request.path.rsplit("/", 1)[-1]
        if last == "slow":
            await asyncio.sleep(2)
        if last == "hang-up":
            request.transport.close()  # type: ignore[union-attr]
            await asyncio.sleep(0.1)
        if last == "redirect":
            raise web.HTTPMovedPermanently("/elsewhere")
        if last == "big":
            return web.Response(body=b"x" * (3 * 1024 * 1024 + 7), content_type="application/octet-stream")
        if last == "gzip":
            return web.Response(body=b"\x1f\x8bnot-really-gzip", headers={
                "Content-Encoding": "gzip", "Content-Type": "text/plain"})
        if last == "hop":
            return web.Response(text="ok", headers={"Connection": "X-Up-Hop", "X-Up-Hop": "secret",
                                                    "Keep-Alive": "timeout=5", "X-Up-Kept": "yes"})
        if last == "cookie":
            response = web.json_response({"ok": True})
            response.set_cookie("session", "secret-of-client-a")
            return response
        if request.path == "/openapi.json":
            return web.json_response(fake_spec(name))
        headers: dict[str, list[str]] = {}
        for key, value in request.headers.items():
            headers.setdefault(key.lower(), []).append(value)
        return web.json_response({"service": name, "method": request.method, "path": request.path,
                                  "raw_path": request.raw_path, "headers": headers,
                                  "body": body.decode("latin-1")})

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


class Kit:
    """What tests need besides servers: ids, secrets, tokens."""

    ORG = ORG
    OTHER_ORG = OTHER_ORG
    INTERNAL_SECRET = INTERNAL_SECRET
    make_token = staticmethod(make_token)
    pro_headers = staticmethod(pro_headers)
    free_port = staticmethod(free_port)


@pytest.fixture(scope="session")
def kit() -> type[Kit]:
    return Kit


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
