"""The listings the CRM knows, from ``listing.*`` events of atlas.listings: for search and reports.

Events arrive out of order and more than once: a snapshot older than the stored version changes
nothing (a ``listing.snapshot`` of the same version repairs the row).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from atlas_crm.adapters import search_index as index
from atlas_crm.adapters.orm import ListingProjection
from atlas_crm.domain.search_text import document, excerpt
from atlas_crm.service_layer import normalise
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event

LISTING_EVENTS = ("listing.created", "listing.updated", "listing.published", "listing.suspended",
                  "listing.archived", "listing.snapshot", "listing.media_changed",
                  "listing.moderation_changed")


def apply_listing_event(uow: UnitOfWork, event: Event) -> bool:
    snap = event.payload
    listing_id = uuid.UUID(str(snap["id"]))
    version = int(snap.get("version") or 0)
    row = uow.session.get(ListingProjection, listing_id, with_for_update=True)
    if row is not None and (version < row.version or (version == row.version
                                                      and event.type != "listing.snapshot")):
        return False
    if row is None:
        row = ListingProjection(id=listing_id, org_id=uuid.UUID(str(snap.get("orgId") or event.org_id)))
        uow.session.add(row)
    _copy(row, snap, version)
    uow.session.flush()
    index.upsert(uow.session.connection(), listing_doc(row, snap.get("description")))
    return True


def _copy(row: ListingProjection, snap: dict[str, Any], version: int) -> None:
    row.version, row.status = version, str(snap.get("status") or "")
    row.title = (snap.get("title") or "")[:200]
    row.transaction_type, row.currency = snap.get("transactionType"), snap.get("currency")
    row.price = Decimal(str(snap["price"])) if snap.get("price") is not None else None
    row.city, row.zone, row.slug = snap.get("city"), snap.get("zone"), snap.get("slug")
    row.owner_user_id = snap.get("ownerUserId")
    row.published_at = normalise.instant(snap["publishedAt"], "publishedAt", {}) \
        if snap.get("publishedAt") else None
    row.updated_at = utcnow()


def listing_doc(row: ListingProjection, description: str | None) -> index.Doc:
    price = f"{row.price:,.0f} {row.currency or ''}".strip() if row.price is not None else None
    return index.Doc(row.org_id, index.LISTING, str(row.id), None, label=row.title or "Listing",
                     snippet=" · ".join(p for p in (row.city, row.zone, price, row.status) if p),
                     title_words=document(row.title, row.city, row.zone),
                     body_words=document(excerpt(description, 5000)), occurred_at=row.updated_at)
