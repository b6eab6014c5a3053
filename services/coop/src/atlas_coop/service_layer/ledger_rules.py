"""Ledger rules shared by managers' actions and the scheduled job: lateness with its penalty, and a
member in default while an instalment is late (back to active once everything late is settled)."""

from __future__ import annotations

from datetime import date
from typing import Any

from atlas_coop.adapters.ledger_repositories import ContributionRepository, PlanRepository
from atlas_coop.adapters.orm import Contribution, CoopGroup, Member
from atlas_coop.domain import notifications as n
from atlas_coop.domain.codes import CONTRIBUTION, MEMBER_ACTIVE, MEMBER_IN_DEFAULT, SYSTEM
from atlas_coop.domain.plan import PlanTerms, penalty_amount, periods_late
from atlas_coop.service_layer.guards import contribution_guards
from atlas_coop.service_layer.member_changes import change_member_status
from atlas_coop.service_layer.notify import Message, notify
from atlas_coop.service_layer.transitions import move
from atlas_coop.service_layer.views import contribution_view, member_view
from atlas_coop.service_layer.workflow_store import definition
from atlas_shared.db.uow import UnitOfWork


def set_penalty(c: Contribution, terms: PlanTerms, as_of: date) -> None:
    c.penalty_periods = periods_late(c.due_date, terms.grace_days, as_of)
    c.penalty = penalty_amount(terms.penalty, c.amount_due, c.penalty_periods)
    c.penalty_as_of = as_of


def ledger_move(uow: UnitOfWork, c: Contribution, code: str, payload: dict[str, Any], terms: PlanTerms,
                today: date, member: Member, roles: Any = None) -> None:
    move(uow, c, definition(uow, "LEDGER_CONTRIBUTION"), code, payload,
         contribution_guards(c, terms.grace_days, today),
         label=f"Échéance du {c.due_date.isoformat()} de {member.display_name}",
         entity_ref=(CONTRIBUTION, c.id), group_id=c.group_id, roles=roles)


def mark_late(uow: UnitOfWork, group: CoopGroup, member: Member, c: Contribution, terms: PlanTerms,
              today: date, roles: Any = None) -> None:
    before = contribution_view(c)
    ledger_move(uow, c, "MARK_LATE", {}, terms, today, member, roles)
    set_penalty(c, terms, today)
    uow.audit("COOP_INSTALMENT_MARKED_LATE", CONTRIBUTION, c.id, before=before, after=contribution_view(c),
              parent=("COOP_MEMBER", member.id), extra={"penaltyPeriods": c.penalty_periods, "asOf": today})
    notify(uow, group, [member], Message(n.PAYMENT_LATE, CONTRIBUTION, c.id, "late",
                                         {"due_date": c.due_date.isoformat(), "amount_due": str(c.amount_due),
                                          "penalty": str(c.penalty), "total": str(c.amount_due + c.penalty)},
                                         PlanRepository(uow.session).get(c.plan_id)))
    if member.status == MEMBER_ACTIVE:
        change_member_status(uow, member, MEMBER_IN_DEFAULT,
                             {"comment": f"Échéance du {c.due_date} en retard"},
                             member_view(member), roles=[SYSTEM])


def settle_default(uow: UnitOfWork, member: Member) -> None:
    """Nothing late any more: a member in default is active again."""
    if member.status == MEMBER_IN_DEFAULT and ContributionRepository(uow.session).count_late(member.id) == 0:
        change_member_status(uow, member, MEMBER_ACTIVE, {"comment": "Plus aucune échéance en retard"},
                             member_view(member), roles=[SYSTEM])
