"""The gateway's own endpoints: liveness, readiness of the services, metrics, the merged OpenAPI."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import aiohttp
from aiohttp import web

from atlas_gateway import metrics
from atlas_gateway.openapi import SWAGGER_UI, OpenApiCache
from atlas_gateway.routing import RouteTable
from atlas_gateway.settings import Settings
from atlas_shared.errors import MethodNotAllowed, ServiceUnavailable

View = Callable[[web.Request], Awaitable[web.StreamResponse]]


class OwnEndpoints:
    def __init__(self, settings: Settings, table: RouteTable) -> None:
        self.settings = settings
        self.openapi = OpenApiCache(settings.upstreams, table, settings.openapi_ttl, settings.probe_timeout)
        self.session: aiohttp.ClientSession | None = None  # the gateway's, set when it starts
        self.views: dict[str, View] = {
            "/healthz": self.healthz, "/readyz": self.readyz, "/metrics": self.metrics,
            "/openapi.json": self.openapi_document, "/docs": self.docs,
        }

    async def answer(self, view: View, request: web.Request) -> web.StreamResponse:
        if request.method not in ("GET", "HEAD"):
            raise MethodNotAllowed(headers={"Allow": "GET, HEAD"})
        return await view(request)

    async def healthz(self, _request: web.Request) -> web.StreamResponse:
        return web.json_response({"status": "ok"})

    async def readyz(self, _request: web.Request) -> web.StreamResponse:
        """Each service's ``/healthz`` with a short timeout; 503 naming the ones that are down."""
        names = list(self.settings.upstreams)
        results = await asyncio.gather(*(self._probe(name) for name in names))
        services = dict(zip(names, results, strict=True))
        down = [name for name, state in services.items() if state != "ok"]
        if down:
            raise ServiceUnavailable(f"Unavailable: {', '.join(down)}.",
                                     {"down": down, "services": services})
        return web.json_response({"status": "ok", "services": services})

    async def _probe(self, name: str) -> str:
        assert self.session is not None
        url = f"{self.settings.upstreams[name]}/healthz"
        timeout = aiohttp.ClientTimeout(total=self.settings.probe_timeout)
        try:
            async with self.session.get(url, timeout=timeout) as response:
                return "ok" if response.status == 200 else f"status {response.status}"
        except TimeoutError:
            return "timeout"
        except aiohttp.ClientError:
            return "unreachable"

    async def metrics(self, _request: web.Request) -> web.StreamResponse:
        # Multiprocess mode reads every worker's files: keep that off the event loop.
        body, content_type = await asyncio.get_running_loop().run_in_executor(None, metrics.render)
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def openapi_document(self, _request: web.Request) -> web.StreamResponse:
        assert self.session is not None
        return web.Response(body=await self.openapi.document(self.session), content_type="application/json")

    async def docs(self, _request: web.Request) -> web.StreamResponse:
        return web.Response(text=SWAGGER_UI, content_type="text/html")
