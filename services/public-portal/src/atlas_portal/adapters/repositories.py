"""Read-model queries for public search."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_

from atlas_shared.db.repository import Page, Repository, paginate

from atlas_portal.adapters.orm import PublicListing

ORDER = {
    "recent": (PublicListing.published_at.desc(), PublicListing.listing_id),
    "price_asc": (PublicListing.price.asc(), PublicListing.listing_id),
    "price_desc": (PublicListing.price.desc(), PublicListing.listing_id),
}


class PublicListingRepository(Repository[PublicListing]):
    model = PublicListing
    label = "Listing"
    not_found_code = "LISTING_NOT_FOUND"

    def visible(self, listing_id: Any) -> PublicListing | None:
        found = self.find(listing_id)
        return found if found is not None and found.visible else None

    def search(self, f: dict[str, Any]) -> Page[PublicListing]:
        stmt = self.select().where(PublicListing.visible.is_(True))
        if f.get("tx"):
            stmt = stmt.where(PublicListing.tx == f["tx"])
        if f.get("city"):
            stmt = stmt.where(PublicListing.city_key == key(f["city"]))
        if f.get("zone"):
            stmt = stmt.where(PublicListing.zone_key == key(f["zone"]))
        bounds = (("price_min", PublicListing.price, ">="), ("price_max", PublicListing.price, "<="),
                  ("rooms_min", PublicListing.rooms, ">="), ("surface_min", PublicListing.surface_m2, ">="))
        for name, column, op in bounds:
            if f.get(name) is not None:
                stmt = stmt.where(column >= f[name] if op == ">=" else column <= f[name])
        if f.get("q"):
            like = f"%{f['q'].strip()}%"
            stmt = stmt.where(or_(PublicListing.title.ilike(like), PublicListing.description.ilike(like),
                                  PublicListing.city.ilike(like), PublicListing.zone.ilike(like)))
        stmt = stmt.order_by(*ORDER[f.get("sort") or "recent"])
        return paginate(self.session, stmt, f.get("page", 1), f.get("size", 20))


def key(text: str | None) -> str | None:
    return text.strip().lower() if text else None
