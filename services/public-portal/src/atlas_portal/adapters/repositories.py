"""Read-model queries for public search, pages and the contact forms' resubmission checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, text

from atlas_portal.adapters.orm import DemoRequest, Lead, ListingSlug, PublicListing, PublicReport
from atlas_portal.adapters.search_totals import SearchTotals
from atlas_portal.domain.text import place_key, query_words
from atlas_shared.db.repository import MAX_PAGE_SIZE, Page, Repository, as_uuid

T = TypeVar("T")
ORDER = {
    "recent": (PublicListing.published_at.desc(), PublicListing.listing_id),
    "price_asc": (PublicListing.price.asc(), PublicListing.listing_id),
    "price_desc": (PublicListing.price.desc(), PublicListing.listing_id),
}
SUMMARY = (PublicListing.listing_id, PublicListing.slug, PublicListing.tx, PublicListing.title,
           PublicListing.price, PublicListing.currency, PublicListing.city, PublicListing.zone,
           PublicListing.surface_m2, PublicListing.rooms, PublicListing.thumbnail_url)
# A listing's page and detail: the card's columns and the rest (still no ORM entity to build).
DETAIL = (*SUMMARY, PublicListing.description, PublicListing.bathrooms, PublicListing.lat, PublicListing.lng,
          PublicListing.amenities, PublicListing.media, PublicListing.published_at, PublicListing.updated_at,
          PublicListing.whatsapp_phone)
BOUNDS = (("price_min", PublicListing.price, ">="), ("price_max", PublicListing.price, "<="),
          ("rooms_min", PublicListing.rooms, ">="), ("surface_min", PublicListing.surface_m2, ">="),
          ("surface_max", PublicListing.surface_m2, "<="))


def filters_key(f: dict[str, Any]) -> tuple[Any, ...]:
    """What a search's total depends on (not its page, size or sort), normalised like the query:
    ``q=Rénové`` and ``q=renove``, ``city=Fès`` and ``city=fes`` share a total."""
    return (tuple(query_words(f.get("q"))), f.get("tx") or None, place_key(f.get("city")),
            place_key(f.get("zone")),
            *(None if f.get(name) is None else str(f[name]) for name, _, _ in BOUNDS))


def approximate(estimate: int) -> int:
    """An estimate shown as one: two significant digits (1,376 → 1,400)."""
    return estimate if estimate < 100 else int(round(estimate, 2 - len(str(estimate))))


@dataclass(frozen=True)
class SearchPage(Page[T]):
    """A page whose total may be an estimate (``total_exact`` False)."""

    total_exact: bool = True

    def map(self, fn: Any) -> SearchPage[Any]:
        return SearchPage(self.page, self.size, self.total, [fn(i) for i in self.items], self.total_exact)


class PublicListingRepository(Repository[PublicListing]):
    model = PublicListing
    label = "Listing"
    not_found_code = "LISTING_NOT_FOUND"

    def visible(self, listing_id: Any, *, for_update: bool = False) -> PublicListing | None:
        found = self.find(listing_id, for_update=for_update)
        return found if found is not None and found.visible else None

    def visible_row(self, listing_id: Any) -> Any | None:
        """A published listing's detail columns as one row (the detail API and page read nothing else)."""
        key = as_uuid(listing_id)
        if key is None:
            return None
        return self.session.execute(select(*DETAIL).where(PublicListing.listing_id == key,
                                                          PublicListing.visible == True)).first()  # noqa: E712

    def search(self, f: dict[str, Any], totals: SearchTotals | None = None,
               exact_up_to: int | None = None) -> SearchPage[Any]:
        """A page of summary rows (only the columns a result card shows, no ORM entities: this is
        the hottest public query) and its total:

        - the last page (or no result): known from the page itself, exact, nothing counted;
        - else taken from ``totals`` (counted or estimated for the same filters moments ago);
        - else, with ``exact_up_to``, when PostgreSQL's planner expects more matches than that: its
          estimate, rounded, flagged ``total_exact=False`` (counting would read every match — 80 % of
          a search's cost at 100,000 listings); otherwise the exact count."""
        stmt = self.search_statement(f)
        size, page = max(1, min(f.get("size", 20), MAX_PAGE_SIZE)), max(1, f.get("page", 1))
        offset = (page - 1) * size
        rows = self.session.execute(stmt.limit(size).offset(offset)).all()
        if len(rows) < size and (rows or page == 1):
            return SearchPage(page, size, offset + len(rows), rows)
        key = filters_key(f)
        found = totals.get(key) if totals is not None else None
        if found is None:
            found = self._total(stmt, exact_up_to, at_least=offset + len(rows))
            if totals is not None:
                totals.put(key, found)
        return SearchPage(page, size, found[0], rows, total_exact=found[1])

    def _total(self, stmt: Select[Any], exact_up_to: int | None, at_least: int) -> tuple[int, bool]:
        if exact_up_to is not None and exact_up_to > 0:
            estimate = self.estimate(stmt)
            if estimate is not None and estimate > exact_up_to:
                return max(approximate(estimate), at_least), False
        return self.count(stmt), True

    def estimate(self, stmt: Select[Any]) -> int | None:
        """How many rows PostgreSQL's planner expects a search statement to match (planning only,
        nothing read); None where no planner estimate can be asked (SQLite: totals stay exact)."""
        bind = self.session.get_bind()
        if bind.dialect.name != "postgresql":
            return None
        compiled = stmt.order_by(None).compile(dialect=bind.dialect)
        plan = self.session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled.string}",
                                                         compiled.params).scalar()
        return int(plan[0]["Plan"]["Plan Rows"])

    def count(self, stmt: Select[Any]) -> int:
        """The exact number of rows a search statement matches (the costliest statement of a search:
        it reads every match, where the page reads ``size`` of them along an index)."""
        return self.session.scalar(stmt.with_only_columns(func.count(), maintain_column_froms=True)
                                   .order_by(None)) or 0

    def search_statement(self, f: dict[str, Any], columns: tuple[Any, ...] = SUMMARY) -> Select[Any]:
        stmt = select(*columns).where(PublicListing.visible == True)  # noqa: E712 - matches the indexes
        if f.get("tx"):
            stmt = stmt.where(PublicListing.tx == f["tx"])
        if f.get("city"):
            stmt = stmt.where(PublicListing.city_key == place_key(f["city"]))
        if f.get("zone"):
            stmt = stmt.where(PublicListing.zone_key == place_key(f["zone"]))
        for name, column, op in BOUNDS:
            if f.get(name) is not None:
                stmt = stmt.where(column >= f[name] if op == ">=" else column <= f[name])
        stmt = self._text(stmt, query_words(f.get("q")))
        return stmt.order_by(*ORDER[f.get("sort") or "recent"])

    def _text(self, stmt: Select[Any], found: list[str]) -> Select[Any]:
        """Every searched word must start a word of the listing (prefix match, accents folded):
        PostgreSQL full text over the GIN index, an equivalent LIKE on SQLite."""
        if not found:
            return stmt
        if self.session.get_bind().dialect.name == "postgresql":
            query = " & ".join(f"{word}:*" for word in found)  # words are [a-z0-9]+ only
            return stmt.where(text("public_listings.search_vector @@ to_tsquery('simple', :tsquery)")
                              .bindparams(tsquery=query))
        column = PublicListing.search_text
        clauses: list[ColumnElement[bool]] = [or_(column.like(f"{word}%"), column.like(f"% {word}%"))
                                              for word in found]
        return stmt.where(and_(*clauses))

    def recent(self, limit: int) -> list[Any]:
        stmt = (select(*SUMMARY).where(PublicListing.visible == True)  # noqa: E712
                .order_by(*ORDER["recent"]).limit(limit))
        return list(self.session.execute(stmt))

    def sitemap(self, limit: int = 50_000) -> list[tuple[Any, str, datetime]]:
        stmt = (select(PublicListing.listing_id, PublicListing.slug, PublicListing.updated_at)
                .where(PublicListing.visible == True)  # noqa: E712
                .order_by(PublicListing.published_at.desc()).limit(limit))
        return [tuple(row) for row in self.session.execute(stmt)]  # type: ignore[misc]

    def had_slug(self, listing_id: Any, slug: str) -> bool:
        return self.session.get(ListingSlug, (listing_id, slug)) is not None


def lead_by_key(session: Any, idempotency_key: str) -> Lead | None:
    return session.scalar(select(Lead).where(Lead.idempotency_key == idempotency_key))


def recent_lead(session: Any, listing_id: Any, fingerprint: str, since: datetime) -> Lead | None:
    return session.scalar(select(Lead).where(Lead.listing_id == listing_id, Lead.fingerprint == fingerprint,
                                             Lead.submitted_at >= since).limit(1))


def recent_report(session: Any, listing_id: Any, fingerprint: str, since: datetime) -> PublicReport | None:
    return session.scalar(select(PublicReport).where(
        PublicReport.listing_id == listing_id, PublicReport.fingerprint == fingerprint,
        PublicReport.submitted_at >= since).limit(1))


def recent_demo_request(session: Any, fingerprint: str, since: datetime) -> DemoRequest | None:
    return session.scalar(select(DemoRequest).where(DemoRequest.fingerprint == fingerprint,
                                                    DemoRequest.submitted_at >= since).limit(1))


def submissions_from(session: Any, ip: str, since: datetime) -> tuple[int, datetime | None]:
    """How many leads, reports and demo requests ``ip`` sent since ``since``, and the oldest one's time."""
    count, oldest = 0, None
    for model in (Lead, PublicReport, DemoRequest):
        n, first = session.execute(select(func.count(), func.min(model.submitted_at))
                                   .where(model.ip == ip, model.submitted_at >= since)).one()
        count += n
        oldest = first if oldest is None or (first is not None and first < oldest) else oldest
    return count, oldest
