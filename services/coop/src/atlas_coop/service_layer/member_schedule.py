"""A member's schedule: one row per instalment — base, indexation, penalty, total — and the formula
in plain French, with each row's own calculation, so every number can be checked by hand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from atlas_coop.adapters.ledger_repositories import ContributionRepository, PlanRepository
from atlas_coop.adapters.orm import Contribution, ContributionPlan
from atlas_coop.adapters.repositories import MemberRepository
from atlas_coop.domain import schedule as rules
from atlas_coop.domain.ledger import totals
from atlas_coop.domain.plan import PlanTerms
from atlas_coop.service_layer import access
from atlas_coop.service_layer.views import plan_terms
from atlas_shared.db.uow import UnitOfWork


def get_schedule(uow: UnitOfWork, member_id: Any) -> dict[str, Any]:
    access.require_reader(uow, "read schedules")
    with uow:
        member = MemberRepository(uow.session).get(member_id)
        access.ensure_member_access(uow, member)
        plans = PlanRepository(uow.session)
        current = plans.current(member.group_id)
        contributions = ContributionRepository(uow.session).of_member(member.id)
        versions = plans.by_ids({c.plan_id for c in contributions} | ({current.id} if current else set()))
        terms = {p.id: plan_terms(p) for p in versions.values()}
        return {"memberId": member.id, "groupId": member.group_id,
                "projected": not contributions and current is not None,
                "planId": current.id if current else None,
                "planVersion": current.version if current else None,
                "explanation": rules.explanation(terms[current.id], current.version) if current else None,
                "explanations": {str(p.version): rules.explanation(terms[p.id], p.version)
                                 for p in sorted(versions.values(), key=lambda p: p.version)},
                "rows": _rows(contributions, terms, current),
                "totals": totals((c.status, c.amount_due, c.penalty, c.amount_paid)
                                 for c in contributions).as_dict()}


def _rows(contributions: Sequence[Contribution], terms: dict[Any, PlanTerms],
          current: ContributionPlan | None) -> list[dict[str, Any]]:
    """The member's instalments, or before funding opens, what the current plan will ask of them."""
    if contributions:
        return [_row(terms[c.plan_id], _line(c), c.plan_version, c) for c in contributions]
    if current is None:
        return []
    projected = rules.projected_lines(terms[current.id])
    return [_row(terms[current.id], line, current.version) for line in projected]


def _line(c: Contribution) -> rules.Line:
    return rules.Line(c.due_date, c.base_amount, c.indexation_years, c.amount_due, c.penalty,
                      c.penalty_periods, c.status)


def _row(terms: PlanTerms, line: rules.Line, version: int, c: Contribution | None = None) -> dict[str, Any]:
    return {"contributionId": c.id if c else None, "dueDate": line.due_date, "planVersion": version,
            "status": line.status, "base": line.base, "indexation": line.amount_due - line.base,
            "amountDue": line.amount_due, "penalty": line.penalty, "total": line.amount_due + line.penalty,
            "amountPaid": c.amount_paid if c else None, "paidDate": c.paid_date if c else None,
            "penaltyAsOf": c.penalty_as_of if c else None,
            "calculation": {"indexation": rules.indexation_text(terms, line),
                            "penalty": rules.penalty_text(terms, line)}}
