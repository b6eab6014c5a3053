"""Giving a lot back: an allocation rejected or superseded frees its lot for the next eligible member."""

from __future__ import annotations

from typing import Any

from atlas_coop.adapters.ledger_repositories import AllocationRepository, LotRepository
from atlas_coop.adapters.orm import Allocation, Member
from atlas_coop.domain.codes import (
    ALLOC_APPROVED,
    ALLOC_ASSIGNED,
    ALLOC_ELIGIBILITY_CHECK,
    ALLOC_PROPOSED,
    ALLOC_REJECTED,
    ALLOCATION,
    LOT_AVAILABLE,
    SYSTEM,
)
from atlas_coop.service_layer.guards import allocation_guards
from atlas_coop.service_layer.transitions import move
from atlas_coop.service_layer.views import allocation_view
from atlas_coop.service_layer.workflow_store import definition
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork

RELEASABLE = (ALLOC_PROPOSED, ALLOC_ELIGIBILITY_CHECK, ALLOC_APPROVED, ALLOC_ASSIGNED)


def step(uow: UnitOfWork, allocation: Allocation, code: str, payload: dict[str, Any],
         roles: Any = None) -> None:
    """One move of the COOP_ALLOCATION workflow, on the group's timeline."""
    move(uow, allocation, definition(uow, "COOP_ALLOCATION"), code, payload,
         allocation_guards(uow, allocation),
         label=f"Attribution du lot {allocation.explanation.get('lotCode')}",
         entity_ref=(ALLOCATION, allocation.id), group_id=allocation.group_id, roles=roles)


def free_lot(uow: UnitOfWork, allocation: Allocation) -> None:
    lot = LotRepository(uow.session).get(allocation.lot_id, for_update=True)
    lot.status, lot.updated_at = LOT_AVAILABLE, utcnow()


def end(uow: UnitOfWork, allocation: Allocation, code: str, payload: dict[str, Any],
        roles: Any = None) -> None:
    """REJECT (a manager, with a reason) or SUPERSEDE (a new proposal run): the lot is free again."""
    before = allocation_view(allocation)
    step(uow, allocation, code, payload, roles)
    allocation.reason = payload.get("reason")
    uow.session.flush()  # the partial unique index must see the lot released before it is proposed again
    free_lot(uow, allocation)
    action = "COOP_ALLOCATION_" + ("REJECTED" if allocation.status == ALLOC_REJECTED else "SUPERSEDED")
    uow.audit(action, ALLOCATION, allocation.id, before=before, after=allocation_view(allocation),
              extra=payload)


def release_member(uow: UnitOfWork, member: Member, reason: str) -> None:
    """A member who leaves gives back every lot not yet under signed contract."""
    for allocation in AllocationRepository(uow.session).of_member(member.id, RELEASABLE):
        end(uow, allocation, "REJECT", {"reason": reason}, roles=[SYSTEM, *uow.ctx.roles])
