"""Who may see and change CRM data (domain.md section 2), checked here, in the service layer.

ADMIN_ORG and MANAGER work on every dossier of the org; an AGENT only on the dossiers assigned to
them (others answer 404, as if absent, and are left out of lists). A property OWNER (and no CRM role)
reads, and only reads, the dossiers on their own listings and their appointments, as the org's
``ownerCaseAccess`` setting allows: NONE (403), MASKED (the case without the lead's contact details, the
visits without the agency's notes) or FULL; the other satellites and every change stay 403 for them.
MODERATOR sees no CRM data (403).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from atlas_crm.adapters.orm import Dossier, OrgSettings
from atlas_crm.adapters.repositories import DossierRepository, SatelliteRepository
from atlas_crm.domain.policies import OWNER_FULL, OWNER_MASKED, OWNER_NONE
from atlas_shared.context import RequestContext
from atlas_shared.db.repository import Page, Repository
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Forbidden, PreconditionFailed
from atlas_shared.web.auth import require_role

MANAGERS = ("ADMIN_ORG", "MANAGER")
CRM_ROLES = (*MANAGERS, "AGENT")
ADMIN = ("ADMIN_ORG",)
OWNER = "OWNER"


def require_crm(ctx: RequestContext, action: str) -> None:
    require_role(ctx, CRM_ROLES, action=action)


def owner_only(ctx: RequestContext) -> bool:
    """A property owner with no CRM role: sees dossiers through ``owner_scope``."""
    return ctx.has_any_role(OWNER) and not ctx.has_any_role(*CRM_ROLES, "SYSTEM")


def owner_scope(uow: UnitOfWork, action: str) -> tuple[str | None, str]:
    """For the dossier reads an owner may make: (the owner whose listings bound what is seen, or None
    for a CRM role; the org's owner access). A caller who is neither, or an owner where access is NONE,
    gets 403."""
    if not owner_only(uow.ctx):
        require_crm(uow.ctx, action)
        return None, OWNER_FULL
    access = effective_owner_access(uow)
    if access == OWNER_NONE:
        raise Forbidden("This organisation does not show its dossiers to property owners.")
    return uow.ctx.user_id, access


def effective_owner_access(uow: UnitOfWork) -> str:
    row = uow.session.get(OrgSettings, uuid.UUID(str(uow.ctx.org_id)))
    return row.owner_case_access if row is not None else OWNER_MASKED


def agent_scope(ctx: RequestContext) -> str | None:
    """The user whose dossiers this caller is limited to, or None for org-wide access."""
    if ctx.has_any_role(*MANAGERS, "SYSTEM"):
        return None
    return ctx.user_id


def may_see(ctx: RequestContext, dossier: Dossier) -> bool:
    scope = agent_scope(ctx)
    return scope is None or dossier.assigned_to == scope


def load_dossier(uow: UnitOfWork, dossier_id: Any, *, for_update: bool = False,
                 owner: str | None = None) -> Dossier:
    """The dossier (by id or alias), or 404 CASE_NOT_FOUND when absent, elsewhere, not the agent's, or —
    for ``owner`` — not on one of their listings."""
    repo = DossierRepository(uow.session)
    dossier = repo.get(dossier_id, for_update=for_update)
    visible = repo.on_listing_of(dossier, owner) if owner is not None else may_see(uow.ctx, dossier)
    if not visible:
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
                     view: Callable[[Any], dict[str, Any]], action: str, *,
                     for_owner: Callable[[dict[str, Any], str], dict[str, Any]] | None = None,
                     **equal: Any) -> Page[dict[str, Any]]:
    """A page of the rows hanging off the dossier ``query["dossierId"]`` (filtered by ``equal``).
    With ``for_owner`` (what a property owner may see of a row, given the org's owner access), an
    owner may list the rows of a dossier on one of their listings too."""
    if for_owner is None:
        require_crm(uow.ctx, action)
    with uow:
        owner, access = owner_scope(uow, action) if for_owner is not None else (None, OWNER_FULL)
        dossier = load_dossier(uow, query["dossierId"], owner=owner)
        page = repository(uow.session).for_dossier(dossier.id, query.get("page", 1), query.get("size", 20),
                                                   **equal)
        if owner is not None and for_owner is not None:
            return page.map(lambda row: for_owner(view(row), access))
        return page.map(view)


def check_version(dossier: Dossier, expected: int | None) -> None:
    """Optimistic concurrency (If-Match): refuse a change made on a stale copy."""
    if expected is not None and expected != dossier.version:
        raise PreconditionFailed(f"The dossier changed since you read it (version {dossier.version}).",
                                 {"expectedVersion": expected, "currentVersion": dossier.version})
