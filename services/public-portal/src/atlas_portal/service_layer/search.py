"""Public search and detail: only what is published, from the portal's own read model."""

from __future__ import annotations

from typing import Any

from atlas_portal.adapters.repositories import PublicListingRepository
from atlas_portal.adapters.search_totals import SearchTotals
from atlas_shared.db.repository import Page
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import NotFound


def _num(value: Any) -> float | None:
    return float(value) if value is not None else None


def summary(row: Any) -> dict[str, Any]:
    """A result card, from a read-model row (entity or summary row: same attribute names)."""
    return {"listingId": str(row.listing_id), "slug": row.slug, "tx": row.tx, "title": row.title,
            "price": _num(row.price), "currency": row.currency, "city": row.city, "zone": row.zone,
            "surfaceM2": _num(row.surface_m2), "rooms": row.rooms, "thumbnailUrl": row.thumbnail_url,
            "url": canonical_path(row)}


def detail(row: Any) -> dict[str, Any]:
    return {**summary(row), "description": row.description, "bathrooms": row.bathrooms,
            "geo": {"lat": _num(row.lat), "lng": _num(row.lng)} if row.lat is not None else None,
            "amenities": list(row.amenities or []), "media": list(row.media or []),
            "publishedAt": row.published_at.isoformat() if row.published_at else None}


def canonical_path(row: Any) -> str:
    return f"/annonce/{row.slug}-{row.listing_id}"


def search_listings(uow: UnitOfWork, filters: dict[str, Any], totals: SearchTotals | None = None,
                    exact_up_to: int | None = None) -> Page[dict[str, Any]]:
    with uow:
        return PublicListingRepository(uow.session).search(filters, totals, exact_up_to).map(summary)


def get_listing(uow: UnitOfWork, listing_id: Any) -> dict[str, Any]:
    with uow:
        row = PublicListingRepository(uow.session).visible_row(listing_id)
        if row is None:
            raise NotFound(f"Listing {listing_id} not found.", code="LISTING_NOT_FOUND")
        return detail(row)


def resolve_page(uow: UnitOfWork, slug: str, listing_id: Any) -> tuple[dict[str, Any], str | None]:
    """The listing behind ``/annonce/{slug}-{id}`` and, when the slug is an old one, the canonical
    path to redirect to (301). An unknown slug is a 404, as is a listing that is not public."""
    with uow:
        repo = PublicListingRepository(uow.session)
        row = repo.visible_row(listing_id)
        if row is None or (slug != row.slug and not repo.had_slug(row.listing_id, slug)):
            raise NotFound("This listing is not (or no longer) online.", code="LISTING_NOT_FOUND")
        found = {**detail(row), "whatsappPhone": row.whatsapp_phone,
                 "updatedAt": row.updated_at}
        return found, (canonical_path(row) if slug != row.slug else None)


def latest(uow: UnitOfWork, limit: int = 6) -> list[dict[str, Any]]:
    with uow:
        return [summary(r) for r in PublicListingRepository(uow.session).recent(limit)]


def sitemap_entries(uow: UnitOfWork) -> list[dict[str, Any]]:
    with uow:
        return [{"path": f"/annonce/{slug}-{listing_id}", "updatedAt": updated}
                for listing_id, slug, updated in PublicListingRepository(uow.session).sitemap()]
