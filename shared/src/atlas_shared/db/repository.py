"""Repository base: load by id (404 when absent or in another tenant), add, page through."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from atlas_shared.errors import AtlasError, NotFound, ValidationFailed

M = TypeVar("M")
T = TypeVar("T")

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    page: int
    size: int
    total: int
    items: Sequence[T]

    def map(self, fn: Any) -> Page[Any]:
        return Page(self.page, self.size, self.total, [fn(i) for i in self.items])


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
        return paginate(self.session, stmt, page, size)


def paginate(session: Session, stmt: Select[Any], page: int, size: int) -> Page[Any]:
    size = max(1, min(size, MAX_PAGE_SIZE))
    page = max(1, page)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = session.scalars(stmt.limit(size).offset((page - 1) * size)).all()
    return Page(page=page, size=size, total=total, items=items)


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
