"""Contribution plans: each change is a new version, adopted by minutes (PV), applied to the
instalments not yet due, and announced to the members."""

from __future__ import annotations

from typing import Any

from atlas_coop.adapters.ledger_repositories import ContributionRepository, PlanRepository
from atlas_coop.adapters.orm import ContributionPlan
from atlas_coop.adapters.repositories import GroupRepository, MemberRepository
from atlas_coop.domain import notifications as n
from atlas_coop.domain import plan as rules
from atlas_coop.domain.codes import ACT_SYSTEM, GROUP, PLAN
from atlas_coop.domain.schedule import explanation
from atlas_coop.service_layer import access, clock, instalments, timeline, workflow_store
from atlas_coop.service_layer.guards import decision_document
from atlas_coop.service_layer.notify import Message, notify
from atlas_coop.service_layer.views import plan_terms, plan_view
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Conflict, ValidationFailed


def terms_of(data: dict[str, Any]) -> rules.PlanTerms:
    penalty = data.get("penalty")
    return rules.PlanTerms(
        effective_from=data["effectiveFrom"], grace_days=data.get("graceDays", 0),
        cutoff_date=data.get("cutoffDate"),
        instalments=tuple(rules.Instalment(i["dueDate"], i["amount"]) for i in data["instalments"]),
        indexation_rate=data["indexation"]["rate"] if data.get("indexation") else None,
        penalty=rules.Penalty(penalty["type"], penalty["value"]) if penalty else None)


def create_plan(uow: UnitOfWork, group_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    access.require_manager(uow, "adopt contribution plans")
    with uow:
        group = GroupRepository(uow.session).get(group_id, for_update=True)
        if workflow_store.definition(uow, "COOP_GROUP").is_terminal(group.status):
            raise Conflict(f"The group is {group.status}: its plan can no longer change.",
                           {"status": group.status})
        terms = terms_of(data)
        funded = bool(ContributionRepository(uow.session).members_with_instalments(group.id))
        _validate(uow, group.id, data, terms, funded)
        current = PlanRepository(uow.session).current(group.id)
        version = current.version + 1 if current else 1
        plan = PlanRepository(uow.session).add(_row(group.id, version, data, terms, uow.ctx.user_id))
        if funded:
            plan.recalculation = instalments.apply_version(uow, group, plan, clock.today())
        context = {"documentId": plan.decision_document_id, "recalculation": plan.recalculation,
                   "previousVersion": current.version if current else None}
        uow.audit("COOP_PLAN_VERSION_CREATED", PLAN, plan.id, after=plan_view(plan),
                  parent=(GROUP, group.id), extra=context)
        timeline.record(uow, group.id, (PLAN, plan.id), ACT_SYSTEM,
                        f"Plan de contributions version {plan.version} adopté "
                        f"(PV {plan.decision_document_id}), en vigueur le {plan.effective_from.isoformat()}",
                        context)
        notify(uow, group, MemberRepository(uow.session).current(group.id),
               Message(n.PV_PUBLISHED, PLAN, plan.id, "published",
                       {"decision": f"Plan de contributions version {plan.version}",
                        "effective_from": plan.effective_from.isoformat()}, plan))
        uow.commit()
        return plan_view(plan)


def _validate(uow: UnitOfWork, group_id: Any, data: dict[str, Any], terms: rules.PlanTerms,
              funded: bool) -> None:
    errors = rules.problems(terms)
    if decision_document(uow, group_id, data["decisionDocumentId"]) is None:
        errors["decisionDocumentId"] = ["Must be minutes (DOC_PV) uploaded to this group: every version is "
                                        "adopted by a documented decision."]
    today = clock.today()
    if funded and terms.effective_from <= today:
        errors["effectiveFrom"] = [f"Funding has opened: a new version applies only to instalments not yet "
                                   f"due, so it takes effect after today ({today.isoformat()})."]
    if errors:
        raise ValidationFailed("The contribution plan is not valid.", errors)


def _row(group_id: Any, version: int, data: dict[str, Any], terms: rules.PlanTerms,
         user: str) -> ContributionPlan:
    return ContributionPlan(
        group_id=group_id, version=version, effective_from=terms.effective_from, grace_days=terms.grace_days,
        cutoff_date=terms.cutoff_date, decision_document_id=data["decisionDocumentId"], created_by=user,
        instalments=[{"dueDate": i.due_date.isoformat(), "amount": str(i.amount)} for i in terms.instalments],
        indexation=({"type": rules.PERCENT_PER_YEAR, "rate": str(terms.indexation_rate)}
                    if terms.indexation_rate is not None else None),
        penalty={"type": terms.penalty.type, "value": str(terms.penalty.value)} if terms.penalty else None,
        recalculation={})


def list_plans(uow: UnitOfWork, group_id: Any) -> list[dict[str, Any]]:
    access.require_reader(uow, "read contribution plans")
    with uow:
        group = GroupRepository(uow.session).get(group_id)
        access.ensure_group_access(uow, group)
        return [{**plan_view(p), "explanation": explanation(plan_terms(p), p.version)}
                for p in PlanRepository(uow.session).of_group(group.id)]
