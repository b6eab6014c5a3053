"""The public web pages: home, search results, legal, sitemap, robots, media (the listing page and
its forms are in ``listing_page``). Server-rendered HTML, no JavaScript."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, send_from_directory
from marshmallow import ValidationError

from atlas_portal.entrypoints.http.guard import protect
from atlas_portal.entrypoints.http.listings.schemas import SearchQuery
from atlas_portal.entrypoints.web import labels
from atlas_portal.entrypoints.web.site import base_url
from atlas_portal.service_layer import search
from atlas_shared.web.app import current_platform, request_ctx

pages = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
                  static_url_path="/static/portal")
pages.before_request(protect)
PAGE_SIZE = 12
FORM = "application/x-www-form-urlencoded"


def uow(read_only: bool = True):  # type: ignore[no-untyped-def]
    # The read model holds no tenant rows (public data): reads skip the tenant guard's statement walk.
    return current_platform().uow(request_ctx(), read_only=read_only, tenant_bypass=read_only)


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, **context), status


@pages.get("/")
def home():  # type: ignore[no-untyped-def]
    return page("home.html", latest=search.latest(uow()), canonical=f"{base_url()}/")


@pages.get("/annonces", defaults={"city": None, "tx": None})
@pages.get("/annonces/vente", defaults={"city": None, "tx": "vente"})
@pages.get("/annonces/location", defaults={"city": None, "tx": "location"})
@pages.get("/annonces/<city>", defaults={"tx": None})
@pages.get("/annonces/<city>/<any(vente, location):tx>")
def results(city: str | None, tx: str | None):  # type: ignore[no-untyped-def]
    raw = {k: v for k, v in request.args.items() if v.strip()}
    if city:
        raw["city"] = city
    if tx:
        raw["tx"] = labels.TX_SLUGS[tx]
    errors: list[str] = []
    try:
        filters = SearchQuery().load({**raw, "size": PAGE_SIZE})
    except ValidationError as exc:
        errors = sorted(exc.messages)
        valid = {k: v for k, v in raw.items() if k not in exc.messages}
        filters = SearchQuery().load({**valid, "size": PAGE_SIZE})
    extras = current_platform().extras
    found = search.search_listings(uow(), filters, extras.get("search_totals"),
                                   extras.get("exact_total_up_to"))
    pages_count = max(1, math.ceil(found.total / PAGE_SIZE))
    extra = {k: v for k, v in raw.items() if k not in ("city", "tx", "page")}

    def link(**changes: Any) -> str:
        params = {**extra, **{k: str(v) for k, v in changes.items()}}
        params = {k: v for k, v in params.items() if not (k == "page" and v == "1")}
        return request.path + ("?" + urlencode(params) if params else "")

    canonical = base_url() + request.path + (f"?page={found.page}" if found.page > 1 else "")
    return page("search.html", 400 if errors else 200, page=found, pages=pages_count, query=raw,
                errors=errors, sort=filters.get("sort", "recent"), link=link, canonical=canonical,
                heading=_heading(raw.get("tx"), city, found.items), noindex=bool(extra) or bool(errors))


def _heading(tx: str | None, city: str | None, items: Any) -> str:
    what = {"SALE": "Biens à vendre", "RENT": "Biens à louer"}.get(tx or "", "Annonces immobilières")
    if not city:
        return what
    name = next((i["city"] for i in items if i.get("city")), city.replace("-", " ").title())
    return f"{what} à {name}"


@pages.get("/legal")
def legal():  # type: ignore[no-untyped-def]
    return page("legal.html", canonical=f"{base_url()}/legal")


@pages.get("/sitemap.xml")
def sitemap():  # type: ignore[no-untyped-def]
    body = render_template("sitemap.xml", base=base_url(), entries=search.sitemap_entries(uow()))
    return Response(body, content_type="application/xml; charset=utf-8")


@pages.get("/robots.txt")
def robots():  # type: ignore[no-untyped-def]
    body = f"User-agent: *\nAllow: /\nDisallow: /api/\nSitemap: {base_url()}/sitemap.xml\n"
    return Response(body, content_type="text/plain; charset=utf-8")


@pages.get("/media/<path:key>")
def media(key: str):  # type: ignore[no-untyped-def]
    """Photos of the local store: immutable (a new photo gets a new key)."""
    response = send_from_directory(current_platform().extras["media_dir"], key, max_age=31_536_000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
