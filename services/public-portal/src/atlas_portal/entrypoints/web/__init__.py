"""Public web pages of the portal, their HTTP caching and their HTML error pages."""

from __future__ import annotations

from flask import Flask, Response, request

from atlas_portal.entrypoints.web import (
    labels,
    listing_page,  # noqa: F401 - registers its routes on `pages`
)
from atlas_portal.entrypoints.web.labels import FILTERS
from atlas_portal.entrypoints.web.routes import pages

PAGE_CACHE = "public, max-age=60"
NOT_PUBLIC = ("/api/", "/healthz", "/readyz", "/metrics", "/openapi.json", "/docs")


def install_pages(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals["labels"] = labels
    app.register_blueprint(pages)

    @app.after_request
    def _caching(response: Response) -> Response:
        """Public GETs are cacheable and revalidated cheaply (ETag → 304); form answers never."""
        if request.method not in ("GET", "HEAD") or not _public(request.path):
            if request.method == "POST":
                response.headers["Cache-Control"] = "no-store"
            return response
        if response.status_code == 200 and not response.direct_passthrough:
            response.headers.setdefault("Cache-Control", PAGE_CACHE)
            response.add_etag()
            response.make_conditional(request)
        return response


def _public(path: str) -> bool:
    return path.startswith("/api/public/") or not path.startswith(NOT_PUBLIC)
