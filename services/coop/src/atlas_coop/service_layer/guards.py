"""What each named workflow guard checks, against the database, for one entity."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from atlas_coop.adapters.ledger_repositories import ContributionRepository, LotRepository, PlanRepository
from atlas_coop.adapters.orm import Allocation, Contribution, CoopDocument, CoopGroup, Member, Project
from atlas_coop.adapters.repositories import DocumentRepository, MemberRepository
from atlas_coop.domain import workflows as w
from atlas_coop.domain.codes import ALLOCATION, DOC_CONTRACT, DOC_IDENTITY, DOC_PV, MEMBER, MEMBER_ACTIVE
from atlas_coop.domain.plan import is_late, late_after
from atlas_shared.db.repository import as_uuid
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.workflow import Transition
from atlas_shared.workflow.engine import Guard


def decision_document(uow: UnitOfWork, group_id: Any, document_id: Any) -> CoopDocument | None:
    """The group's minutes (DOC_PV) with this id, or None."""
    key = as_uuid(document_id)
    doc = DocumentRepository(uow.session).find(key) if key else None
    return doc if doc is not None and doc.group_id == group_id and doc.type == DOC_PV else None


def _pv(uow: UnitOfWork, group_id: Any) -> Guard:
    def guard(t: Transition, payload: Mapping[str, Any]) -> str | None:
        if not payload.get("documentId"):
            return f"Moving to {t.target} needs the minutes (PV) of the decision: give documentId."
        if decision_document(uow, group_id, payload["documentId"]) is None:
            return (f"Document {payload['documentId']} is not minutes (DOC_PV) of this group; upload it "
                    f"with POST /api/v1/coop/groups/{group_id}/documents first.")
        return None
    return guard


def _resumes(previous: str | None) -> Guard:
    def guard(t: Transition, payload: Mapping[str, Any]) -> str | None:
        if t.target != previous:
            return f"An on-hold record resumes where it stopped: {previous or 'unknown'}, not {t.target}."
        return None
    return guard


def group_guards(uow: UnitOfWork, group: CoopGroup) -> dict[str, Guard]:
    def plan(t: Transition, payload: Mapping[str, Any]) -> str | None:
        if PlanRepository(uow.session).current(group.id) is None:
            return ("Funding cannot open before a contribution plan is validated "
                    "(POST contribution-plans with its PV).")
        return None

    def lots(t: Transition, payload: Mapping[str, Any]) -> str | None:
        if LotRepository(uow.session).count_for_group(group.id) == 0:
            return "Allocation cannot run before the group's project has lots."
        return None

    def active(t: Transition, payload: Mapping[str, Any]) -> str | None:
        if not MemberRepository(uow.session).of_group(group.id, [MEMBER_ACTIVE]):
            return "At least one member must have passed KYC (status COOP_MEMBER_ACTIVE)."
        return None

    return {w.VALIDATED_PLAN: plan, w.DECISION_DOCUMENT: _pv(uow, group.id), w.PROJECT_HAS_LOTS: lots,
            w.ACTIVE_MEMBERS: active, w.RESUMES_PREVIOUS: _resumes(group.previous_status)}


def project_guards(project: Project) -> dict[str, Guard]:
    return {w.RESUMES_PREVIOUS: _resumes(project.previous_status)}


def member_guards(uow: UnitOfWork, member: Member) -> dict[str, Guard]:
    def identity(t: Transition, payload: Mapping[str, Any]) -> str | None:
        if not DocumentRepository(uow.session).of_entity(MEMBER, member.id, DOC_IDENTITY):
            return (f"KYC is not complete: upload an identity document (DOC_IDENTITY) with "
                    f"POST /api/v1/coop/members/{member.id}/documents first.")
        return None

    def settled(t: Transition, payload: Mapping[str, Any]) -> str | None:
        late = ContributionRepository(uow.session).count_late(member.id)
        return f"{late} instalment(s) are still LATE; confirm or waive them first." if late else None

    return {w.IDENTITY_DOCUMENT: identity, w.NO_LATE_INSTALMENTS: settled,
            w.DECISION_DOCUMENT: _pv(uow, member.group_id)}


def allocation_guards(uow: UnitOfWork, allocation: Allocation) -> dict[str, Guard]:
    def attached(doc_type: str, what: str) -> Guard:
        def guard(t: Transition, payload: Mapping[str, Any]) -> str | None:
            if not DocumentRepository(uow.session).of_entity(ALLOCATION, allocation.id, doc_type):
                return (f"{what} ({doc_type}) must be attached first: "
                        f"POST /api/v1/coop/allocations/{allocation.id}/documents.")
            return None
        return guard

    return {w.ALLOCATION_PV: attached(DOC_PV, "The minutes (PV) validating this allocation"),
            w.ALLOCATION_CONTRACT: attached(DOC_CONTRACT, "The signed contract")}


def contribution_guards(contribution: Contribution, grace_days: int, today: date) -> dict[str, Guard]:
    def past_grace(t: Transition, payload: Mapping[str, Any]) -> str | None:
        if not is_late(contribution.due_date, grace_days, today):
            return (f"This instalment is not late: due {contribution.due_date.isoformat()}, grace period of "
                    f"{grace_days} day(s) until {late_after(contribution.due_date, grace_days).isoformat()}.")
        return None
    return {w.PAST_GRACE: past_grace}
