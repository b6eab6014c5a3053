"""Listings persistence. Tenant scoping comes from the session (atlas_shared.db.tenancy)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_

from atlas_shared.db.repository import Page, Repository, apply_sort

from atlas_listings.adapters.orm import Annonce

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

    def all_for_snapshot(self) -> Any:
        return self.session.scalars(self.select().order_by(Annonce.created_at)).yield_per(500)
