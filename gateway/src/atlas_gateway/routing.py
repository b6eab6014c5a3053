"""The route table: which service answers a path, and how the gateway guards it.

Plain data. A prefix matches the path itself and everything below it at a segment boundary
(``/api/v1/coop`` matches ``/api/v1/coop/groups`` but not ``/api/v1/cooperatives``); a prefix ending
in ``/`` matches everything that starts with it. The longest matching prefix wins. ``exact`` routes
match only their own path.
"""

from __future__ import annotations

from dataclasses import dataclass

PRO = "pro"  # bearer JWT + X-Org-Id the token entitles; the gateway signs the identity
WEBHOOK = "webhook"  # no JWT: the service checks the provider's signature; rate limited per IP
PUBLIC = "public"  # no authentication; rate limited per IP


@dataclass(frozen=True)
class Route:
    prefix: str
    service: str
    kind: str
    exact: bool = False


ROUTES: tuple[Route, ...] = (
    # Pro API: everything under /api/v1/ not claimed below belongs to the CRM.
    Route("/api/v1/", "crm", PRO),
    Route("/api/v1/annonces", "listings", PRO),
    Route("/api/v1/listings", "listings", PRO),
    Route("/api/v1/moderation", "listings", PRO),
    Route("/api/v1/listing-reports", "listings", PRO),
    Route("/api/v1/outbound", "outbound", PRO),
    Route("/api/v1/ops/outbound", "outbound", PRO),
    Route("/api/v1/admin/outbound", "outbound", PRO),
    Route("/api/v1/coop", "coop", PRO),
    # Provider webhooks.
    Route("/api/v1/webhooks/whatsapp", "crm", WEBHOOK),
    Route("/api/v1/webhooks/whatsapp/status", "outbound", WEBHOOK),
    Route("/api/v1/webhooks/sms", "outbound", WEBHOOK),
    # Public portal: API and web pages.
    Route("/api/public/v1", "portal", PUBLIC),
    Route("/", "portal", PUBLIC, exact=True),
    Route("/annonces", "portal", PUBLIC),
    Route("/annonce/", "portal", PUBLIC),
    Route("/sitemap.xml", "portal", PUBLIC, exact=True),
    Route("/robots.txt", "portal", PUBLIC, exact=True),
    Route("/legal", "portal", PUBLIC),
    Route("/static/", "portal", PUBLIC),
    Route("/media/", "portal", PUBLIC),
)


class RouteTable:
    """Longest-prefix lookup in a few dict probes (one or two per path segment)."""

    def __init__(self, routes: tuple[Route, ...] = ROUTES) -> None:
        self._exact = {r.prefix: r for r in routes if r.exact}
        self._prefix = {r.prefix: r for r in routes if not r.exact}
        self.routes = routes

    def match(self, path: str) -> Route | None:
        route = self._exact.get(path) or self._prefix.get(path)
        if route is not None:
            return route
        end = len(path)
        while (end := path.rfind("/", 0, end)) >= 0:
            # path[:end + 1] keeps the slash (prefixes like "/static/"), path[:end] drops it.
            route = self._prefix.get(path[:end + 1]) or self._prefix.get(path[:end])
            if route is not None:
                return route
        return None


def has_dot_segment(path: str) -> bool:
    """``.`` or ``..`` segments could make a service see another route than the gateway checked."""
    return "/." in path and any(part in (".", "..") for part in path.split("/"))
