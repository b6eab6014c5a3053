"""Allocation use cases: propose in FIFO order (domain.allocation), list and read proposals.

Deciding on a proposal (validate, assign, sign, reject) is in ``allocation_actions``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from atlas_coop.adapters.ledger_repositories import AllocationRepository, PlanRepository, ProjectRepository
from atlas_coop.adapters.orm import CoopGroup, Project
from atlas_coop.adapters.repositories import GroupRepository, MemberRepository
from atlas_coop.domain import allocation as rules
from atlas_coop.domain.codes import ALLOC_PROPOSED, GROUP_ALLOCATION_RUNNING, SYSTEM
from atlas_coop.service_layer import access, clock
from atlas_coop.service_layer.allocation_release import end
from atlas_coop.service_layer.allocation_run import Facts, create, record_run, refused
from atlas_coop.service_layer.views import allocation_view
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Conflict, ValidationFailed


def propose(uow: UnitOfWork, group_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    access.require_manager(uow, "run the allocation")
    with uow:
        group = GroupRepository(uow.session).get(group_id, for_update=True)  # one run at a time
        if group.status != GROUP_ALLOCATION_RUNNING:
            raise Conflict(f"Allocation runs only while the group is {GROUP_ALLOCATION_RUNNING} "
                           f"(now {group.status}).", {"status": group.status}, code="ALLOCATION_NOT_RUNNING")
        project = _project_of(uow, group, data["projectId"])
        cutoff = _cutoff(uow, group, data.get("cutoffDate"))
        superseded = AllocationRepository(uow.session).of_project(project.id, [ALLOC_PROPOSED])
        for old in superseded:
            end(uow, old, "SUPERSEDE", {"reason": "Remplacée par une nouvelle proposition"}, roles=[SYSTEM])
        facts = Facts.load(uow, group, project, cutoff)
        outcome = rules.allocate(facts.candidates, facts.free_lots, cutoff, refused(uow, project))
        created = create(uow, group, project, facts, outcome)
        skipped = [{"memberId": s.member_id, "fifoRank": s.fifo_rank, "reasons": list(s.reasons)}
                   for s in outcome.skipped]
        record_run(uow, group, project, cutoff, created, skipped, len(superseded))
        uow.commit()
        return {"proposals": [allocation_view(a) for a in created], "skipped": skipped,
                "cutoffDate": cutoff, "order": outcome.order, "superseded": len(superseded)}


def _project_of(uow: UnitOfWork, group: CoopGroup, project_id: Any) -> Project:
    project = ProjectRepository(uow.session).get(project_id)
    if project.group_id != group.id:
        raise ValidationFailed(details={"projectId": [f"Project {project_id} belongs to another group."]})
    return project


def _cutoff(uow: UnitOfWork, group: CoopGroup, given: date | None) -> date:
    if given is not None:
        return given
    plan = PlanRepository(uow.session).current(group.id)
    return plan.cutoff_date if plan and plan.cutoff_date else clock.today()


def list_allocations(uow: UnitOfWork, group_id: Any, filters: dict[str, Any]) -> Any:
    access.require_reader(uow, "read allocations")
    with uow:
        group = GroupRepository(uow.session).get(group_id)
        access.ensure_group_access(uow, group)
        own = access.own_member_ids(uow, group.id) if access.member_only(uow) else None
        return AllocationRepository(uow.session).search(group.id, filters, own).map(allocation_view)


def get_allocation(uow: UnitOfWork, allocation_id: Any) -> dict[str, Any]:
    access.require_reader(uow, "read allocations")
    with uow:
        allocation = AllocationRepository(uow.session).get(allocation_id)
        member = MemberRepository(uow.session).get(allocation.member_id)
        access.ensure_member_access(uow, member)
        return allocation_view(allocation)
