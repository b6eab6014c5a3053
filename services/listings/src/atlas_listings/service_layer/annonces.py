"""Annonce use cases: one transaction each, audited, every change published through the outbox."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from atlas_shared.context import RequestContext
from atlas_shared.db.repository import Page
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import TransitionNotAllowed, ValidationFailed
from atlas_shared.phones import InvalidPhone, to_e164
from atlas_shared.web.auth import require_role

from atlas_listings.adapters.orm import Annonce
from atlas_listings.adapters.repositories import AnnonceRepository
from atlas_listings.domain import annonce as rules

WRITERS = ("ADMIN_ORG", "MANAGER", "AGENT")
READERS = (*WRITERS, "MODERATOR", "OWNER")

# API field -> column, for the fields a client may set.
EDITABLE = {
    "transactionType": "transaction_type", "title": "title", "description": "description",
    "price": "price", "currency": "currency", "surfaceM2": "surface_m2", "rooms": "rooms",
    "bathrooms": "bathrooms", "amenities": "amenities", "city": "city", "zone": "zone",
    "addressText": "address_text", "lat": "lat", "lng": "lng", "contactName": "contact_name",
    "contactPhone": "contact_phone", "meta": "meta",
}


def view(a: Annonce) -> dict[str, Any]:
    """The listing as clients and other services see it (API body and event payload)."""
    return {
        "id": str(a.id), "orgId": str(a.org_id), "status": a.status,
        "transactionType": a.transaction_type, "title": a.title, "description": a.description,
        "price": _num(a.price), "currency": a.currency, "surfaceM2": _num(a.surface_m2),
        "rooms": a.rooms, "bathrooms": a.bathrooms, "amenities": list(a.amenities or []),
        "city": a.city, "zone": a.zone, "addressText": a.address_text, "lat": _num(a.lat),
        "lng": _num(a.lng), "contactName": a.contact_name, "contactPhone": a.contact_phone,
        "meta": a.meta or {}, "slug": a.slug, "qualityScore": a.quality_score,
        "duplicateScore": a.duplicate_score, "version": a.version, "publishedAt": _ts(a.published_at),
        "createdAt": _ts(a.created_at), "updatedAt": _ts(a.updated_at),
    }


def _num(value: Any) -> float | None:
    return float(value) if value is not None else None


def _ts(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


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


def _facts(a: Annonce) -> rules.ListingFacts:
    return rules.ListingFacts(title=a.title, description=a.description,
                              transaction_type=a.transaction_type,
                              price=Decimal(a.price) if a.price is not None else None,
                              surface_m2=Decimal(a.surface_m2) if a.surface_m2 is not None else None,
                              city=a.city)


def create_annonce(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    require_role(uow.ctx, WRITERS, action="create listings")
    with uow:
        annonce = Annonce(status=rules.DRAFT, created_by=uow.ctx.user_id, version=1,
                          currency=rules.DEFAULT_CURRENCY, amenities=[], meta={},
                          owner_user_id=uow.ctx.user_id if "OWNER" in uow.ctx.roles else None)
        _apply_fields(annonce, data)
        AnnonceRepository(uow.session).add(annonce)
        snapshot = view(annonce)
        uow.audit("CREATE", "ANNONCE", annonce.id, after=snapshot)
        uow.publish("listing.created", snapshot, aggregate_type="listing", aggregate_id=annonce.id)
        uow.commit()
    return snapshot


def update_annonce(uow: UnitOfWork, annonce_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    require_role(uow.ctx, WRITERS, action="change listings")
    with uow:
        annonce = _load_for_write(uow, annonce_id)
        before = view(annonce)
        wanted = data.get("status")
        if annonce.status == rules.ARCHIVED:
            raise TransitionNotAllowed("An archived listing can no longer be changed.",
                                       {"status": annonce.status})
        _apply_fields(annonce, data)
        if wanted and wanted != annonce.status:
            _change_status(uow, annonce, wanted, before)
        else:
            _touch(annonce)
            after = view(annonce)
            if after != before:
                uow.audit("UPDATE", "ANNONCE", annonce.id, before=before, after=after)
                uow.publish("listing.updated", after, aggregate_type="listing", aggregate_id=annonce.id)
        uow.commit()
        return view(annonce)


def archive_annonce(uow: UnitOfWork, annonce_id: Any) -> None:
    require_role(uow.ctx, WRITERS, action="archive listings")
    with uow:
        annonce = _load_for_write(uow, annonce_id)
        if annonce.status == rules.ARCHIVED:
            return  # DELETE is idempotent
        _change_status(uow, annonce, rules.ARCHIVED, view(annonce))
        uow.commit()


def _load_for_write(uow: UnitOfWork, annonce_id: Any) -> Annonce:
    annonce = AnnonceRepository(uow.session).get(annonce_id, for_update=True)
    _check_owner(uow.ctx, annonce)
    return annonce


def _check_owner(ctx: RequestContext, annonce: Annonce) -> None:
    """An OWNER works only on their own listings; others' are as good as absent (404)."""
    if ctx.roles == frozenset({"OWNER"}) and annonce.owner_user_id != ctx.user_id:
        raise AnnonceRepository.not_found(f"Listing {annonce.id} not found.", code="LISTING_NOT_FOUND")


def _touch(annonce: Annonce) -> None:
    annonce.version += 1
    annonce.updated_at = utcnow()


def _change_status(uow: UnitOfWork, annonce: Annonce, wanted: str, before: dict[str, Any]) -> None:
    try:
        rules.check_transition(annonce.status, wanted)
        if wanted == rules.PUBLISHED:
            rules.ensure_publishable(_facts(annonce))
    except rules.TransitionRefused as exc:
        raise TransitionNotAllowed(str(exc), {"from": exc.current, "to": exc.wanted}) from None
    except rules.PublicationBlocked as exc:
        raise ValidationFailed("The listing cannot be published yet.", exc.reasons) from None
    annonce.status = wanted
    if wanted == rules.PUBLISHED and annonce.published_at is None:
        annonce.published_at = utcnow()
    _touch(annonce)
    after = view(annonce)
    action, event_type = rules.STATUS_ACTIONS[wanted]
    uow.audit(action, "ANNONCE", annonce.id, before=before, after=after)
    uow.publish(event_type, after, aggregate_type="listing", aggregate_id=annonce.id)


def get_annonce(uow: UnitOfWork, annonce_id: Any) -> dict[str, Any]:
    require_role(uow.ctx, READERS, action="read listings")
    with uow:
        annonce = AnnonceRepository(uow.session).get(annonce_id)
        _check_owner(uow.ctx, annonce)
        return view(annonce)


def list_annonces(uow: UnitOfWork, filters: dict[str, Any]) -> Page[dict[str, Any]]:
    require_role(uow.ctx, READERS, action="read listings")
    owner = uow.ctx.user_id if uow.ctx.roles == frozenset({"OWNER"}) else None
    with uow:
        page = AnnonceRepository(uow.session).search(filters, filters.get("page", 1),
                                                     filters.get("size", 20), filters.get("sort"),
                                                     owner_user_id=owner)
        return page.map(view)


def publish_snapshots(uow: UnitOfWork) -> int:
    """Queue a ``listing.snapshot`` of every listing (inside an open, tenant-bypassing unit of work)
    so read models can rebuild or repair themselves."""
    count = 0
    for annonce in AnnonceRepository(uow.session).all_for_snapshot():
        uow.publish("listing.snapshot", view(annonce), aggregate_type="listing",
                    aggregate_id=annonce.id, org_id=annonce.org_id)
        count += 1
    return count
