"""The gateway application: one handler that routes, guards and forwards every request.

Everything a request needs (route table, token cache, rate limiter, upstream session) is built once
per worker process; the per-request path is a few dict look-ups, the token check and the forward.
"""

from __future__ import annotations

import logging
import time

import aiohttp
from aiohttp import web

from atlas_gateway import metrics
from atlas_gateway.accesslog import AccessLog
from atlas_gateway.auth import Authenticator
from atlas_gateway.ops import OwnEndpoints
from atlas_gateway.proxy import (
    client_ip,
    forward,
    is_streaming,
    is_trusted,
    new_session,
    read_body,
    upstream_headers,
)
from atlas_gateway.ratelimit import RateLimiter, retry_after_seconds
from atlas_gateway.routing import PRO, WEBHOOK, Route, RouteTable, has_dot_segment
from atlas_gateway.settings import Settings
from atlas_shared.context import correlation_id_var, org_id_var, sane_correlation_id, user_id_var
from atlas_shared.errors import AtlasError, NotFound, PayloadTooLarge, RateLimited
from atlas_shared.security import IDENTITY_HEADER, sign_identity

log = logging.getLogger("atlas_gateway")

CORRELATION_HEADER = "X-Correlation-Id"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
KNOWN_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})
GATEWAY = web.AppKey("gateway", "Gateway")


def error_response(exc: AtlasError, correlation_id: str) -> web.Response:
    response = web.json_response(exc.body(), status=exc.status, headers=exc.headers)
    response.headers[CORRELATION_HEADER] = correlation_id
    return response


class Gateway:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.table = RouteTable()
        self.auth = Authenticator(settings.security, settings.token_cache_size)
        self.limiter = RateLimiter()
        self.metrics = metrics.RequestMetrics()
        self.access_log = AccessLog() if settings.access_log else None
        self.session: aiohttp.ClientSession | None = None
        self.ops = OwnEndpoints(settings, self.table)

    async def start(self, _app: web.Application) -> None:
        self.session = self.ops.session = new_session(self.settings)

    async def stop(self, _app: web.Application) -> None:
        if self.session is not None:
            await self.session.close()
        if self.access_log is not None:
            self.access_log.flush()

    # -- the one handler ---------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        correlation_id = sane_correlation_id(request.headers.get(CORRELATION_HEADER))
        correlation_id_var.set(correlation_id)
        org_id_var.set(None)
        user_id_var.set(None)
        path = request.path
        label = service = "gateway"
        try:
            own = self.ops.views.get(path)
            if own is not None:
                label = path
                response = await self.ops.answer(own, request)
                response.headers[CORRELATION_HEADER] = correlation_id
            else:
                route = self.table.match(path)
                if route is None or has_dot_segment(path):
                    label = "unmatched"
                    raise NotFound("No route matches this path.", {"path": path})
                label, service = route.prefix, route.service
                response = await self.proxy(request, route, correlation_id)
        except AtlasError as exc:
            response = error_response(exc, correlation_id)
        except Exception:
            if is_streaming(request):
                raise  # headers are out: aiohttp closes the connection to signal a cut answer
            log.exception("Unhandled error in the gateway")
            response = error_response(AtlasError(), correlation_id)
        self._record(request, response, label, service, correlation_id, started)
        return response

    async def proxy(self, request: web.Request, route: Route, correlation_id: str) -> web.StreamResponse:
        s = self.settings
        trusted_peer = is_trusted(request.remote, s.trusted_proxies)
        signed = None
        if route.kind == PRO:
            identity, org_id = await self.auth.authorize(request.headers.get("Authorization"),
                                                         request.headers.get("X-Org-Id"))
            org_id_var.set(org_id)
            user_id_var.set(identity.user_id)
            signed = (org_id, sign_identity(identity, org_id, correlation_id,
                                            s.security.internal_secret))
        else:
            self._rate_limit(request, route, trusted_peer)
        body = await read_body(request, s.max_body_bytes)
        headers = upstream_headers(request, correlation_id, trusted_peer)
        if signed is not None:
            headers["X-Org-Id"], headers[IDENTITY_HEADER] = signed
        return await forward(self.session, request, route.service, s.upstreams[route.service],
                             headers, body, correlation_id)

    def _rate_limit(self, request: web.Request, route: Route, trusted_peer: bool) -> None:
        s = self.settings
        client = client_ip(request.remote,
                           request.headers.get("X-Forwarded-For") if trusted_peer else None,
                           s.trusted_proxies)
        if route.kind == WEBHOOK:
            bucket, rate = "webhook", s.webhook_rate
        elif request.method in READ_METHODS:
            bucket, rate = "read", s.public_read_rate
        else:
            bucket, rate = "write", s.public_write_rate
        wait = self.limiter.acquire(client, bucket, rate)
        if wait:
            seconds = retry_after_seconds(wait)
            raise RateLimited("Too many requests: slow down.", {"retryAfterSeconds": int(seconds)},
                              headers={"Retry-After": seconds})

    def _record(self, request: web.Request, response: web.StreamResponse, label: str, service: str,
                correlation_id: str, started: float) -> None:
        elapsed = time.perf_counter() - started
        method = request.method if request.method in KNOWN_METHODS else "OTHER"
        self.metrics.observe(method, label, response.status, elapsed)
        if self.access_log is not None:
            self.access_log.write(correlation_id, org_id_var.get(), user_id_var.get(),
                                  method=request.method, path=request.path, route=label, upstream=service,
                                  status=response.status, duration_ms=round(elapsed * 1000, 2))

    async def expect(self, request: web.Request) -> web.StreamResponse | None:
        """``Expect: 100-continue``: refuse an oversized body before the client sends it."""
        length = request.content_length
        if length is not None and length > self.settings.max_body_bytes:
            correlation_id = sane_correlation_id(request.headers.get(CORRELATION_HEADER))
            return error_response(PayloadTooLarge(details={"maxBytes": self.settings.max_body_bytes}),
                                  correlation_id)
        if request.headers.get("Expect", "").lower() == "100-continue":
            await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return None


def create_app(settings: Settings | None = None) -> web.Application:
    gateway = Gateway(settings or Settings.from_env())
    app = web.Application()
    app[GATEWAY] = gateway
    app.on_startup.append(gateway.start)
    app.on_cleanup.append(gateway.stop)
    app.router.add_route("*", "/{tail:.*}", gateway.handle, expect_handler=gateway.expect)
    return app
