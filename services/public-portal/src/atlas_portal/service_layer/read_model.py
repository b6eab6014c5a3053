"""Keeping the public read model in step with listing events, and rebuilding it on demand."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete

from atlas_portal.adapters.orm import ListingSlug, PublicListing
from atlas_portal.domain import public_listing as rules
from atlas_portal.domain.text import place_key, searchable
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event

LISTING_EVENTS = ("listing.created", "listing.updated", "listing.published", "listing.suspended",
                  "listing.archived", "listing.snapshot", "listing.media_changed",
                  "listing.moderation_changed")


# What the public sees of a photo (not the uploader's file name, size or hash).
PUBLIC_MEDIA_FIELDS = ("id", "url", "thumbnailUrl", "width", "height", "primary", "sortOrder")


def apply_listing_event(uow: UnitOfWork, event: Event) -> bool:
    """Upsert the listing from its snapshot unless we already hold a newer version."""
    snap = event.payload
    listing_id = uuid.UUID(snap["id"])
    row = uow.session.get(PublicListing, listing_id, with_for_update=True)
    version = int(snap.get("version") or 0)
    if not rules.is_newer(version, row.version if row else None,
                          snapshot=event.type == "listing.snapshot"):
        return False
    if row is None:
        row = PublicListing(listing_id=listing_id)
        uow.session.add(row)
    _copy(row, snap, version)
    if uow.session.get(ListingSlug, (listing_id, row.slug)) is None:
        uow.session.add(ListingSlug(listing_id=listing_id, slug=row.slug))
    return True


def _copy(row: PublicListing, snap: dict[str, Any], version: int) -> None:
    media = sorted(({k: m.get(k) for k in PUBLIC_MEDIA_FIELDS} for m in snap.get("media") or []),
                   key=lambda m: (not m.get("primary"), m.get("sortOrder") or 0))
    row.org_id = uuid.UUID(snap["orgId"])
    row.version = version
    row.status = snap["status"]
    row.visible = rules.is_visible(snap)
    row.slug = snap.get("slug") or "annonce"
    row.tx = rules.public_tx(snap.get("transactionType"))
    row.title = snap.get("title") or ""
    row.description = snap.get("description")
    row.price = _dec(snap.get("price"))
    row.currency = snap.get("currency") or "MAD"
    row.surface_m2 = _dec(snap.get("surfaceM2"))
    row.rooms, row.bathrooms = snap.get("rooms"), snap.get("bathrooms")
    row.amenities = list(snap.get("amenities") or [])
    row.city, row.city_key = snap.get("city"), place_key(snap.get("city"))
    row.zone, row.zone_key = snap.get("zone"), place_key(snap.get("zone"))
    row.search_text = searchable(row.title, row.description, row.city, row.zone)
    row.whatsapp_phone = snap.get("contactPhone")
    row.lat, row.lng = _dec(snap.get("lat")), _dec(snap.get("lng"))
    row.media = media
    row.thumbnail_url = (media[0].get("thumbnailUrl") or media[0].get("url")) if media else None
    row.published_at = datetime.fromisoformat(snap["publishedAt"]) if snap.get("publishedAt") else None
    row.updated_at = utcnow()


def _dec(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None


def request_rebuild(uow: UnitOfWork, from_scratch: bool) -> None:
    """Ask the listings service for a snapshot of every listing; optionally start from empty."""
    with uow:
        if from_scratch:
            uow.session.execute(delete(PublicListing))
            uow.session.execute(delete(ListingSlug))
        uow.publish("portal.read_model_rebuild_requested", {"fromScratch": from_scratch},
                    aggregate_type="read_model", aggregate_id="public_listings")
        uow.commit()
