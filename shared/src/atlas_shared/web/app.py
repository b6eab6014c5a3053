"""The app factory every service uses: Flask + flask-smorest, auth, errors, health, metrics, logs."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, current_app, g, request
from flask_smorest import Api, Blueprint
from werkzeug.exceptions import HTTPException

from atlas_shared.context import RequestContext, correlation_id_var, sane_correlation_id
from atlas_shared.errors import UnsupportedMediaType
from atlas_shared.metrics import HTTP_LATENCY, HTTP_REQUESTS
from atlas_shared.platform import Platform
from atlas_shared.web.auth import CORRELATION_HEADER, authenticate
from atlas_shared.web.errors import ErrorSchema, http_exception_response, register_error_handlers
from atlas_shared.web.operations import install_operational_routes

log = logging.getLogger(__name__)

OPEN_PATHS = ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs")
JSON_TYPES = {"application/json"}


class AtlasApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        return http_exception_response(error)


def accepts(*mimetypes: str) -> Callable[[Any], Any]:
    """Mark a view method as taking a non-JSON body (multipart upload, raw bytes)."""
    def mark(fn: Any) -> Any:
        fn.atlas_accepts = set(mimetypes)
        return fn
    return mark


def public(fn: Any) -> Any:
    """Mark a view method under /api/v1 that authenticates otherwise (e.g. a signed webhook)."""
    fn.atlas_public = True
    return fn


def _view_method() -> Any:
    view = current_app.view_functions.get(request.endpoint or "")
    cls = getattr(view, "view_class", None)
    return getattr(cls, request.method.lower(), None) if cls else view


def current_platform() -> Platform:
    return current_app.extensions["atlas"]


def request_ctx() -> RequestContext:
    ctx = g.get("atlas_ctx")
    if ctx is None:  # a public route: the system acts, no org
        ctx = RequestContext.system(correlation_id=g.get("correlation_id"), actor="public")
    return ctx


def _is_pro(path: str, public_prefixes: tuple[str, ...]) -> bool:
    return path.startswith("/api/") and not path.startswith(public_prefixes)


def create_app(platform: Platform, *, title: str, description: str, blueprints: Iterable[Blueprint],
               public_prefixes: Iterable[str] = ("/api/public/",),
               extra_config: dict[str, Any] | None = None,
               collectors: Iterable[Any] = ()) -> Flask:
    settings = platform.settings
    public_prefixes = tuple(public_prefixes)
    app = Flask(f"atlas_{settings.service}")
    app.config.update(
        API_TITLE=title, API_VERSION="v1", OPENAPI_VERSION="3.0.3", OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json", OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
        MAX_CONTENT_LENGTH=settings.max_body_bytes, JSON_SORT_KEYS=False,
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "components": {"securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "orgHeader": {"type": "apiKey", "in": "header", "name": "X-Org-Id"}}},
            "security": [{"bearerAuth": [], "orgHeader": []}],
        },
        **(extra_config or {}),
    )
    app.extensions["atlas"] = platform
    api = AtlasApi(app)
    for bp in blueprints:
        api.register_blueprint(bp)
    register_error_handlers(app)
    _install_hooks(app, platform, public_prefixes)
    install_operational_routes(app, platform, collectors)
    return app


def _install_hooks(app: Flask, platform: Platform, public_prefixes: tuple[str, ...]) -> None:
    service = platform.service

    @app.before_request
    def _begin() -> None:
        g.started = time.perf_counter()
        g.correlation_id = sane_correlation_id(request.headers.get(CORRELATION_HEADER))
        correlation_id_var.set(g.correlation_id)
        method = _view_method()
        if request.method in {"POST", "PUT", "PATCH"} and request.content_length:
            allowed = getattr(method, "atlas_accepts", JSON_TYPES)
            if request.mimetype not in allowed:
                raise UnsupportedMediaType(f"Send {' or '.join(sorted(allowed))}.",
                                           {"contentType": request.mimetype or None})
        if _is_pro(request.path, public_prefixes) and not getattr(method, "atlas_public", False):
            g.atlas_ctx = authenticate(request, platform.settings.security, platform.verifier)
            g.atlas_ctx.bind_logs()

    @app.after_request
    def _end(response: Response) -> Response:
        response.headers[CORRELATION_HEADER] = g.get("correlation_id", "")
        route = request.url_rule.rule if request.url_rule else "unmatched"
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        if route not in OPEN_PATHS:
            HTTP_REQUESTS.labels(service, request.method, route, str(response.status_code)).inc()
            HTTP_LATENCY.labels(service, request.method, route).observe(elapsed)
            log.info("request", extra={"method": request.method, "path": request.path,
                                       "status": response.status_code,
                                       "duration_ms": round(elapsed * 1000, 2)})
        return response
