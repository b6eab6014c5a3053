"""Coop entities as the API shows them (the response schemas dump these dicts)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from atlas_coop.adapters.orm import (
    Activity,
    Allocation,
    Contribution,
    ContributionPlan,
    CoopDocument,
    CoopGroup,
    Lot,
    Member,
    Notification,
    Project,
)
from atlas_coop.domain.plan import Instalment, Penalty, PlanTerms

DOCUMENT_URL = "/api/v1/coop/documents/{id}/content"


def group_view(g: CoopGroup) -> dict[str, Any]:
    return {"id": g.id, "name": g.name, "city": g.city, "status": g.status, "rules": g.rules or {},
            "version": g.version, "createdAt": g.created_at, "updatedAt": g.updated_at}


def member_view(m: Member) -> dict[str, Any]:
    consent = None
    if m.consent_status:
        consent = {"status": m.consent_status, "proof": m.consent_proof, "capturedAt": m.consent_captured_at}
    return {"id": m.id, "groupId": m.group_id, "displayName": m.display_name, "phone": m.phone,
            "email": m.email, "status": m.status, "fifoRank": m.fifo_rank, "userId": m.user_id,
            "lotPreferences": list(m.lot_preferences or []), "inDispute": m.in_dispute,
            "whatsappConsent": consent, "joinedOn": m.joined_on, "replacesMemberId": m.replaces_member_id,
            "version": m.version, "createdAt": m.created_at, "updatedAt": m.updated_at}


def document_view(d: CoopDocument) -> dict[str, Any]:
    return {"id": d.id, "type": d.type, "fileName": d.file_name, "contentType": d.content_type,
            "size": d.size, "sha256": d.sha256, "url": DOCUMENT_URL.format(id=d.id),
            "entityType": d.entity_type, "entityId": d.entity_id, "groupId": d.group_id,
            "uploadedBy": d.uploaded_by, "createdAt": d.created_at}


def plan_terms(p: ContributionPlan) -> PlanTerms:
    penalty = Penalty(p.penalty["type"], Decimal(p.penalty["value"])) if p.penalty else None
    rate = Decimal(p.indexation["rate"]) if p.indexation else None
    return PlanTerms(effective_from=p.effective_from, grace_days=p.grace_days, cutoff_date=p.cutoff_date,
                     indexation_rate=rate, penalty=penalty,
                     instalments=tuple(Instalment(date.fromisoformat(i["dueDate"]), Decimal(i["amount"]))
                                       for i in p.instalments))


def plan_view(p: ContributionPlan) -> dict[str, Any]:
    return {"id": p.id, "groupId": p.group_id, "version": p.version, "effectiveFrom": p.effective_from,
            "instalments": [{"dueDate": i["dueDate"], "amount": Decimal(i["amount"])} for i in p.instalments],
            "indexation": ({"type": p.indexation["type"], "rate": Decimal(p.indexation["rate"])}
                           if p.indexation else None),
            "penalty": {"type": p.penalty["type"],
                        "value": Decimal(p.penalty["value"])} if p.penalty else None,
            "graceDays": p.grace_days, "cutoffDate": p.cutoff_date,
            "decisionDocumentId": p.decision_document_id, "recalculation": p.recalculation or {},
            "createdBy": p.created_by, "createdAt": p.created_at}


def contribution_view(c: Contribution) -> dict[str, Any]:
    return {"id": c.id, "groupId": c.group_id, "memberId": c.member_id, "planId": c.plan_id,
            "planVersion": c.plan_version, "dueDate": c.due_date, "baseAmount": c.base_amount,
            "indexationYears": c.indexation_years, "amountDue": c.amount_due, "penalty": c.penalty,
            "penaltyAsOf": c.penalty_as_of, "total": c.amount_due + c.penalty, "amountPaid": c.amount_paid,
            "paidDate": c.paid_date, "method": c.method, "proofDocumentId": c.proof_document_id,
            "status": c.status, "reason": c.decision_reason, "decidedBy": c.decided_by,
            "decidedAt": c.decided_at, "version": c.version, "updatedAt": c.updated_at}


def project_view(p: Project) -> dict[str, Any]:
    return {"id": p.id, "groupId": p.group_id, "name": p.name, "status": p.status,
            "budgetTotal": p.budget_total, "milestones": list(p.milestones or []), "version": p.version,
            "createdAt": p.created_at, "updatedAt": p.updated_at}


def lot_view(lot: Lot) -> dict[str, Any]:
    return {"id": lot.id, "projectId": lot.project_id, "code": lot.code, "type": lot.type,
            "surfaceM2": lot.surface_m2, "floor": lot.floor, "priceReference": lot.price_reference,
            "status": lot.status, "createdAt": lot.created_at, "updatedAt": lot.updated_at}


def allocation_view(a: Allocation, lot_code: str | None = None) -> dict[str, Any]:
    return {"id": a.id, "groupId": a.group_id, "projectId": a.project_id, "lotId": a.lot_id,
            "lotCode": lot_code or a.explanation.get("lotCode"), "memberId": a.member_id,
            "fifoRank": a.fifo_rank, "status": a.status, "cutoffDate": a.cutoff_date,
            "explanation": a.explanation, "decisionDocumentId": a.decision_document_id, "reason": a.reason,
            "version": a.version, "createdAt": a.created_at, "updatedAt": a.updated_at}


def activity_view(a: Activity) -> dict[str, Any]:
    return {"id": a.id, "groupId": a.group_id, "entityType": a.entity_type, "entityId": a.entity_id,
            "type": a.type, "content": a.content, "data": a.data or {}, "actor": a.actor,
            "createdAt": a.created_at}


def notification_view(n: Notification) -> dict[str, Any]:
    return {"id": n.id, "notificationKey": n.notification_key, "memberId": n.member_id,
            "templateCode": n.template_code, "entityType": n.entity_type, "entityId": n.entity_id,
            "logicalEvent": n.logical_event, "status": n.status, "variables": n.variables or {},
            "delivery": ({"status": n.delivery_status, "error": n.delivery_error, "at": n.delivery_at}
                         if n.delivery_status else None),
            "createdAt": n.created_at}
