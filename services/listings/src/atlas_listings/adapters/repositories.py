"""Listings persistence. Tenant scoping comes from the session (atlas_shared.db.tenancy)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from atlas_listings.adapters.orm import (
    Annonce,
    ListingEventCounter,
    ListingMedia,
    ListingReport,
    ListingSettings,
)
from atlas_listings.domain import media as media_rules
from atlas_listings.domain.annonce import PUBLISHED, SUSPENDED
from atlas_shared.db.repository import Page, Repository, apply_sort

SORTABLE = {"createdAt": Annonce.created_at, "updatedAt": Annonce.updated_at, "price": Annonce.price,
            "publishedAt": Annonce.published_at, "title": Annonce.title, "surfaceM2": Annonce.surface_m2}


class AnnonceRepository(Repository[Annonce]):
    model = Annonce
    label = "Listing"
    not_found_code = "LISTING_NOT_FOUND"

    def search(self, filters: dict[str, Any], page: int, size: int, sort: str | None,
               owner_user_id: str | None = None) -> Page[Annonce]:
        stmt: Select[Any] = self.select()
        equal = {"status": Annonce.status, "city": Annonce.city, "zone": Annonce.zone,
                 "transactionType": Annonce.transaction_type}
        for key, column in equal.items():
            if filters.get(key):
                stmt = stmt.where(column == filters[key])
        if filters.get("priceMin") is not None:
            stmt = stmt.where(Annonce.price >= filters["priceMin"])
        if filters.get("priceMax") is not None:
            stmt = stmt.where(Annonce.price <= filters["priceMax"])
        if filters.get("q"):
            like = f"%{filters['q'].strip()}%"
            stmt = stmt.where(or_(Annonce.title.ilike(like), Annonce.description.ilike(like),
                                  Annonce.city.ilike(like), Annonce.zone.ilike(like)))
        if owner_user_id is not None:
            stmt = stmt.where(Annonce.owner_user_id == owner_user_id)
        stmt = apply_sort(stmt, sort, SORTABLE, "-createdAt", tiebreak=Annonce.id)
        return self.page(stmt, page, size)

    def many(self, ids: list[Any]) -> list[Annonce]:
        return list(self.session.scalars(self.select().where(Annonce.id.in_(ids)))) if ids else []

    def all_for_snapshot(self, batch: int = 500) -> Any:
        """Every listing, in batches (lists) of ``batch``, oldest first."""
        stmt = self.select().order_by(Annonce.created_at, Annonce.id)
        return self.session.scalars(stmt).yield_per(batch).partitions()


class MediaRepository(Repository[ListingMedia]):
    model = ListingMedia
    label = "Media"
    not_found_code = "MEDIA_NOT_FOUND"

    def of_listing(self, listing_id: Any, ready_only: bool = True) -> list[ListingMedia]:
        stmt = self.select().where(ListingMedia.listing_id == listing_id)
        if ready_only:
            stmt = stmt.where(ListingMedia.status == media_rules.READY)
        return list(self.session.scalars(stmt.order_by(ListingMedia.sort_order, ListingMedia.created_at)))

    def ready_of_listings(self, listing_ids: list[Any]) -> dict[Any, list[ListingMedia]]:
        found: dict[Any, list[ListingMedia]] = {i: [] for i in listing_ids}
        stmt = (self.select().where(ListingMedia.listing_id.in_(listing_ids),
                                    ListingMedia.status == media_rules.READY)
                .order_by(ListingMedia.sort_order, ListingMedia.created_at))
        for media in self.session.scalars(stmt):
            found[media.listing_id].append(media)
        return found

    def in_listing_with_hash(self, listing_id: Any, sha256: str) -> ListingMedia | None:
        return self.session.scalar(self.select().where(ListingMedia.listing_id == listing_id,
                                                       ListingMedia.sha256 == sha256))


class ReportRepository(Repository[ListingReport]):
    model = ListingReport
    label = "Report"
    not_found_code = "REPORT_NOT_FOUND"

    def of_listing(self, listing_id: Any, page: int, size: int) -> Page[ListingReport]:
        stmt = (self.select().where(ListingReport.listing_id == listing_id)
                .order_by(ListingReport.submitted_at.desc(), ListingReport.id))
        return self.page(stmt, page, size)

    def counts(self, listing_ids: list[Any]) -> dict[Any, dict[str, int]]:
        stmt = (select(ListingReport.listing_id, ListingReport.status, func.count())
                .where(ListingReport.listing_id.in_(listing_ids))
                .group_by(ListingReport.listing_id, ListingReport.status))
        found: dict[Any, dict[str, int]] = {i: {} for i in listing_ids}
        for listing_id, status, count in self.session.execute(stmt):
            found[listing_id][status] = count
        return found

    def queue(self, statuses: tuple[str, ...], page: int, size: int) -> Page[Any]:
        """Listings with reports in ``statuses``: most reported first, then most recent."""
        count = func.count().label("reports")
        last = func.max(ListingReport.submitted_at).label("last_reported_at")
        stmt = (select(ListingReport.listing_id, count, last)
                .where(ListingReport.status.in_(statuses))
                .group_by(ListingReport.listing_id)
                .order_by(count.desc(), last.desc(), ListingReport.listing_id))
        size = max(1, min(size, 100))
        total = self.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
        rows = self.session.execute(stmt.limit(size).offset((max(1, page) - 1) * size)).all()
        return Page(page=max(1, page), size=size, total=total, items=rows)


def counters_of(session: Session, listing_id: Any) -> dict[str, int]:
    stmt = select(ListingEventCounter).where(ListingEventCounter.listing_id == listing_id)
    return {c.event_type: c.count for c in session.scalars(stmt)}


def settings_of(session: Session) -> ListingSettings | None:
    return session.scalar(select(ListingSettings))


def duplicate_candidates(session: Session, annonce: Annonce, hashes: set[str],
                         limit: int = 200) -> list[tuple[Annonce, set[str]]]:
    """Listings of every organisation, online or suspended, that could be the same property as
    ``annonce``: same phone, same city (for place and text), or a shared photo. Drafts do not count
    (the first one published is the original). Reads across tenants on purpose (duplicates are posted
    by other agencies); callers only ever show other orgs' ids masked."""
    same = [Annonce.contact_phone == annonce.contact_phone] if annonce.contact_phone else []
    if annonce.city:
        same.append(Annonce.city == annonce.city)
    if hashes:
        same.append(Annonce.id.in_(select(ListingMedia.listing_id)
                                   .where(ListingMedia.sha256.in_(hashes))))
    if not same:
        return []
    stmt = (select(Annonce).where(or_(*same), Annonce.id != annonce.id,
                                  Annonce.status.in_((PUBLISHED, SUSPENDED)))
            .order_by(Annonce.updated_at.desc()).limit(limit)
            .execution_options(tenant_bypass=True))
    found = list(session.scalars(stmt))
    photo_hashes: dict[Any, set[str]] = {a.id: set() for a in found}
    if found:
        media = select(ListingMedia.listing_id, ListingMedia.sha256).where(
            ListingMedia.listing_id.in_(list(photo_hashes)), ListingMedia.sha256.is_not(None))
        for listing_id, sha in session.execute(media.execution_options(tenant_bypass=True)):
            photo_hashes[listing_id].add(sha)
    return [(a, photo_hashes[a.id]) for a in found]
