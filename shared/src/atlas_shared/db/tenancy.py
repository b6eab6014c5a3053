"""Tenant scoping that cannot be forgotten.

Every model that inherits ``TenantScoped`` is filtered by the session's org on every ORM SELECT,
UPDATE and DELETE, and stamped with it on insert. A session with no org refuses to touch tenant data
at all, unless it was opened with the one explicit, greppable bypass: ``tenant_bypass=True`` (system
jobs such as consumers that fan out across orgs).
"""

from __future__ import annotations

import uuid

from sqlalchemy import event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, with_loader_criteria
from sqlalchemy.sql import util as sql_util

from atlas_shared.db.types import UuidType

ORG_KEY = "org_id"
BYPASS_KEY = "tenant_bypass"


class TenantScopeMissing(RuntimeError):
    """Tenant data was queried from a session that has no org and no explicit bypass."""


class TenantScoped:
    """Mixin for every row that belongs to one organisation."""

    org_id: Mapped[uuid.UUID] = mapped_column(UuidType, nullable=False, index=True)


def _tenant_tables() -> set[str]:
    return {cls.__table__.name for cls in _all_subclasses(TenantScoped) if hasattr(cls, "__table__")}


def _all_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


def _touches_tenant_data(state: ORMExecuteState) -> bool:
    """True when any table of the statement, subqueries included, holds tenant rows."""
    if any(issubclass(m.class_, TenantScoped) for m in state.all_mappers):
        return True
    names = _tenant_tables()
    return any(getattr(t, "name", None) in names
               for t in sql_util.find_tables(state.statement, include_aliases=True,
                                             include_joins=True, include_selects=True,
                                             include_crud=True))


def _session_org(session: Session) -> uuid.UUID | None:
    org = session.info.get(ORG_KEY)
    return uuid.UUID(str(org)) if org is not None else None


def install_tenant_guard(session_class: type[Session]) -> None:
    """Attach the scoping hooks to a Session class (done once by ``Database``)."""

    @event.listens_for(session_class, "do_orm_execute")
    def _scope(state: ORMExecuteState) -> None:
        if not (state.is_select or state.is_update or state.is_delete):
            return
        if state.session.info.get(BYPASS_KEY) or state.execution_options.get(BYPASS_KEY):
            return
        org = _session_org(state.session)
        if not state.is_orm_statement:
            # Core statements on tenant tables would escape the ORM criteria below.
            if _touches_tenant_data(state):
                raise TenantScopeMissing("tenant tables must be queried through their ORM model")
            return
        if org is None:
            if not _touches_tenant_data(state):
                return
            raise TenantScopeMissing("tenant data queried without an org; open the unit of work "
                                     "for an org or pass tenant_bypass=True for a system job")
        # Applied to every statement, so tenant tables inside subqueries (counts) are scoped too.
        state.statement = state.statement.options(
            with_loader_criteria(TenantScoped, lambda cls: cls.org_id == org, include_aliases=True)
        )

    @event.listens_for(session_class, "before_flush")
    def _stamp(session: Session, flush_context, instances) -> None:  # type: ignore[no-untyped-def]
        org = _session_org(session)
        bypass = session.info.get(BYPASS_KEY)
        for obj in session.new:
            if not isinstance(obj, TenantScoped):
                continue
            if obj.org_id is None:
                if org is None:
                    raise TenantScopeMissing(f"{type(obj).__name__} created without an org")
                obj.org_id = org
            elif not bypass and obj.org_id != org:
                raise TenantScopeMissing(f"{type(obj).__name__} written for another org")
        for obj in session.dirty:
            if isinstance(obj, TenantScoped) and not bypass and obj.org_id != org:
                raise TenantScopeMissing(f"{type(obj).__name__} moved to another org")
