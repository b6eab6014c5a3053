"""Instalments: generated in bulk when funding opens, for late joiners, and re-derived when a new
plan version applies to the instalments not yet due (confirmed and past ones never change)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete

from atlas_coop.adapters.bulk import insert_schedule
from atlas_coop.adapters.ledger_repositories import ContributionRepository, PlanRepository
from atlas_coop.adapters.orm import Contribution, ContributionPlan, CoopGroup, Member
from atlas_coop.adapters.repositories import MemberRepository
from atlas_coop.domain import notifications as n
from atlas_coop.domain.codes import DUE, GROUP, MEMBER, PLAN
from atlas_coop.domain.plan import DueAmount, amount_due
from atlas_coop.service_layer.notify import Message, notify
from atlas_coop.service_layer.views import plan_terms
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork


def schedule_of(plan: ContributionPlan, since: date | None = None) -> list[tuple[date, DueAmount]]:
    """Each instalment's due date and computed amount (computed once, shared by every member)."""
    terms = plan_terms(plan)
    return [(i.due_date, amount_due(terms, i.amount, i.due_date)) for i in terms.instalments
            if since is None or i.due_date >= since]


def bulk_insert(uow: UnitOfWork, group: CoopGroup, plan: ContributionPlan, member_ids: Sequence[uuid.UUID],
                schedule: Sequence[tuple[date, DueAmount]]) -> int:
    """The same instalments (computed once) for each of ``member_ids``, in one statement."""
    return insert_schedule(uow.session, org_id=group.org_id, group_id=group.id, plan_id=plan.id,
                           plan_version=plan.version, member_ids=member_ids, now=utcnow(),
                           schedule=[(d, due.base, due.years, due.amount) for d, due in schedule])


def _call_for_funds(schedule: Sequence[tuple[date, DueAmount]]) -> dict[str, str]:
    first_date, first = schedule[0]
    return {"instalment_count": str(len(schedule)), "first_due_date": first_date.isoformat(),
            "first_amount": str(first.amount)}


def open_funding(uow: UnitOfWork, group: CoopGroup) -> dict[str, Any]:
    """Every current member without instalments gets the current plan's schedule, and a call for funds;
    the summary goes in the audit event of the group's move to FUNDING_OPEN (one event, not one per row)."""
    plan = PlanRepository(uow.session).current(group.id)
    assert plan is not None  # the VALIDATED_PLAN guard ran before
    schedule = schedule_of(plan)
    members = MemberRepository(uow.session).current(group.id)
    served = ContributionRepository(uow.session).members_with_instalments(group.id)
    to_bill = [m for m in members if m.id not in served]
    count = bulk_insert(uow, group, plan, [m.id for m in to_bill], schedule)
    notify(uow, group, to_bill, Message(n.CALL_FOR_FUNDS, GROUP, group.id, f"funding-open:v{plan.version}",
                                        _call_for_funds(schedule), plan))
    return {"planId": plan.id, "planVersion": plan.version, "members": len(to_bill),
            "instalmentsPerMember": len(schedule), "instalments": count}


def bill_new_member(uow: UnitOfWork, group: CoopGroup, member: Member, today: date) -> int:
    """A member joining after funding opened owes the instalments due from their joining date."""
    plan = PlanRepository(uow.session).current(group.id)
    schedule = schedule_of(plan, since=today) if plan else []
    if not schedule:
        return 0
    count = bulk_insert(uow, group, plan, [member.id], schedule)
    notify(uow, group, [member], Message(n.CALL_FOR_FUNDS, MEMBER, member.id, f"join:v{plan.version}",
                                         _call_for_funds(schedule), plan))
    return count


def apply_version(uow: UnitOfWork, group: CoopGroup, plan: ContributionPlan, today: date) -> dict[str, int]:
    """Re-derive every instalment still DUE, not yet due and covered by the new version; add the new
    version's dates members do not have; remove DUE future dates the new version dropped."""
    schedule = dict(schedule_of(plan))
    rows = ContributionRepository(uow.session).of_group(group.id, due_after=today)
    counts = {"updated": 0, "unchanged": 0, "removed": 0, "added": 0, "keptDeclared": 0}
    dropped, dates_of = [], defaultdict(set)
    for row in rows:
        dates_of[row.member_id].add(row.due_date)
        if row.due_date < plan.effective_from:
            continue
        if row.status != DUE:
            counts["keptDeclared"] += 1
        elif row.due_date not in schedule:
            dropped.append(row.id)
        else:
            counts["updated" if _rederive(row, plan, schedule[row.due_date]) else "unchanged"] += 1
    if dropped:
        uow.session.execute(delete(Contribution).where(Contribution.id.in_(dropped)))
    counts["removed"] = len(dropped)
    members = MemberRepository(uow.session).current(group.id)
    served = ContributionRepository(uow.session).members_with_instalments(group.id)
    billed = [m for m in members if m.id in served]
    missing: dict[tuple[date, ...], list[uuid.UUID]] = defaultdict(list)  # dates to add -> members
    for m in billed:
        dates = tuple(d for d in schedule if d not in dates_of[m.id])
        if dates:
            missing[dates].append(m.id)
    counts["added"] = sum(bulk_insert(uow, group, plan, ids, [(d, schedule[d]) for d in dates])
                          for dates, ids in missing.items())
    new = [(m, d, schedule[d]) for dates, ids in missing.items() for m in ids for d in dates]
    _call_new_instalments(uow, group, plan, members, new)
    return counts


def _rederive(row: Contribution, plan: ContributionPlan, due: DueAmount) -> bool:
    changed = (row.amount_due, row.base_amount, row.indexation_years) != (due.amount, due.base, due.years)
    row.plan_id, row.plan_version = plan.id, plan.version
    row.base_amount, row.indexation_years, row.amount_due = due.base, due.years, due.amount
    row.version += 1
    row.updated_at = utcnow()
    return changed


def _call_new_instalments(uow: UnitOfWork, group: CoopGroup, plan: ContributionPlan,
                          members: Sequence[Member],
                          new: list[tuple[uuid.UUID, date, DueAmount]]) -> None:
    by_member: dict[uuid.UUID, list[tuple[date, DueAmount]]] = defaultdict(list)
    for member_id, due_date, due in new:
        by_member[member_id].append((due_date, due))
    called = [m for m in members if by_member.get(m.id)]
    notify(uow, group, called, Message(n.CALL_FOR_FUNDS, PLAN, plan.id, f"new-instalments:v{plan.version}",
                                       {}, plan),
           per_member={m.id: _call_for_funds(sorted(by_member[m.id], key=lambda p: p[0])) for m in called})
