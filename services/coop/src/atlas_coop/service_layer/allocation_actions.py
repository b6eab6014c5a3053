"""Deciding on a proposed allocation: VALIDATE (PV attached, eligibility checked again), ASSIGN, SIGN
(contract attached), REJECT (the lot goes back for the next eligible member)."""

from __future__ import annotations

from typing import Any

from atlas_coop.adapters.ledger_repositories import (
    AllocationRepository,
    ContributionRepository,
    LotRepository,
)
from atlas_coop.adapters.orm import Allocation
from atlas_coop.adapters.repositories import DocumentRepository, GroupRepository, MemberRepository
from atlas_coop.domain import allocation as rules
from atlas_coop.domain import notifications as n
from atlas_coop.domain.codes import ALLOC_ASSIGNED, ALLOCATION, DOC_CONTRACT, DOC_PV, LOT_ASSIGNED, SYSTEM
from atlas_coop.service_layer import access
from atlas_coop.service_layer.allocation_release import end, step
from atlas_coop.service_layer.notify import Message, notify
from atlas_coop.service_layer.views import allocation_view
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.workflow import GuardFailed

ACTIONS = {"VALIDATE": "COOP_ALLOCATION_VALIDATED", "ASSIGN": "COOP_ALLOCATION_ASSIGNED",
           "SIGN": "COOP_ALLOCATION_SIGNED"}


def act(uow: UnitOfWork, allocation_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    access.require_manager(uow, "decide on allocations")
    with uow:
        allocation = AllocationRepository(uow.session).get(allocation_id, for_update=True)
        action, payload = data["action"], {"reason": data["reason"]} if data.get("reason") else {}
        if action == "REJECT":
            end(uow, allocation, "REJECT", payload)
        else:
            _advance(uow, allocation, action, payload)
        uow.commit()
        return allocation_view(allocation)


def _advance(uow: UnitOfWork, allocation: Allocation, action: str, payload: dict[str, Any]) -> None:
    before = allocation_view(allocation)
    step(uow, allocation, action, payload)
    extra: dict[str, Any] = dict(payload)
    if action == "VALIDATE":
        _still_eligible(uow, allocation)
        step(uow, allocation, "APPROVE", {}, roles=[SYSTEM])
        allocation.decision_document_id = _latest(uow, allocation, DOC_PV)
        extra["documentId"] = allocation.decision_document_id
    elif action == "SIGN":
        extra["contractDocumentId"] = _latest(uow, allocation, DOC_CONTRACT)
    elif allocation.status == ALLOC_ASSIGNED:
        LotRepository(uow.session).get(allocation.lot_id, for_update=True).status = LOT_ASSIGNED
    uow.audit(ACTIONS[action], ALLOCATION, allocation.id, before=before, after=allocation_view(allocation),
              extra=extra)
    _tell_member(uow, allocation, action)


def _still_eligible(uow: UnitOfWork, allocation: Allocation) -> None:
    member = MemberRepository(uow.session).get(allocation.member_id)
    settled, others = ContributionRepository(uow.session).standing(
        allocation.group_id, allocation.cutoff_date, member.id).get(member.id, (0, []))
    candidate = rules.Candidate(str(member.id), allocation.fifo_rank, member.status, member.in_dispute,
                                instalments=tuple(others), settled=settled)
    reasons = rules.ineligibility(candidate, allocation.cutoff_date)
    if reasons:
        raise GuardFailed("The member is no longer eligible for this lot; reject the proposal and run the "
                          "allocation again.", {"reasons": reasons})


def _latest(uow: UnitOfWork, allocation: Allocation, doc_type: str) -> Any:
    docs = DocumentRepository(uow.session).of_entity(ALLOCATION, allocation.id, doc_type)
    return docs[-1].id if docs else None


def _tell_member(uow: UnitOfWork, allocation: Allocation, action: str) -> None:
    group = GroupRepository(uow.session).get(allocation.group_id)
    member = MemberRepository(uow.session).get(allocation.member_id)
    lot_code = allocation.explanation.get("lotCode", "")
    if action == "ASSIGN":
        message = Message(n.ALLOCATION_ASSIGNED, ALLOCATION, allocation.id, "assigned",
                          {"lot_code": lot_code})
    else:
        message = Message(n.STATUS_CHANGE, ALLOCATION, allocation.id, action.lower(),
                          {"subject": f"votre attribution du lot {lot_code}", "status": allocation.status})
    notify(uow, group, [member], message)
