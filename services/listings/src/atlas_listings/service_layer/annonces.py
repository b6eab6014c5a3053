"""Annonce use cases: one transaction each, audited, every change published through the outbox."""

from __future__ import annotations

from typing import Any

from atlas_listings.adapters.orm import Annonce
from atlas_listings.adapters.repositories import AnnonceRepository, MediaRepository
from atlas_listings.domain import annonce as rules
from atlas_listings.service_layer import publication
from atlas_listings.service_layer.access import READERS, WRITERS, check_owner, load_for_write
from atlas_listings.service_layer.scores import refresh_scores
from atlas_listings.service_layer.snapshots import record_change, snapshot, view
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import ValidationFailed
from atlas_shared.phones import InvalidPhone, to_e164
from atlas_shared.web.auth import require_role

# API field -> column, for the fields a client may set.
EDITABLE = {
    "transactionType": "transaction_type", "title": "title", "description": "description",
    "price": "price", "currency": "currency", "surfaceM2": "surface_m2", "rooms": "rooms",
    "bathrooms": "bathrooms", "amenities": "amenities", "city": "city", "zone": "zone",
    "addressText": "address_text", "lat": "lat", "lng": "lng", "contactName": "contact_name",
    "contactPhone": "contact_phone", "meta": "meta",
}


def _apply_fields(annonce: Annonce, data: dict[str, Any]) -> None:
    for key, column in EDITABLE.items():
        if key not in data:
            continue
        value = data[key]
        if key == "contactPhone":
            annonce.contact_phone_raw = value
            value = _phone(value)
        elif key == "amenities":
            value = rules.normalise_amenities(value or [])
        elif key == "currency":
            value = (value or rules.DEFAULT_CURRENCY).upper()
        elif key == "meta":
            value = value or {}
        setattr(annonce, column, value)
    if "title" in data:
        annonce.slug = rules.slugify(annonce.title)


def _phone(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return to_e164(raw)
    except InvalidPhone as exc:
        raise ValidationFailed(details={"contactPhone": [str(exc)]}) from None


def create_annonce(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    require_role(uow.ctx, WRITERS, action="create listings")
    with uow:
        annonce = Annonce(status=rules.DRAFT, created_by=uow.ctx.user_id, version=1,
                          currency=rules.DEFAULT_CURRENCY, amenities=[], meta={},
                          owner_user_id=uow.ctx.user_id if "OWNER" in uow.ctx.roles else None)
        _apply_fields(annonce, data)
        AnnonceRepository(uow.session).add(annonce)
        refresh_scores(uow.session, annonce)
        created = view(annonce, [])
        uow.audit("CREATE", "ANNONCE", annonce.id, after=created)
        uow.publish("listing.created", created, aggregate_type="listing", aggregate_id=annonce.id)
        uow.commit()
    return created


def update_annonce(uow: UnitOfWork, annonce_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    require_role(uow.ctx, WRITERS, action="change listings")
    with uow:
        annonce = load_for_write(uow, annonce_id)
        before = snapshot(uow.session, annonce)
        wanted = data.get("status")
        _apply_fields(annonce, {k: v for k, v in data.items() if k != "status"})
        refresh_scores(uow.session, annonce)
        if wanted and wanted != annonce.status:
            publication.change_status(uow, annonce, wanted, before)
        elif _edited(before, snapshot(uow.session, annonce)):
            record_change(uow, annonce, before, "UPDATE", "listing.updated")
        uow.commit()
        return snapshot(uow.session, annonce)


def archive_annonce(uow: UnitOfWork, annonce_id: Any) -> None:
    require_role(uow.ctx, WRITERS, action="archive listings")
    with uow:
        annonce = AnnonceRepository(uow.session).get(annonce_id, for_update=True)
        check_owner(uow.ctx, annonce)
        if annonce.status == rules.ARCHIVED:
            return  # DELETE is idempotent
        publication.change_status(uow, annonce, rules.ARCHIVED, snapshot(uow.session, annonce))
        uow.commit()


def _edited(before: dict[str, Any], after: dict[str, Any]) -> bool:
    ignored = {"version", "updatedAt"}
    return {k: v for k, v in before.items() if k not in ignored} != \
        {k: v for k, v in after.items() if k not in ignored}


def get_annonce(uow: UnitOfWork, annonce_id: Any) -> dict[str, Any]:
    require_role(uow.ctx, READERS, action="read listings")
    with uow:
        annonce = AnnonceRepository(uow.session).get(annonce_id)
        check_owner(uow.ctx, annonce)
        return snapshot(uow.session, annonce)


def publish_snapshots(uow: UnitOfWork) -> int:
    """Queue a ``listing.snapshot`` of every listing (inside an open, tenant-bypassing unit of work)
    so read models can rebuild or repair themselves."""
    count = 0
    for batch in AnnonceRepository(uow.session).all_for_snapshot():
        media = MediaRepository(uow.session).ready_of_listings([a.id for a in batch])
        for annonce in batch:
            uow.publish("listing.snapshot", view(annonce, media[annonce.id]), aggregate_type="listing",
                        aggregate_id=annonce.id, org_id=annonce.org_id)
            count += 1
    return count
