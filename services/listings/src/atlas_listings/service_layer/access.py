"""Who may touch a listing, and loading it for a change."""

from __future__ import annotations

from typing import Any

from atlas_listings.adapters.orm import Annonce
from atlas_listings.adapters.repositories import AnnonceRepository
from atlas_listings.domain import annonce as rules
from atlas_shared.context import RequestContext
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import TransitionNotAllowed

WRITERS = ("ADMIN_ORG", "MANAGER", "AGENT")
READERS = (*WRITERS, "MODERATOR", "OWNER")
MODERATORS = ("ADMIN_ORG", "MANAGER", "MODERATOR")
OVERRIDERS = ("ADMIN_ORG", "MANAGER")


def load_for_write(uow: UnitOfWork, annonce_id: Any) -> Annonce:
    """The listing, locked, for a change: 404 outside the caller's reach, 409 once archived."""
    annonce = AnnonceRepository(uow.session).get(annonce_id, for_update=True)
    check_owner(uow.ctx, annonce)
    if annonce.status == rules.ARCHIVED:
        raise TransitionNotAllowed("An archived listing can no longer be changed.",
                                   {"status": annonce.status})
    return annonce


def check_owner(ctx: RequestContext, annonce: Annonce) -> None:
    """An OWNER works only on their own listings; others' are as good as absent (404)."""
    if ctx.roles == frozenset({"OWNER"}) and annonce.owner_user_id != ctx.user_id:
        raise AnnonceRepository.not_found(f"Listing {annonce.id} not found.", code="LISTING_NOT_FOUND")


