"""The ledger: members declare payments with proof; managers confirm, reject, mark late or waive."""

from __future__ import annotations

from typing import Any

from atlas_coop.adapters.ledger_repositories import ContributionRepository, PlanRepository
from atlas_coop.adapters.orm import Contribution
from atlas_coop.adapters.repositories import DocumentRepository, GroupRepository, MemberRepository
from atlas_coop.domain.codes import CONFIRMED, CONTRIBUTION, DOC_PAYMENT_PROOF, LATE, MEMBER, WAIVED
from atlas_coop.domain.money import fr_amount
from atlas_coop.service_layer import access, clock
from atlas_coop.service_layer.ledger_rules import ledger_move, mark_late, set_penalty, settle_default
from atlas_coop.service_layer.views import contribution_view, plan_terms
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import ValidationFailed

DECISIONS = {"CONFIRM": "COOP_PAYMENT_CONFIRMED", "REJECT": "COOP_PAYMENT_REJECTED",
             "WAIVE": "COOP_INSTALMENT_WAIVED"}


def declare(uow: UnitOfWork, group_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    access.require_reader(uow, "declare payments")
    with uow:
        group = GroupRepository(uow.session).get(group_id)
        c = ContributionRepository(uow.session).get(data["contributionId"], for_update=True)
        if c.group_id != group.id:
            raise ValidationFailed(details={"contributionId": ["Not an instalment of this group."]})
        member = MemberRepository(uow.session).get(c.member_id)
        access.ensure_member_access(uow, member)
        terms = plan_terms(PlanRepository(uow.session).get(c.plan_id))
        before = contribution_view(c)
        _check_declaration(uow, c, data)
        ledger_move(uow, c, "DECLARE", {}, terms, clock.today(), member)
        set_penalty(c, terms, data["paidDate"])
        _check_amount(c, data)
        c.amount_paid, c.paid_date, c.method = data["amountPaid"], data["paidDate"], data["method"]
        c.proof_document_id, c.declared_by, c.decision_reason = data["proofDocumentId"], uow.ctx.user_id, None
        uow.audit("COOP_PAYMENT_DECLARED", CONTRIBUTION, c.id, before=before, after=contribution_view(c),
                  parent=(MEMBER, member.id))
        uow.commit()
        return contribution_view(c)


def _check_declaration(uow: UnitOfWork, c: Contribution, data: dict[str, Any]) -> None:
    errors = {}
    if data["paidDate"] > clock.today():
        errors["paidDate"] = ["A payment is declared once made: the date cannot be in the future."]
    proof = DocumentRepository(uow.session).find(data["proofDocumentId"])
    if proof is None or proof.entity_id != c.member_id or proof.type != DOC_PAYMENT_PROOF:
        errors["proofDocumentId"] = [f"Must be a {DOC_PAYMENT_PROOF} uploaded to this member "
                                     f"(POST /api/v1/coop/members/{c.member_id}/documents)."]
    if errors:
        raise ValidationFailed("The payment declaration is not valid.", errors)


def _check_amount(c: Contribution, data: dict[str, Any]) -> None:
    owed = c.amount_due + c.penalty
    if data["amountPaid"] != owed:
        detail = f"{fr_amount(c.amount_due)} dus"
        if c.penalty:
            detail += f" + {fr_amount(c.penalty)} de pénalité ({c.penalty_periods} période(s))"
        raise ValidationFailed("The amount paid must settle the instalment exactly.", {"amountPaid": [
            f"Expected {owed} MAD for a payment on {data['paidDate'].isoformat()} ({detail})."]})


def decide(uow: UnitOfWork, contribution_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    access.require_manager(uow, "decide on contributions")
    with uow:
        c = ContributionRepository(uow.session).get(contribution_id, for_update=True)
        member = MemberRepository(uow.session).get(c.member_id, for_update=True)
        group = GroupRepository(uow.session).get(c.group_id)
        terms, today = plan_terms(PlanRepository(uow.session).get(c.plan_id)), clock.today()
        if data["action"] == "MARK_LATE":
            mark_late(uow, group, member, c, terms, today)
        else:
            _decision(uow, c, member, data, terms, today)
        uow.commit()
        return contribution_view(c)


def _decision(uow: UnitOfWork, c: Contribution, member: Any, data: dict[str, Any], terms: Any,
              today: Any) -> None:
    before = contribution_view(c)
    payload = {"reason": data["reason"]} if data.get("reason") else {}
    was_late = c.status == LATE
    ledger_move(uow, c, data["action"], payload, terms, today, member)
    c.decided_by, c.decided_at, c.decision_reason = uow.ctx.user_id, utcnow(), data.get("reason")
    if c.status == WAIVED and was_late:
        set_penalty(c, terms, today)  # frozen at the waiver: the record says what was forgiven
    uow.audit(DECISIONS[data["action"]], CONTRIBUTION, c.id, before=before, after=contribution_view(c),
              parent=(MEMBER, member.id), extra=payload)
    if c.status in (CONFIRMED, WAIVED):
        settle_default(uow, member)
