"""The listing as clients and other services see it, and how a change is recorded and announced."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from atlas_listings.adapters.orm import Annonce, ListingMedia
from atlas_listings.adapters.repositories import MediaRepository
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork


def _num(value: Any) -> float | None:
    return float(value) if value is not None else None


def _ts(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def media_view(m: ListingMedia) -> dict[str, Any]:
    return {"id": str(m.id), "url": m.url, "thumbnailUrl": m.thumbnail_url or m.url,
            "contentType": m.content_type, "size": m.byte_size, "sha256": m.sha256,
            "width": m.width, "height": m.height, "fileName": m.file_name,
            "sortOrder": m.sort_order, "primary": m.is_primary}


def view(a: Annonce, media: list[ListingMedia]) -> dict[str, Any]:
    """API body and event payload (``listing.*``): the listing with its ready photos, primary first."""
    return {
        "id": str(a.id), "orgId": str(a.org_id), "status": a.status,
        "transactionType": a.transaction_type, "title": a.title, "description": a.description,
        "price": _num(a.price), "currency": a.currency, "surfaceM2": _num(a.surface_m2),
        "rooms": a.rooms, "bathrooms": a.bathrooms, "amenities": list(a.amenities or []),
        "city": a.city, "zone": a.zone, "addressText": a.address_text, "lat": _num(a.lat),
        "lng": _num(a.lng), "contactName": a.contact_name, "contactPhone": a.contact_phone,
        "ownerUserId": a.owner_user_id, "meta": a.meta or {}, "slug": a.slug, "qualityScore": a.quality_score,
        "duplicateScore": a.duplicate_score, "suspensionReason": a.suspension_reason,
        "media": [media_view(m) for m in sorted(media, key=lambda m: (not m.is_primary, m.sort_order))],
        "version": a.version, "publishedAt": _ts(a.published_at),
        "createdAt": _ts(a.created_at), "updatedAt": _ts(a.updated_at),
    }


def snapshot(session: Session, a: Annonce) -> dict[str, Any]:
    return view(a, MediaRepository(session).of_listing(a.id))


def touch(annonce: Annonce) -> None:
    annonce.version += 1
    annonce.updated_at = utcnow()


def record_change(uow: UnitOfWork, annonce: Annonce, before: dict[str, Any], action: str,
                  event_type: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Bump the version, audit the before/after and announce the new snapshot (same transaction)."""
    touch(annonce)
    uow.session.flush()
    after = snapshot(uow.session, annonce)
    uow.audit(action, "ANNONCE", annonce.id, before=before, after=after, extra=extra)
    uow.publish(event_type, after, aggregate_type="listing", aggregate_id=annonce.id)
    return after
