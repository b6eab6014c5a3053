"""A listing's photos once uploaded: finalize (join the listing), reorder, primary, delete. Every
change is audited and announced with the listing's new snapshot (``listing.media_changed``)."""

from __future__ import annotations

from typing import Any

from atlas_listings.adapters.orm import ListingMedia
from atlas_listings.adapters.repositories import MediaRepository
from atlas_listings.adapters.storage import MediaSettings
from atlas_listings.domain import media as rules
from atlas_listings.service_layer.access import WRITERS, load_for_write
from atlas_listings.service_layer.scores import refresh_scores
from atlas_listings.service_layer.snapshots import media_view, record_change, snapshot
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Conflict, ValidationFailed
from atlas_shared.web.auth import require_role


def finalize(uow: UnitOfWork, listing_id: Any, media_id: Any) -> dict[str, Any]:
    require_role(uow.ctx, WRITERS, action="add photos")
    with uow:
        listing = load_for_write(uow, listing_id)
        m = _media_of(uow, listing.id, media_id)
        if m.status == rules.READY:
            return media_view(m)  # finalize is idempotent
        if m.status != rules.UPLOADED:
            raise Conflict("Upload the file to its uploadUrl before finalizing.", code="MEDIA_NOT_UPLOADED")
        before = snapshot(uow.session, listing)
        ready = MediaRepository(uow.session).of_listing(listing.id)
        m.status, m.finalized_at = rules.READY, utcnow()
        m.sort_order = max((r.sort_order for r in ready), default=-1) + 1
        m.is_primary = not any(r.is_primary for r in ready)
        _changed(uow, listing, before, "MEDIA_ADDED", m)
        uow.commit()
        return media_view(m)


def _media_of(uow: UnitOfWork, listing_id: Any, media_id: Any) -> ListingMedia:
    m = MediaRepository(uow.session).get(media_id, for_update=True)
    if m.listing_id != listing_id:
        raise MediaRepository.not_found(f"Media {media_id} not found.", code="MEDIA_NOT_FOUND")
    return m


def _changed(uow: UnitOfWork, listing: Any, before: dict[str, Any], action: str, m: ListingMedia) -> None:
    uow.session.flush()
    refresh_scores(uow.session, listing)
    record_change(uow, listing, before, action, "listing.media_changed",
                  {"mediaId": str(m.id), "fileName": m.file_name})


def reorder(uow: UnitOfWork, listing_id: Any, media_ids: list[str]) -> list[dict[str, Any]]:
    require_role(uow.ctx, WRITERS, action="reorder photos")
    with uow:
        listing = load_for_write(uow, listing_id)
        ready = MediaRepository(uow.session).of_listing(listing.id)
        if sorted(media_ids) != sorted(str(m.id) for m in ready) or len(set(media_ids)) != len(media_ids):
            raise ValidationFailed("Give every photo of the listing exactly once.",
                                   {"mediaIds": [f"Expected the {len(ready)} photo ids of this listing."]})
        before = snapshot(uow.session, listing)
        by_id = {str(m.id): m for m in ready}
        for position, media_id in enumerate(media_ids):
            by_id[media_id].sort_order = position
        if ready:
            _changed(uow, listing, before, "MEDIA_REORDERED", by_id[media_ids[0]])
            uow.commit()
        return [media_view(by_id[i]) for i in media_ids]


def set_primary(uow: UnitOfWork, listing_id: Any, media_id: Any) -> dict[str, Any]:
    require_role(uow.ctx, WRITERS, action="choose the primary photo")
    with uow:
        listing = load_for_write(uow, listing_id)
        chosen = _media_of(uow, listing.id, media_id)
        if chosen.status != rules.READY:
            raise Conflict("Finalize the photo before making it primary.", code="MEDIA_NOT_READY")
        if not chosen.is_primary:
            before = snapshot(uow.session, listing)
            for m in MediaRepository(uow.session).of_listing(listing.id):
                m.is_primary = m.id == chosen.id
            _changed(uow, listing, before, "MEDIA_PRIMARY_SET", chosen)
            uow.commit()
        return media_view(chosen)


def delete_media(uow: UnitOfWork, listing_id: Any, media_id: Any, settings: MediaSettings) -> None:
    require_role(uow.ctx, WRITERS, action="delete photos")
    with uow:
        listing = load_for_write(uow, listing_id)
        m = _media_of(uow, listing.id, media_id)
        before = snapshot(uow.session, listing)
        keys = [k for k in (m.storage_key, m.thumbnail_key) if k]
        uow.session.delete(m)
        uow.session.flush()
        rest = MediaRepository(uow.session).of_listing(listing.id)
        if m.is_primary and rest:
            rest[0].is_primary = True
        if m.status == rules.READY:
            _changed(uow, listing, before, "MEDIA_DELETED", m)
        uow.on_commit(lambda: [settings.storage.delete(k) for k in keys])
        uow.commit()
