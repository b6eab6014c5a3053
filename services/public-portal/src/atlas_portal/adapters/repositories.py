"""Read-model queries for public search, pages and the contact forms' resubmission checks."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Select, String, bindparam, func, or_, select, text

from atlas_portal.adapters.orm import DemoRequest, Lead, ListingSlug, PublicListing, PublicReport
from atlas_portal.adapters.search_totals import SearchTotals
from atlas_portal.domain.text import place_key, query_words
from atlas_shared.db.repository import MAX_PAGE_SIZE, Page, Repository, approximate, as_uuid, planner_rows

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


FILTERS = {"tx": PublicListing.tx, "city": PublicListing.city_key, "zone": PublicListing.zone_key}


@lru_cache(maxsize=2048)
def _shape(names: tuple[str, ...], sort: str, postgres: bool) -> Select[Any]:
    """A search statement for these filters (bound parameters named after them) and this sort.
    Every searched word must start a word of the listing (prefix match, accents folded): PostgreSQL
    full text over the GIN index, an equivalent LIKE on SQLite."""
    stmt = select(*SUMMARY).where(PublicListing.visible == True)  # noqa: E712 - matches the indexes
    for name in names:
        if name in FILTERS:
            stmt = stmt.where(FILTERS[name] == bindparam(name))
    for name, column, op in BOUNDS:
        if name in names:
            stmt = stmt.where(column >= bindparam(name) if op == ">=" else column <= bindparam(name))
    if postgres and "tsquery" in names:
        stmt = stmt.where(text("public_listings.search_vector @@ to_tsquery('simple', :tsquery)")
                          .bindparams(bindparam("tsquery", type_=String)))
    column = PublicListing.search_text
    for i in range(sum(1 for name in names if name.startswith("word"))):
        stmt = stmt.where(or_(column.like(bindparam(f"word{i}")), column.like(bindparam(f"inside{i}"))))
    return stmt.order_by(*ORDER[sort])


@lru_cache(maxsize=2048)
def _page_of(shape: Select[Any]) -> Select[Any]:
    return shape.limit(bindparam("size")).offset(bindparam("skip"))


@lru_cache(maxsize=2048)
def _count_of(shape: Select[Any]) -> Select[Any]:
    return shape.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)


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
        return self.session.connection().execute(select(*DETAIL).where(PublicListing.listing_id == key,
                                                          PublicListing.visible == True)).first()  # noqa: E712

    def search(self, f: dict[str, Any], totals: SearchTotals | None = None,
               exact_up_to: int | None = None) -> Page[Any]:
        """A page of summary rows (only the columns a result card shows, no ORM entities: this is
        the hottest public query) and its total:

        - the last page (or no result): known from the page itself, exact, nothing counted;
        - else taken from ``totals`` (counted or estimated for the same filters moments ago);
        - else, with ``exact_up_to``, when PostgreSQL's planner expects more matches than that: its
          estimate, rounded, flagged ``total_exact=False`` (counting would read every match — 80 % of
          a search's cost at 100,000 listings); otherwise the exact count."""
        shape, params = self._shape(f)
        size, page = max(1, min(f.get("size", 20), MAX_PAGE_SIZE)), max(1, f.get("page", 1))
        offset = (page - 1) * size
        # Core execution of a statement built once per shape: it selects columns, not entities.
        result = self.session.connection().execute(_page_of(shape), {**params, "size": size, "skip": offset})
        rows = result.all()
        if len(rows) < size and (rows or page == 1):
            return Page(page, size, offset + len(rows), rows)
        key = filters_key(f)
        found = totals.get(key) if totals is not None else None
        if found is None:
            found = self._total(shape, params, exact_up_to, at_least=offset + len(rows), page_run=result)
            if totals is not None:
                totals.put(key, found)
        return Page(page, size, found[0], rows, total_exact=found[1])

    def _total(self, shape: Select[Any], params: dict[str, Any], exact_up_to: int | None, at_least: int,
               page_run: Any) -> tuple[int, bool]:
        if exact_up_to is not None and exact_up_to > 0:
            estimate = self.estimate(page_run)
            if estimate is not None and estimate > exact_up_to:
                return max(approximate(estimate), at_least), False
        return self.session.connection().execute(_count_of(shape), params).scalar_one(), True

    def estimate(self, page_run: Any) -> int | None:
        """How many rows PostgreSQL's planner expects the search whose page ``page_run`` just read to
        match (planning only, nothing read; the page's own SQL, see ``planner_rows``); None where no
        planner estimate can be asked (SQLite: totals stay exact)."""
        return planner_rows(self.session, page_run)

    def search_statement(self, f: dict[str, Any]) -> Select[Any]:
        """The search as one statement with its values bound (for EXPLAIN, counts, tools)."""
        shape, params = self._shape(f)
        return shape.params(params)

    def _shape(self, f: dict[str, Any]) -> tuple[Select[Any], dict[str, Any]]:
        """The statement for the filters present (built once per combination and sort, so that
        SQLAlchemy neither rebuilds it nor recomputes its cache key per request) and their values."""
        params: dict[str, Any] = {}
        if f.get("tx"):
            params["tx"] = f["tx"]
        if f.get("city"):
            params["city"] = place_key(f["city"])
        if f.get("zone"):
            params["zone"] = place_key(f["zone"])
        for name, _, _ in BOUNDS:
            if f.get(name) is not None:
                params[name] = f[name]
        found = query_words(f.get("q"))
        postgres = self.session.get_bind().dialect.name == "postgresql"
        if found and postgres:
            params["tsquery"] = " & ".join(f"{word}:*" for word in found)  # words are [a-z0-9]+ only
        for i, word in enumerate([] if postgres else found):
            params[f"word{i}"], params[f"inside{i}"] = f"{word}%", f"% {word}%"
        return _shape(tuple(params), f.get("sort") or "recent", postgres), params

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
