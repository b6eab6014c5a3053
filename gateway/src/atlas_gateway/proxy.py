"""Forwarding one request to a service and its answer back, over a pooled keep-alive session."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterable

import aiohttp
from aiohttp import web
from multidict import CIMultiDict
from yarl import URL

from atlas_gateway import metrics
from atlas_gateway.settings import Network, Settings
from atlas_shared.errors import (
    AtlasError,
    BadGateway,
    PayloadTooLarge,
    ServiceUnavailable,
    UpstreamTimeout,
    ValidationFailed,
)
from atlas_shared.security import CLIENT_IDENTITY_HEADERS, IDENTITY_HEADER

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade",
})
# Set by the gateway itself; a client's value is dropped (or, behind a trusted proxy, extended).
_GATEWAY_SET = frozenset({
    "host", "content-length", "expect", "forwarded", "x-forwarded-for", "x-forwarded-proto",
    "x-forwarded-host", "x-correlation-id", IDENTITY_HEADER.lower(),
})
REQUEST_DROP = HOP_BY_HOP | _GATEWAY_SET | {h.lower() for h in CLIENT_IDENTITY_HEADERS}
RESPONSE_DROP = HOP_BY_HOP | {"content-length", "x-correlation-id"}
BUFFER_LIMIT = 1024 * 1024  # answers up to this size are read whole; larger ones are streamed
STREAM_CHUNK = 64 * 1024


def new_session(settings: Settings) -> aiohttp.ClientSession:
    """The worker's one upstream session: a keep-alive pool shared by every request."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=settings.upstream_connections,
                                       keepalive_timeout=settings.upstream_keepalive, ttl_dns_cache=300),
        # sock_read bounds the wait for each read, headers included: a slow service answers 504,
        # a large download that keeps flowing is not cut.
        timeout=aiohttp.ClientTimeout(total=None, sock_connect=min(settings.upstream_timeout, 10.0),
                                      sock_read=settings.upstream_timeout),
        cookie_jar=aiohttp.DummyCookieJar(),  # never keep one client's cookies for another
        auto_decompress=False,  # bodies pass through as the service encoded them
        skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
    )


def is_trusted(peer: str | None, trusted: tuple[Network, ...]) -> bool:
    if not trusted or not peer:
        return False
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in trusted)


def client_ip(peer: str | None, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    """The peer address; behind trusted proxies, the nearest X-Forwarded-For hop not trusted."""
    if not forwarded_for or not is_trusted(peer, trusted):
        return peer or "unknown"
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, trusted):
            return hop if _is_ip(hop) else peer or "unknown"
    return hops[0] if hops else peer or "unknown"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _connection_tokens(value: str | None) -> Iterable[str]:
    return (token.strip().lower() for token in value.split(",")) if value else ()


def upstream_headers(request: web.Request, correlation_id: str, trusted_peer: bool) -> CIMultiDict[str]:
    """The client's headers minus hop-by-hop and identity ones, plus the X-Forwarded-* set."""
    incoming = request.headers
    drop = REQUEST_DROP.union(_connection_tokens(incoming.get("Connection"))) \
        if "Connection" in incoming else REQUEST_DROP
    headers: CIMultiDict[str] = CIMultiDict(
        (name, value) for name, value in incoming.items() if name.lower() not in drop)
    peer = request.remote or ""
    forwarded_for = incoming.get("X-Forwarded-For") if trusted_peer else None
    headers["X-Forwarded-For"] = f"{forwarded_for}, {peer}" if forwarded_for else peer
    headers["X-Forwarded-Proto"] = (trusted_peer and incoming.get("X-Forwarded-Proto")) or request.scheme
    headers["X-Forwarded-Host"] = (trusted_peer and incoming.get("X-Forwarded-Host")) or request.host
    headers["X-Correlation-Id"] = correlation_id
    return headers


def response_headers(upstream: aiohttp.ClientResponse, keep_length: bool,
                     correlation_id: str) -> CIMultiDict[str]:
    """The service's headers minus hop-by-hop ones (Content-Length is recomputed unless HEAD)."""
    raw = upstream.headers
    drop = RESPONSE_DROP.union(_connection_tokens(raw.get("Connection"))) \
        if "Connection" in raw else RESPONSE_DROP
    if keep_length:
        drop = drop - {"content-length"}
    headers: CIMultiDict[str] = CIMultiDict(
        (name, value) for name, value in raw.items() if name.lower() not in drop)
    headers["X-Correlation-Id"] = correlation_id
    return headers


async def read_body(request: web.Request, limit: int) -> bytes | None:
    """The whole request body, refused with 413 past ``limit`` bytes (declared or actually sent)."""
    if not request.body_exists:
        return None
    length = request.content_length
    if length is not None:
        if length > limit:
            raise PayloadTooLarge(details={"maxBytes": limit})
        try:
            return await request.content.readexactly(length)  # the parser never gives more
        except asyncio.IncompleteReadError:
            raise ValidationFailed("The request body ended early.") from None
    chunks, size = [], 0
    async for chunk in request.content.iter_any():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(details={"maxBytes": limit})
        chunks.append(chunk)
    return b"".join(chunks)


async def forward(session: aiohttp.ClientSession, request: web.Request, service: str, base_url: str,
                  headers: CIMultiDict[str], body: bytes | None,
                  correlation_id: str) -> web.StreamResponse:
    """Send the request to ``service``; map transport failures to 502/503/504.

    aiohttp itself sends an idempotent request once more when a pooled keep-alive connection was
    closed under it (RFC 9112 9.3.1.1). Redirects are handed back to the client, never followed.
    """
    url = URL(base_url + request.raw_path, encoded=True)  # as the client wrote it, not re-quoted
    try:
        return await _exchange(session, request, url, headers, body, correlation_id)
    except (TimeoutError, aiohttp.ClientError) as exc:
        if request.get(_STREAMING, False):
            # Half the answer is out: only closing the connection tells the client.
            metrics.upstream_error(service, "stream")
            raise
        raise _gateway_error(service, exc) from None


_STREAMING = web.RequestKey("atlas.streaming", bool)


def is_streaming(request: web.Request) -> bool:
    """True once a streamed answer's headers went out: no error response can follow them."""
    return request.get(_STREAMING, False)


def _gateway_error(service: str, exc: BaseException) -> AtlasError:
    if isinstance(exc, TimeoutError):
        metrics.upstream_error(service, "timeout")
        return UpstreamTimeout(details={"service": service})
    if isinstance(exc, aiohttp.ClientConnectorError):
        metrics.upstream_error(service, "down")
        return ServiceUnavailable(f"The {service} service is unavailable.", {"service": service})
    metrics.upstream_error(service, "error")
    return BadGateway(details={"service": service})


async def _exchange(session: aiohttp.ClientSession, request: web.Request, url: URL,
                    headers: CIMultiDict[str], body: bytes | None,
                    correlation_id: str) -> web.StreamResponse:
    method = request.method
    async with session.request(method, url, headers=headers, data=body,
                               allow_redirects=False) as upstream:
        length = upstream.content_length
        status = upstream.status
        if method == "HEAD" or status in (204, 304):
            return web.Response(status=status, reason=upstream.reason,
                                headers=response_headers(upstream, True, correlation_id))
        if length is not None and length <= BUFFER_LIMIT:
            content = await upstream.read()
            return web.Response(status=status, reason=upstream.reason, body=content,
                                headers=response_headers(upstream, False, correlation_id))
        response = web.StreamResponse(status=status, reason=upstream.reason,
                                      headers=response_headers(upstream, False, correlation_id))
        if length is not None:
            response.content_length = length
        request[_STREAMING] = True
        await response.prepare(request)
        async for chunk in upstream.content.iter_chunked(STREAM_CHUNK):
            await response.write(chunk)
        await response.write_eof()
        return response
