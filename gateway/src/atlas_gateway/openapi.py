"""One OpenAPI document for the whole API, merged from every service's ``/openapi.json``.

Each service documents its own paths; the gateway keeps the ones it routes to that service, renames
component names that two services define differently (``Error`` → ``ListingsError``), and states
the authentication the gateway enforces. A service that does not answer is left out and named in
``info``. The result is cached for ``ttl`` seconds per worker.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import Iterator, Mapping
from typing import Any

import aiohttp

from atlas_gateway.routing import PRO, RouteTable

# Sections whose entries are referenced by ``$ref`` and so can be renamed (security schemes are
# referenced by bare name: the first service's definition of a name is kept, the gateway's win).
COMPONENT_SECTIONS = ("schemas", "responses", "parameters", "examples", "requestBodies", "headers",
                      "links", "callbacks")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PRO_SECURITY = [{"bearerAuth": [], "orgHeader": []}]
SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                   "description": "OIDC access token. Its org claim must list the X-Org-Id org."},
    "orgHeader": {"type": "apiKey", "in": "header", "name": "X-Org-Id",
              "description": "The organisation (tenant) the request acts for."},
}
DESCRIPTION = (
    "Atlas API through the gateway. Pro routes (`/api/v1/...`) need `Authorization: Bearer <JWT>` "
    "and `X-Org-Id`; public routes (`/api/public/v1/...`) and provider webhooks need neither and are "
    "rate limited per client. Errors answer `{\"code\", \"message\", \"details\"}`; every response "
    "carries `X-Correlation-Id`."
)


def merge(specs: Mapping[str, dict[str, Any]], missing: list[str], table: RouteTable) -> dict[str, Any]:
    """Merge ``{service: spec}`` into one document, keeping only paths routed to their service."""
    specs = {name: _renamed(spec, renames) for name, spec, renames in _with_renames(specs)}
    merged: dict[str, Any] = {
        "openapi": next((s.get("openapi") for s in specs.values() if s.get("openapi")), "3.0.3"),
        "info": {"title": "Atlas API", "version": "1", "description": DESCRIPTION,
                 "x-services": {name: "unavailable" if name in missing else "ok"
                                for name in sorted({*specs, *missing})}},
        "servers": [{"url": "/"}],
        "paths": {},
        "components": {},
        "tags": [],
    }
    if missing:
        merged["info"]["description"] += f"\n\nUnavailable when generated: {', '.join(sorted(missing))}."
    tags_seen: set[str] = set()
    for service, spec in specs.items():
        for path, item in (spec.get("paths") or {}).items():
            route = table.match(path)
            if route is None or route.service != service:
                continue  # not reachable through the gateway (e.g. the service's own /healthz)
            merged["paths"][path] = _secured(item, route.kind == PRO)
        for section, entries in (spec.get("components") or {}).items():
            target = merged["components"].setdefault(section, {})
            for name, definition in (entries or {}).items():
                target.setdefault(name, definition)
        for tag in spec.get("tags") or []:
            if tag.get("name") not in tags_seen:
                tags_seen.add(tag.get("name"))
                merged["tags"].append(tag)
    merged["components"].setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    return merged


Spec = dict[str, Any]


def _with_renames(specs: Mapping[str, Spec]) -> Iterator[tuple[str, Spec, dict[str, tuple[str, str, str]]]]:
    """For each service, the component names to prefix: those another service defines differently."""
    seen: dict[tuple[str, str], list[tuple[str, Any]]] = {}
    for service, spec in specs.items():
        for section in COMPONENT_SECTIONS:
            for name, definition in ((spec.get("components") or {}).get(section) or {}).items():
                seen.setdefault((section, name), []).append((service, definition))
    clashing = {key for key, owners in seen.items()
                if any(definition != owners[0][1] for _, definition in owners[1:])}
    for service, spec in specs.items():
        prefix = service.title().replace("-", "")
        renames = {f"#/components/{section}/{name}": (section, name, f"{prefix}{name}")
                   for section, name in clashing
                   if name in ((spec.get("components") or {}).get(section) or {})}
        yield service, spec, renames


def _renamed(spec: dict[str, Any], renames: dict[str, tuple[str, str, str]]) -> dict[str, Any]:
    if not renames:
        return spec
    refs = {ref: f"#/components/{section}/{new}" for ref, (section, _, new) in renames.items()}
    spec = _rewrite_refs(spec, refs)
    components = spec.get("components") or {}
    for section, old, new in renames.values():
        components[section][new] = components[section].pop(old)
    return spec


def _rewrite_refs(node: Any, refs: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {key: (refs.get(value, value) if key == "$ref" and isinstance(value, str)
                      else _rewrite_refs(value, refs)) for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(value, refs) for value in node]
    return node


def _secured(item: dict[str, Any], pro: bool) -> dict[str, Any]:
    """Pro operations need the bearer token and X-Org-Id; the others say they need nothing."""
    item = copy.deepcopy(item)
    for method in METHODS:
        operation = item.get(method)
        if isinstance(operation, dict):
            if pro:
                operation["security"] = PRO_SECURITY
            else:
                operation.setdefault("security", [])
    return item


class OpenApiCache:
    """Fetches the services' documents concurrently and keeps the merged bytes for ``ttl`` seconds."""

    def __init__(self, upstreams: Mapping[str, str], table: RouteTable, ttl: float, timeout: float) -> None:
        self.upstreams = upstreams
        self.table = table
        self.ttl = ttl
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._document: bytes | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def document(self, session: aiohttp.ClientSession) -> bytes:
        if self._document is not None and time.monotonic() < self._expires:
            return self._document
        async with self._lock:
            if self._document is None or time.monotonic() >= self._expires:
                specs, missing = await self._fetch_all(session)
                self._document = json.dumps(merge(specs, missing, self.table)).encode()
                # Retry sooner while a service is missing, so it appears once it is up.
                self._expires = time.monotonic() + (min(self.ttl, 5.0) if missing else self.ttl)
        return self._document

    async def _fetch_all(self, session: aiohttp.ClientSession) -> tuple[dict[str, Any], list[str]]:
        names = list(self.upstreams)
        results = await asyncio.gather(*(self._fetch(session, self.upstreams[n]) for n in names))
        specs = {name: spec for name, spec in zip(names, results, strict=True) if spec is not None}
        return specs, [name for name in names if name not in specs]

    async def _fetch(self, session: aiohttp.ClientSession, base_url: str) -> dict[str, Any] | None:
        try:
            async with session.get(f"{base_url}/openapi.json", timeout=self.timeout) as response:
                if response.status != 200:
                    return None
                spec = json.loads(await response.read())
        except (TimeoutError, aiohttp.ClientError, ValueError):
            return None
        return spec if isinstance(spec, dict) else None


SWAGGER_UI = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Atlas API</title>
  <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
                                 persistAuthorization: true});
  </script>
</body>
</html>
"""
