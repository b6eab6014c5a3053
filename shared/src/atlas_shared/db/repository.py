"""Repository base: load by id (404 when absent or in another tenant), add, page through."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from atlas_shared.errors import AtlasError, NotFound, ValidationFailed
from atlas_shared.ttl_cache import TtlCache

M = TypeVar("M")
T = TypeVar("T")

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    """A page of items and the total; ``total_exact`` False when the total is an estimate."""

    page: int
    size: int
    total: int
    items: Sequence[T]
    total_exact: bool = True

    def map(self, fn: Any) -> Page[Any]:
        return Page(self.page, self.size, self.total, [fn(i) for i in self.items], self.total_exact)


def approximate(estimate: int) -> int:
    """An estimate shown as one: two significant digits (1,376 → 1,400)."""
    return estimate if estimate < 100 else int(round(estimate, 2 - len(str(estimate))))


def planner_rows(session: Session, result: Any, *, remember: bool = False) -> int | None:
    """How many rows PostgreSQL's planner expects the statement just run by ``result`` to match
    once its LIMIT, OFFSET and ORDER BY are set aside (planning only, nothing read); None where no
    planner estimate can be asked (SQLite). The statement is EXPLAINed exactly as it was sent —
    compiled once and cached by SQLAlchemy, tenant criteria included — and the estimate read under
    its Limit and sort nodes, which is the filtered set's whatever path the planner took (init plans,
    such as a capped count beside the page, are not the set). ``remember``: the same statement with
    the same parameters is planned again only after ``ESTIMATE_TTL`` seconds — an estimate moves
    with the table's statistics, not with each row written."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    context = (getattr(result, "raw", None) or result).context  # an ORM result wraps the cursor's
    statement, parameters = context.statement, context.parameters[0]
    key = _estimate_key(statement, parameters) if remember else None
    known = _ESTIMATES.get(key) if key is not None else None
    if known is not None:
        return int(known)
    plan = session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar()
    node = plan[0]["Plan"]
    while node["Node Type"] in PASS_THROUGH and node.get("Plans"):
        node = next((child for child in node["Plans"] if child.get("Parent Relationship") == "Outer"),
                    node["Plans"][0])
    rows = int(node["Plan Rows"])
    if key is not None:
        _ESTIMATES.put(key, rows)
    return rows


def _estimate_key(statement: str, parameters: Any) -> tuple[Any, ...] | None:
    """The statement and its parameters, or None when a parameter cannot be a key (a JSON value)."""
    if not isinstance(parameters, dict):
        return None
    key = (statement, tuple(sorted(parameters.items())))
    try:
        hash(key)
    except TypeError:
        return None
    return key


ESTIMATE_TTL = 60.0
_ESTIMATES = TtlCache(ttl=ESTIMATE_TTL, capacity=1024)
CAPPED_COUNT = "matches_up_to"
PASS_THROUGH = ("Limit", "Sort", "Incremental Sort", "Gather Merge", "Gather", "Result")


def as_uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


class Repository(Generic[M]):
    """Tenant scoping is not written here: the session applies it to every query (db.tenancy)."""

    model: ClassVar[type]
    # Above this many matches a list's total is PostgreSQL's estimate (None: always counted).
    exact_total_up_to: ClassVar[int | None] = None
    not_found: ClassVar[type[AtlasError]] = NotFound
    not_found_code: ClassVar[str | None] = None
    label: ClassVar[str] = "Resource"

    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, entity_id: Any, *, for_update: bool = False) -> M | None:
        key = as_uuid(entity_id)
        if key is None:
            return None
        return self.session.get(self.model, key, with_for_update=for_update or None)

    def get(self, entity_id: Any, *, for_update: bool = False) -> M:
        found = self.find(entity_id, for_update=for_update)
        if found is None:
            raise self.not_found(f"{self.label} {entity_id} not found.", code=self.not_found_code)
        return found

    def add(self, entity: M) -> M:
        self.session.add(entity)
        self.session.flush()
        return entity

    def select(self) -> Select[Any]:
        return select(self.model)

    def page(self, stmt: Select[Any], page: int, size: int) -> Page[M]:
        return paginate(self.session, stmt, page, size, exact_up_to=self.exact_total_up_to)


def paginate(session: Session, stmt: Select[Any], page: int, size: int, *,
             exact_up_to: int | None = None) -> Page[Any]:
    """A page of ``stmt`` and its total. The items are the selected entity or column, or rows when
    ``stmt`` selects several columns (with ``exact_up_to``, a row also carries the capped count as
    its last column, ``matches_up_to``). The total:

    - the last page (or nothing on page 1): known from the page, nothing is counted;
    - with ``exact_up_to``: counted up to that many matches by the page's own statement (a capped
      count reads at most that many index entries, once, beside the page); above it, PostgreSQL's
      estimate, rounded, ``total_exact`` False — counting 28,000 dossiers costs more than the page
      itself; SQLite counts them all;
    - otherwise counted."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    page = max(1, page)
    offset = (page - 1) * size
    single = len(stmt.column_descriptions) == 1
    matches = stmt.order_by(None)
    capped: int | None = None
    if exact_up_to is not None:
        up_to = _capped_count(matches, exact_up_to).scalar_subquery().label(CAPPED_COUNT)
        result = session.execute(stmt.add_columns(up_to).limit(size).offset(offset))
        rows = result.all()
        capped = rows[0][-1] if rows else None
        items: Sequence[Any] = [row[0] for row in rows] if single else rows
    else:
        result = session.execute(stmt.limit(size).offset(offset))
        items = result.scalars().all() if single else result.all()
    if len(items) < size and (items or page == 1):
        return Page(page=page, size=size, total=offset + len(items), items=items)
    if exact_up_to is not None:
        if capped is None:  # a page past the end: nothing carried the count
            capped = session.scalar(_capped_count(matches, exact_up_to))
        if capped is not None and capped <= exact_up_to:
            return Page(page=page, size=size, total=capped, items=items)
        estimate = planner_rows(session, result, remember=True)
        if estimate is not None:
            total = max(approximate(estimate), exact_up_to + 1, offset + len(items))
            return Page(page=page, size=size, total=total, items=items, total_exact=False)
    total = session.scalar(select(func.count()).select_from(matches.subquery())) or 0
    return Page(page=page, size=size, total=total, items=items)


def _capped_count(matches: Select[Any], up_to: int) -> Select[Any]:
    """How many rows match, counting no further than one past ``up_to``."""
    return select(func.count()).select_from(matches.limit(up_to + 1).subquery())


def apply_sort(stmt: Select[Any], sort: str | None, allowed: dict[str, ColumnElement[Any]],
               default: str, tiebreak: ColumnElement[Any] | None = None) -> Select[Any]:
    """``sort=-createdAt,price``: whitelisted fields only, ``-`` for descending."""
    clauses = []
    for raw in (sort or default).split(","):
        name = raw.strip()
        if not name:
            continue
        desc = name.startswith("-")
        column = allowed.get(name.lstrip("-+"))
        if column is None:
            raise ValidationFailed(details={"sort": [f"Unknown sort field '{name.lstrip('-+')}'. "
                                                     f"Allowed: {', '.join(sorted(allowed))}."]})
        clauses.append(column.desc() if desc else column.asc())
    if tiebreak is not None:
        clauses.append(tiebreak)
    return stmt.order_by(*clauses)
