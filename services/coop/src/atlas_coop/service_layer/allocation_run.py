"""One proposal run against the database: the facts it reads, the allocations it writes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from atlas_coop.adapters.ledger_repositories import (
    AllocationRepository,
    ContributionRepository,
    LotRepository,
)
from atlas_coop.adapters.orm import Allocation, CoopGroup, Lot, Member, Project
from atlas_coop.adapters.repositories import MemberRepository
from atlas_coop.domain import allocation as rules
from atlas_coop.domain import notifications as n
from atlas_coop.domain.codes import (
    ACT_SYSTEM,
    ALLOC_DECIDED,
    ALLOC_ELIGIBILITY_CHECK,
    ALLOC_PROPOSED,
    ALLOC_REJECTED,
    ALLOCATION,
    GROUP,
    LOT_AVAILABLE,
    LOT_RESERVED,
)
from atlas_coop.service_layer import timeline
from atlas_coop.service_layer.notify import Message, notify_each
from atlas_coop.service_layer.views import allocation_view
from atlas_shared.db.uow import UnitOfWork


@dataclass
class Facts:
    """What a run reads; holding the rows keeps them in the session for the writes that follow."""

    members: dict[str, Member]
    lots: dict[str, Lot]
    candidates: list[rules.Candidate]
    free_lots: list[rules.Lot]

    @classmethod
    def load(cls, uow: UnitOfWork, group: CoopGroup, project: Project, cutoff: date) -> Facts:
        lots = {str(lot.id): lot for lot in LotRepository(uow.session).of_project(project.id)}
        members = {str(m.id): m for m in MemberRepository(uow.session).of_group(group.id)}
        live = AllocationRepository(uow.session).of_project(project.id,
                                                            [ALLOC_ELIGIBILITY_CHECK, *ALLOC_DECIDED])
        holds = {str(a.member_id): lots[str(a.lot_id)].code for a in live}
        standing = ContributionRepository(uow.session).standing(group.id, cutoff)
        candidates = []
        for key, m in members.items():
            if m.fifo_rank is not None:
                settled, others = standing.get(m.id, (0, []))
                candidates.append(rules.Candidate(key, m.fifo_rank, m.status, m.in_dispute,
                                                  tuple(m.lot_preferences or ()), tuple(others),
                                                  holds.get(key), settled))
        free = [rules.Lot(key, lot.code) for key, lot in lots.items() if lot.status == LOT_AVAILABLE]
        return cls(members, lots, candidates, free)


def refused(uow: UnitOfWork, project: Project) -> dict[str, set[str]]:
    """Member id → the lots a manager rejected for them in this project."""
    found: dict[str, set[str]] = {}
    for a in AllocationRepository(uow.session).of_project(project.id, [ALLOC_REJECTED]):
        found.setdefault(str(a.member_id), set()).add(str(a.lot_id))
    return found


def create(uow: UnitOfWork, group: CoopGroup, project: Project, facts: Facts,
           outcome: rules.Outcome) -> list[Allocation]:
    """Each proposal as an allocation holding its lot (RESERVED), audited, and the member told."""
    created = []
    for proposal in outcome.proposals:
        created.append(Allocation(
            group_id=group.id, project_id=project.id, lot_id=uuid.UUID(proposal.lot_id),
            member_id=uuid.UUID(proposal.member_id), fifo_rank=proposal.fifo_rank, status=ALLOC_PROPOSED,
            cutoff_date=outcome.cutoff, explanation=proposal.explanation, proposed_by=uow.ctx.user_id,
            version=1))
        facts.lots[proposal.lot_id].status = LOT_RESERVED
    uow.session.add_all(created)
    uow.session.flush()
    messages = []
    for allocation, proposal in zip(created, outcome.proposals, strict=True):
        uow.audit("CREATE", ALLOCATION, allocation.id, after=allocation_view(allocation),
                  parent=(GROUP, group.id))
        variables = {"lot_code": proposal.lot_code, "project_name": project.name,
                     "fifo_rank": str(proposal.fifo_rank)}
        message = Message(n.ALLOCATION_PROPOSED, ALLOCATION, allocation.id, "proposed", variables)
        messages.append((facts.members[proposal.member_id], message, {}))
    notify_each(uow, group, messages)
    return created


def record_run(uow: UnitOfWork, group: CoopGroup, project: Project, cutoff: date,
               created: list[Allocation], skipped: list[dict[str, Any]], superseded: int) -> None:
    summary = {"projectId": project.id, "cutoffDate": cutoff, "proposals": len(created),
               "superseded": superseded,
               "skipped": [{"memberId": s["memberId"], "reasons": [r["code"] for r in s["reasons"]]}
                           for s in skipped]}
    uow.audit("COOP_ALLOCATION_RUN", GROUP, group.id, extra=summary)
    timeline.record(uow, group.id, (GROUP, group.id), ACT_SYSTEM,
                    f"Proposition d'attribution ({project.name}) : {len(created)} lot(s) proposé(s), "
                    f"{len(skipped)} membre(s) écarté(s), échéances arrêtées au {cutoff.isoformat()}",
                    summary)
