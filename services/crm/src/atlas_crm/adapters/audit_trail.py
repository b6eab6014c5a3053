"""Reading the consolidated audit trail (the platform's ``audit_events`` table, tenant-scoped).

Rows are only ever inserted: the ORM refuses updates and deletes, and so do database triggers.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, tuple_

from atlas_shared.db.platform import AuditEvent
from atlas_shared.db.repository import Page, Repository, apply_sort

SORT = {"createdAt": AuditEvent.created_at}
Key = tuple[datetime, uuid.UUID]
EQUAL = {"entityType": AuditEvent.entity_type, "entityId": AuditEvent.entity_id, "actor": AuditEvent.actor,
         "action": AuditEvent.action, "service": AuditEvent.service}


class AuditTrail(Repository[AuditEvent]):
    exact_total_up_to = 1000  # the trail grows with every change of every service
    model = AuditEvent
    label = "Audit event"

    def filtered(self, f: dict[str, Any]) -> Select[Any]:
        stmt = self.select()
        for key, column in EQUAL.items():
            if f.get(key):
                stmt = stmt.where(column == str(f[key]))
        if f.get("dossierId"):
            dossier = str(f["dossierId"])
            stmt = stmt.where(or_(
                and_(AuditEvent.entity_type == "DOSSIER", AuditEvent.entity_id == dossier),
                and_(AuditEvent.parent_type == "DOSSIER", AuditEvent.parent_id == dossier)))
        if f.get("from") is not None:
            stmt = stmt.where(AuditEvent.created_at >= f["from"])
        if f.get("to") is not None:
            stmt = stmt.where(AuditEvent.created_at < f["to"])
        return stmt

    def count(self, f: dict[str, Any]) -> int:
        return self.session.scalar(select(func.count()).select_from(self.filtered(f).subquery())) or 0

    def search(self, f: dict[str, Any], page: int, size: int, sort: str | None) -> Page[AuditEvent]:
        stmt = apply_sort(self.filtered(f), sort, SORT, "-createdAt", tiebreak=AuditEvent.id)
        return self.page(stmt, page, size)

    def batch_after(self, f: dict[str, Any], after: Key | None, size: int) -> list[AuditEvent]:
        """Oldest first, strictly after the (createdAt, id) key: how exports walk the trail."""
        stmt = self.filtered(f)
        if after is not None:
            stmt = stmt.where(tuple_(AuditEvent.created_at, AuditEvent.id) > tuple_(*after))
        return list(self.session.scalars(stmt.order_by(AuditEvent.created_at, AuditEvent.id).limit(size)))


def walk(fetch: Callable[[Key | None, int], tuple[list[Any], Key | None]], batch: int = 500) -> Iterator[Any]:
    """Every item ``fetch(after, size)`` gives, batch after batch, each batch its own transaction;
    ``fetch`` answers the items and the key of the last row."""
    after: Key | None = None
    while True:
        items, last = fetch(after, batch)
        yield from items
        if len(items) < batch:
            return
        after = last
