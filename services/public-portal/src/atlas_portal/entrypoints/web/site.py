"""The site's public base URL, for canonical links and the sitemap."""

from __future__ import annotations

from flask import request

from atlas_portal.adapters.abuse import _trusted
from atlas_shared.web.app import current_platform


def base_url() -> str:
    """``ATLAS_PUBLIC_SITE_URL`` when configured; otherwise the host the visitor used, as the
    gateway (a trusted proxy) reports it in X-Forwarded-Host/-Proto, else this server's own."""
    extras = current_platform().extras
    if extras.get("site_url"):
        return str(extras["site_url"])
    host = request.headers.get("X-Forwarded-Host")
    if host and _trusted(request.remote_addr or "", extras["abuse"].trusted_proxies):
        proto = request.headers.get("X-Forwarded-Proto", "http").split(",")[0].strip()
        return f"{proto}://{host.split(',')[0].strip()}"
    return request.host_url.rstrip("/")
