"""Pages and sorting as an API client sees them: bounded sizes, a true total, whitelisted sort keys."""

import uuid

import pytest
from sqlalchemy import Integer, MetaData, String, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from atlas_shared.db.repository import MAX_PAGE_SIZE, apply_sort, paginate
from atlas_shared.db.tenancy import TenantScoped
from atlas_shared.db.types import UuidType, new_id
from atlas_shared.errors import ValidationFailed


class Base(DeclarativeBase):
    metadata = MetaData()


class Listing(TenantScoped, Base):
    __tablename__ = "pagination_listings"

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(60))
    price: Mapped[int] = mapped_column(Integer)


ORG = uuid.uuid4()
SORTABLE = {"title": Listing.title, "price": Listing.price}
COUNT = MAX_PAGE_SIZE + 20


@pytest.fixture
def session(make_db):
    db = make_db(Base.metadata)
    with db.session(ORG) as s:
        # price descends as the title ascends; prices repeat in pairs to need a tiebreak.
        s.add_all([Listing(title=f"t{i:03d}", price=(COUNT - i) // 2) for i in range(COUNT)])
        s.commit()
    with db.session(uuid.uuid4()) as s:
        s.add(Listing(title="other org", price=1))
        s.commit()
    with db.session(ORG) as s:
        yield s


def titles(page):
    return [item.title for item in page.items]


def test_size_is_capped_page_starts_at_one_and_total_counts_everything(session):
    page = paginate(session, select(Listing).order_by(Listing.title), 0, 10_000)
    assert (page.page, page.size, page.total) == (1, MAX_PAGE_SIZE, COUNT)
    assert len(page.items) == MAX_PAGE_SIZE
    last = paginate(session, select(Listing).order_by(Listing.title), 2, MAX_PAGE_SIZE)
    assert titles(last) == [f"t{i:03d}" for i in range(MAX_PAGE_SIZE, COUNT)]
    beyond = paginate(session, select(Listing), 99, 10)
    assert (beyond.total, list(beyond.items)) == (COUNT, [])
    assert paginate(session, select(Listing), 1, 0).size == 1


def test_sort_by_whitelisted_fields_with_descending_prefix(session):
    stmt = apply_sort(select(Listing), "-title", SORTABLE, default="title")
    assert titles(paginate(session, stmt, 1, 3)) == [f"t{i:03d}" for i in (COUNT - 1, COUNT - 2, COUNT - 3)]
    stmt = apply_sort(select(Listing), "price, -title", SORTABLE, default="title")
    cheapest = paginate(session, stmt, 1, 3).items
    assert [(i.price, i.title) for i in cheapest] == [(0, f"t{COUNT - 1}"), (1, f"t{COUNT - 2}"),
                                                      (1, f"t{COUNT - 3}")]


def test_default_sort_and_tiebreak_apply_when_no_sort_is_given(session):
    stmt = apply_sort(select(Listing), None, SORTABLE, default="-price", tiebreak=Listing.title.asc())
    assert titles(paginate(session, stmt, 1, 3)) == ["t000", "t001", "t002"]


@pytest.mark.parametrize("sort", ["orgId", "-password", "price,secret"])
def test_an_unknown_sort_field_is_a_validation_error_naming_the_allowed_ones(session, sort):
    with pytest.raises(ValidationFailed) as caught:
        apply_sort(select(Listing), sort, SORTABLE, default="title")
    assert caught.value.status == 400 and caught.value.code == "VALIDATION_ERROR"
    [message] = caught.value.details["sort"]
    assert "Unknown sort field" in message and "price, title" in message


def test_above_exact_up_to_the_total_is_postgresql_s_estimate_flagged_not_exact(session):
    """A capped count decides; above the cap PostgreSQL's planner estimate (never below the cap)
    answers with totalExact false; SQLite, which has no estimate to ask, counts them all."""
    everything = paginate(session, select(Listing).order_by(Listing.title), 1, 10, exact_up_to=50)
    if session.get_bind().dialect.name == "postgresql":
        assert everything.total_exact is False and everything.total > 50
    else:
        assert (everything.total, everything.total_exact) == (COUNT, True)
    assert titles(everything) == [f"t{i:03d}" for i in range(10)]

    cheap = select(Listing).where(Listing.price < 10).order_by(Listing.title)
    expected = sum(1 for i in range(COUNT) if (COUNT - i) // 2 < 10)   # this org's only
    first = paginate(session, cheap, 1, 5, exact_up_to=50)
    assert (first.total, first.total_exact, len(first.items)) == (expected, True, 5)
    last = paginate(session, cheap, 4, 5, exact_up_to=50)                 # known from the page itself
    assert (last.total, last.total_exact, len(last.items)) == (expected, True, expected - 15)


def test_the_capped_count_rides_on_the_page_and_an_estimate_is_remembered(session):
    """One statement answers the page and its capped count (tenant-scoped inside too); a page past
    the end still knows the total; selecting several columns pages through rows; PostgreSQL plans
    the same estimate once per ESTIMATE_TTL."""
    sent: list[str] = []
    engine = session.get_bind()

    def record(conn, cursor, statement, parameters, context, many):  # type: ignore[no-untyped-def]
        if statement.startswith(("SELECT", "EXPLAIN")):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        cheap = select(Listing.title, Listing.price).where(Listing.price < 10).order_by(Listing.title)
        first = paginate(session, cheap, 1, 5, exact_up_to=50)
        expected = sum(1 for i in range(COUNT) if (COUNT - i) // 2 < 10)
        assert len(sent) == 1 and (first.total, first.total_exact) == (expected, True)
        assert [(row.title, row.price) for row in first.items] == [
            (f"t{i:03d}", (COUNT - i) // 2) for i in range(101, 106)]
        beyond = paginate(session, cheap, 9, 5, exact_up_to=50)
        assert (beyond.total, list(beyond.items)) == (expected, [])

        sent.clear()
        for _ in range(3):
            big = paginate(session, select(Listing).order_by(Listing.title), 2, 10, exact_up_to=50)
        explained = [s for s in sent if s.startswith("EXPLAIN")]
        if engine.dialect.name == "postgresql":
            assert (len(sent) - len(explained), len(explained), big.total_exact) == (3, 1, False)
        else:  # no estimate to ask: each page is counted in full
            assert (len(sent), big.total) == (6, COUNT)
    finally:
        event.remove(engine, "before_cursor_execute", record)
