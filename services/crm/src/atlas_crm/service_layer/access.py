"""Who may see and change CRM data (domain.md section 2), checked here, in the service layer.

ADMIN_ORG and MANAGER work on every dossier of the org; an AGENT only on the dossiers assigned to
them (others answer 404, as if absent, and are left out of lists). MODERATOR and OWNER see no CRM
data for now (403): the owner's view of cases linked to their listings is not built yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from atlas_crm.adapters.orm import Dossier
from atlas_crm.adapters.repositories import DossierRepository, SatelliteRepository
from atlas_shared.context import RequestContext
from atlas_shared.db.repository import Page, Repository
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import PreconditionFailed
from atlas_shared.web.auth import require_role

MANAGERS = ("ADMIN_ORG", "MANAGER")
CRM_ROLES = (*MANAGERS, "AGENT")
ADMIN = ("ADMIN_ORG",)


def require_crm(ctx: RequestContext, action: str) -> None:
    require_role(ctx, CRM_ROLES, action=action)


def agent_scope(ctx: RequestContext) -> str | None:
    """The user whose dossiers this caller is limited to, or None for org-wide access."""
    if ctx.has_any_role(*MANAGERS, "SYSTEM"):
        return None
    return ctx.user_id


def may_see(ctx: RequestContext, dossier: Dossier) -> bool:
    scope = agent_scope(ctx)
    return scope is None or dossier.assigned_to == scope


def load_dossier(uow: UnitOfWork, dossier_id: Any, *, for_update: bool = False) -> Dossier:
    """The dossier (by id or alias), or 404 CASE_NOT_FOUND when absent, elsewhere or not the agent's."""
    dossier = DossierRepository(uow.session).get(dossier_id, for_update=for_update)
    if not may_see(uow.ctx, dossier):
        raise DossierRepository.not_found(f"Dossier {dossier_id} not found.", code="CASE_NOT_FOUND")
    return dossier


def load_satellite(uow: UnitOfWork, repository: type[Repository[Any]], entity_id: Any, *,
                   for_update: bool = False) -> tuple[Any, Dossier]:
    """A row hanging off a dossier and that dossier; 404 unless the caller may see the dossier.

    For a write, the dossier is locked before the row, in the order every other use case locks them.
    """
    repo = repository(uow.session)
    row = repo.get(entity_id)
    dossier = DossierRepository(uow.session).get(row.dossier_id, for_update=for_update)
    if not may_see(uow.ctx, dossier):
        raise repo.not_found(f"{repo.label} {entity_id} not found.")
    return (repo.get(entity_id, for_update=True) if for_update else row), dossier


def list_for_dossier(uow: UnitOfWork, repository: type[SatelliteRepository], query: dict[str, Any],
                     view: Callable[[Any], dict[str, Any]], action: str,
                     **equal: Any) -> Page[dict[str, Any]]:
    """A page of the rows hanging off the dossier ``query["dossierId"]`` (filtered by ``equal``)."""
    require_crm(uow.ctx, action)
    with uow:
        dossier = load_dossier(uow, query["dossierId"])
        page = repository(uow.session).for_dossier(dossier.id, query.get("page", 1), query.get("size", 20),
                                                   **equal)
        return page.map(view)


def check_version(dossier: Dossier, expected: int | None) -> None:
    """Optimistic concurrency (If-Match): refuse a change made on a stale copy."""
    if expected is not None and expected != dossier.version:
        raise PreconditionFailed(f"The dossier changed since you read it (version {dossier.version}).",
                                 {"expectedVersion": expected, "currentVersion": dossier.version})
