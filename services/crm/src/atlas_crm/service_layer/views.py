"""How CRM rows look to clients and to other services (API bodies and event payloads)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from atlas_crm.adapters.orm import (
    Activity,
    Appointment,
    Consent,
    ConsentHistory,
    Dossier,
    Message,
    Stakeholder,
    StatusHistory,
)
from atlas_crm.domain import consent as consent_rules
from atlas_crm.domain.dossier import initials
from atlas_crm.domain.policies import OWNER_FULL
from atlas_shared.db.types import utcnow


def ts(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, whatever offset the value was given with."""
    return value.astimezone(UTC).isoformat() if value is not None else None


def num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def sid(value: Any) -> str | None:
    return str(value) if value is not None else None


def dossier_view(d: Dossier) -> dict[str, Any]:
    return {
        "id": str(d.id), "orgId": str(d.org_id), "caseType": d.case_type, "status": d.status,
        "source": d.source, "contactName": d.contact_name, "phone": d.phone, "phoneRaw": d.phone_raw,
        "email": d.email, "annonceId": sid(d.annonce_id), "budgetMin": num(d.budget_min),
        "budgetMax": num(d.budget_max), "assignedTo": d.assigned_to, "score": d.score,
        "scoreReason": d.score_reason, "lossReason": d.loss_reason, "wonReason": d.won_reason,
        "payload": d.payload or {}, "version": d.version, "workflowVersion": d.workflow_version,
        "lastActivityAt": ts(d.last_activity_at), "closedAt": ts(d.closed_at), "createdBy": d.created_by,
        "createdAt": ts(d.created_at), "updatedAt": ts(d.updated_at),
    }


def owner_view(view: dict[str, Any], access: str) -> dict[str, Any]:
    """A dossier as a property owner may see it: without the lead's contact details unless FULL."""
    if access == OWNER_FULL:
        return view
    return {**view, "contactName": initials(view["contactName"]), "phone": None, "phoneRaw": None,
            "email": None, "payload": {}, "contactMasked": True}


def owner_appointment_view(view: dict[str, Any], access: str) -> dict[str, Any]:
    """A visit on their property as its owner may see it: when and what, not the agency's notes."""
    return view if access == OWNER_FULL else {**view, "comment": None}


def history_view(h: StatusHistory) -> dict[str, Any]:
    return {"id": str(h.id), "dossierId": str(h.dossier_id), "from": h.from_status, "to": h.to_status,
            "transitionCode": h.transition_code, "override": h.override, "actor": h.actor, "reason": h.reason,
            "lossReason": h.loss_reason, "wonReason": h.won_reason, "comment": h.comment,
            "workflowVersion": h.workflow_version, "dossierVersion": h.dossier_version,
            "occurredAt": ts(h.occurred_at)}


def stakeholder_view(s: Stakeholder) -> dict[str, Any]:
    return {"id": str(s.id), "dossierId": str(s.dossier_id), "role": s.role, "fullName": s.full_name,
            "firstName": s.first_name, "lastName": s.last_name, "phone": s.phone, "phoneRaw": s.phone_raw,
            "email": s.email, "address": s.address, "createdAt": ts(s.created_at),
            "updatedAt": ts(s.updated_at)}


def message_view(m: Message) -> dict[str, Any]:
    return {"id": str(m.id), "dossierId": str(m.dossier_id), "direction": m.direction, "channel": m.channel,
            "content": m.content, "to": m.recipient, "templateCode": m.template_code,
            "templateLanguage": m.template_language, "variables": m.variables or {},
            "occurredAt": ts(m.occurred_at), "deliveryStatus": m.delivery_status,
            "deliveryError": m.delivery_error, "providerMessageId": m.provider_message_id,
            "createdBy": m.created_by, "createdAt": ts(m.created_at), "updatedAt": ts(m.updated_at)}


def appointment_view(a: Appointment) -> dict[str, Any]:
    return {"id": str(a.id), "dossierId": str(a.dossier_id), "type": a.type, "status": a.status,
            "startsAt": ts(a.starts_at), "endsAt": ts(a.ends_at), "location": a.location,
            "assignedTo": a.assigned_to, "annonceId": sid(a.annonce_id), "comment": a.comment,
            "createdBy": a.created_by, "createdAt": ts(a.created_at), "updatedAt": ts(a.updated_at)}


def activity_view(a: Activity) -> dict[str, Any]:
    return {"id": str(a.id), "dossierId": str(a.dossier_id), "type": a.type, "content": a.content,
            "dueAt": ts(a.due_at), "done": a.done, "doneAt": ts(a.done_at), "assignee": a.assignee,
            "actor": a.actor, "relatedType": a.related_type, "relatedId": a.related_id,
            "details": a.details or {}, "createdAt": ts(a.created_at), "updatedAt": ts(a.updated_at)}


def consent_view(c: Consent | ConsentHistory) -> dict[str, Any]:
    base = {"dossierId": str(c.dossier_id), "channel": c.channel, "type": c.type, "status": c.status,
            "source": c.source, "proof": c.proof, "capturedAt": ts(c.captured_at),
            "expiresAt": ts(c.expires_at), "version": c.version,
            "effective": consent_rules.is_effective(c.status, c.expires_at, utcnow())}
    if isinstance(c, ConsentHistory):
        return {"id": str(c.id), "consentId": str(c.consent_id), **base, "actor": c.actor,
                "recordedAt": ts(c.recorded_at)}
    return {"id": str(c.id), **base, "createdAt": ts(c.created_at), "updatedAt": ts(c.updated_at)}
