"""Test kit: fake services, tokens and a blocking HTTP client for the gateway tests."""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web

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
