"""What a report looks at: a date range, optionally one agent's dossiers, a case type or a source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func
from sqlalchemy.orm import Session

from atlas_crm.adapters.orm import Dossier
from atlas_crm.domain.kpis import Range


@dataclass(frozen=True)
class Scope:
    range: Range
    assigned_to: str | None = None
    case_type: str | None = None
    source: str | None = None


class Queries:
    """Base of the KPI query sets: scope filters and the few expressions that differ by dialect.

    Queries are shaped so that their cost follows the range (the leads created in it, the moves and
    messages inside it), never the size of the organisation's whole history."""

    def __init__(self, session: Session, scope: Scope) -> None:
        self.session, self.scope = session, scope
        # (PostgreSQL's JIT, which cost seconds on these statements, is off for every connection:
        # atlas_shared.db.engine.)
        self.postgres = session.get_bind().dialect.name == "postgresql"

    def dossier_filters(self, stmt: Select[Any], *, assignee: bool = True) -> Select[Any]:
        """The scope's dossier filters (the statement must select from or join dossiers)."""
        s = self.scope
        for column, value in ((Dossier.assigned_to, s.assigned_to if assignee else None),
                              (Dossier.case_type, s.case_type), (Dossier.source, s.source)):
            if value is not None:
                stmt = stmt.where(column == value)
        return stmt

    @property
    def narrowed(self) -> bool:
        s = self.scope
        return any(v is not None for v in (s.assigned_to, s.case_type, s.source))

    def narrow(self, stmt: Select[Any], dossier_id: Any) -> Select[Any]:
        """The scope's dossier filters on a statement about rows of dossiers (joined only if needed)."""
        if not self.narrowed:
            return stmt
        return self.dossier_filters(stmt.join(Dossier, Dossier.id == dossier_id))

    def during(self, column: Any) -> ColumnElement[bool]:
        return (column >= self.scope.range.start) & (column < self.scope.range.end)

    def period(self, column: Any, period: str) -> ColumnElement[str]:
        """The UTC start of the day, ISO week (Monday) or month of a timestamp, as YYYY-MM-DD."""
        if self.postgres:
            return func.to_char(func.date_trunc(period, func.timezone("UTC", column)), "YYYY-MM-DD")
        if period == "month":
            return func.strftime("%Y-%m-01", column)
        if period == "week":
            return func.date(column, "weekday 0", "-6 days")
        return func.strftime("%Y-%m-%d", column)
