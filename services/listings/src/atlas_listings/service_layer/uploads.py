"""The first half of adding a photo: reserve it (``init``) and receive its bytes on the signed
upload URL — checked (size, real type, whole image), hashed and stored; ``media.finalize`` then adds it
to the listing."""

from __future__ import annotations

import hashlib
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select

from atlas_listings.adapters import images
from atlas_listings.adapters.orm import ListingMedia
from atlas_listings.adapters.repositories import MediaRepository
from atlas_listings.adapters.storage import MediaSettings
from atlas_listings.domain import media as rules
from atlas_listings.domain import upload_token
from atlas_listings.service_layer.access import WRITERS, load_for_write
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Conflict, PayloadTooLarge, Unauthorized, ValidationFailed
from atlas_shared.web.auth import require_role


def init_upload(uow: UnitOfWork, listing_id: Any, data: dict[str, Any], settings: MediaSettings,
                secret: str) -> dict[str, Any]:
    """Reserve a photo and hand out where to send its bytes (a signed, short-lived Atlas URL)."""
    require_role(uow.ctx, WRITERS, action="add photos")
    if data["size"] > settings.max_bytes:
        raise PayloadTooLarge(f"Photos are limited to {settings.max_bytes} bytes.",
                              {"size": [f"At most {settings.max_bytes} bytes."]})
    with uow:
        listing = load_for_write(uow, listing_id)
        # Reservations whose upload link expired unused hold no file: they make room again.
        uow.session.execute(delete(ListingMedia).where(
            ListingMedia.listing_id == listing.id, ListingMedia.status == rules.PENDING,
            ListingMedia.created_at < utcnow() - timedelta(seconds=settings.upload_ttl)))
        count = uow.session.scalar(select(func.count()).select_from(ListingMedia)
                                   .where(ListingMedia.listing_id == listing.id)) or 0
        if count >= rules.MAX_PHOTOS:
            raise Conflict(f"A listing holds at most {rules.MAX_PHOTOS} photos.", code="MEDIA_LIMIT_REACHED")
        media_id = uuid.uuid4()
        key = rules.storage_key(str(listing.org_id), str(listing.id), str(media_id), data["contentType"])
        MediaRepository(uow.session).add(ListingMedia(
            id=media_id, listing_id=listing.id, status=rules.PENDING, storage_key=key,
            file_name=rules.clean_file_name(data["fileName"]), content_type=data["contentType"],
            declared_size=data["size"], created_by=uow.ctx.user_id, sort_order=0, is_primary=False))
        expires = int(time.time()) + settings.upload_ttl
        token = upload_token.issue(upload_token.UploadClaims(
            org_id=str(listing.org_id), listing_id=str(listing.id), media_id=str(media_id),
            user_id=uow.ctx.user_id, expires_at=expires), secret)
        uow.commit()
    return {"mediaId": str(media_id), "method": "PUT",
            "uploadUrl": f"/api/v1/listings/{listing.id}/media/{media_id}/content?token={token}",
            "headers": {"Content-Type": data["contentType"]},
            "expiresAt": datetime.fromtimestamp(expires, UTC).isoformat()}


def verify_upload(token: str | None, listing_id: Any, media_id: Any,
                  secret: str) -> upload_token.UploadClaims:
    try:
        claims = upload_token.verify(token or "", secret, time.time())
    except upload_token.BadUploadToken as exc:
        raise Unauthorized(str(exc), code="UPLOAD_TOKEN_INVALID") from None
    if (claims.listing_id, claims.media_id) != (str(listing_id), str(media_id)):
        raise Unauthorized("This upload link is for another photo.", code="UPLOAD_TOKEN_INVALID")
    return claims


def _check_bytes(m: ListingMedia, body: bytes, content_type: str | None, max_bytes: int) -> None:
    if len(body) > max_bytes:
        raise PayloadTooLarge(f"Photos are limited to {max_bytes} bytes.",
                              {"size": [f"At most {max_bytes} bytes."]})
    real = rules.sniff(body)
    problems: dict[str, list[str]] = {}
    if real is None:
        problems["file"] = ["Not a JPEG, PNG or WebP image."]
    elif real != m.content_type:
        problems["contentType"] = [f"Declared {m.content_type} but the file is {real}."]
    if content_type and content_type not in (m.content_type, "application/octet-stream"):
        problems.setdefault("contentType", []).append(f"Send it as {m.content_type}.")
    if len(body) != m.declared_size:
        problems["size"] = [f"Expected {m.declared_size} bytes, received {len(body)}."]
    if problems:
        raise ValidationFailed("The uploaded file does not match what was announced.", problems)


def receive_upload(uow: UnitOfWork, claims: upload_token.UploadClaims, body: bytes,
                   content_type: str | None, settings: MediaSettings) -> dict[str, Any]:
    """The bytes of a reserved photo: checked (size, real type, whole image), hashed, stored."""
    with uow:
        m = MediaRepository(uow.session).get(claims.media_id, for_update=True)
        if m.status != rules.PENDING:
            raise Conflict("This photo was already uploaded.", code="MEDIA_ALREADY_UPLOADED")
        _check_bytes(m, body, content_type, settings.max_bytes)
        sha = hashlib.sha256(body).hexdigest()
        if MediaRepository(uow.session).in_listing_with_hash(m.listing_id, sha) is not None:
            raise Conflict("This image is already among the listing's photos.", {"sha256": sha},
                           code="MEDIA_DUPLICATE")
        try:
            decoded = images.decode(body)
        except images.NotAnImage as exc:
            raise ValidationFailed(str(exc), {"file": [str(exc)]}) from None
        m.thumbnail_key = rules.thumbnail_key(claims.org_id, claims.listing_id, claims.media_id)
        storage = settings.storage
        storage.put(m.storage_key, body, m.content_type)
        storage.put(m.thumbnail_key, decoded.thumbnail, rules.JPEG)
        m.sha256, m.byte_size, m.width, m.height = sha, len(body), decoded.width, decoded.height
        m.url, m.thumbnail_url = storage.public_url(m.storage_key), storage.public_url(m.thumbnail_key)
        m.status = rules.UPLOADED
        try:
            uow.commit()
        except Exception:
            storage.delete(m.storage_key)
            storage.delete(m.thumbnail_key)
            raise
        return {"mediaId": str(m.id), "status": m.status, "sha256": sha, "size": len(body)}
