"""B2B demo cases (CRM_LEAD_B2B_DEMO): the pro API's case-oriented view over the same dossiers, the
same workflow engine and the same side effects as the dossier API. One use case per transaction.

A case is a dossier of type CRM_LEAD_B2B_DEMO; any other dossier, another org's or an agent's
colleague's answers 404 CASE_NOT_FOUND. The contact's company and the qualification (notes, needs,
desired plan) live in the dossier's payload — where the Biz form and B2B_T_QUALIFY put them —, the
qualification score in the dossier's score (0..100).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from atlas_crm.adapters.cases import CaseRepository
from atlas_crm.adapters.orm import Dossier
from atlas_crm.adapters.repositories import ActivityRepository, AppointmentRepository
from atlas_crm.domain import appointments as appointment_rules
from atlas_crm.domain.dossier import B2B_DEMO, DEMO_SOURCE
from atlas_crm.service_layer import appointments, dossier_changes, dossiers, status_changes, timeline
from atlas_crm.service_layer.access import MANAGERS, agent_scope, load_dossier, require_crm
from atlas_crm.service_layer.codes import code_problem
from atlas_crm.service_layer.views import activity_view, appointment_view, ts
from atlas_crm.service_layer.workflows import active_definition
from atlas_shared.db.repository import Page
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import ValidationFailed
from atlas_shared.web.auth import require_role

TIMELINE_SIZE = 20
APPOINTMENTS_SHOWN = 100
# qualification field -> dossier payload key (the score is the dossier's own column)
QUALIFICATION_KEYS = {"notes": "qualificationNotes", "needs": "needs", "desiredPlanKey": "desiredPlanKey"}


def load_case(uow: UnitOfWork, case_id: Any, *, for_update: bool = False) -> Dossier:
    """The B2B demo dossier, or 404 CASE_NOT_FOUND (unknown, elsewhere, not the agent's, other type)."""
    dossier = load_dossier(uow, case_id, for_update=for_update)
    if dossier.case_type != B2B_DEMO:
        raise CaseRepository.not_found(f"Case {case_id} not found.", code="CASE_NOT_FOUND")
    return dossier


def list_cases(uow: UnitOfWork, filters: dict[str, Any]) -> Page[dict[str, Any]]:
    require_crm(uow.ctx, "read cases")
    with uow:
        terminal = active_definition(uow.session, uow.ctx.org_id, B2B_DEMO).terminal_codes
        page = CaseRepository(uow.session).search(filters, filters.get("page", 1), filters.get("size", 20),
                                                  filters.get("sort"), assigned_to=agent_scope(uow.ctx))
        return page.map(lambda d: case_summary(d, d.status in terminal))


def create_case(uow: UnitOfWork, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """(case, created): through the dossier creation rules (phone in E.164, dedupe against open
    demo requests, agent scope, audit, ``dossier.created``)."""
    require_crm(uow.ctx, "create cases")
    with uow:
        qualification = data.get("qualification") or {}
        check_qualification(uow, qualification)
        contact = data["contact"]
        payload = _with_qualification({"company": contact.get("company")}, qualification)
        dossier, created = dossiers.open_or_create(uow, {
            "caseType": B2B_DEMO, "source": data.get("source") or DEMO_SOURCE,
            "contactName": contact["name"], "phone": contact.get("phone"), "email": contact.get("email"),
            "assignedTo": data.get("assignedTo"), "score": qualification.get("score"),
            "payload": {k: v for k, v in payload.items() if v is not None}})
        body = case_detail(uow, dossier)
        uow.commit()
        return body, created


def get_case(uow: UnitOfWork, case_id: Any) -> dict[str, Any]:
    require_crm(uow.ctx, "read cases")
    with uow:
        return case_detail(uow, load_case(uow, case_id))


def assign_case(uow: UnitOfWork, case_id: Any, assigned_to: str | None) -> dict[str, Any]:
    """MANAGER/ADMIN_ORG: the dossier reassignment (audited DOSSIER_ASSIGNED, ``dossier.assigned``)."""
    require_role(uow.ctx, MANAGERS, action="assign cases")
    with uow:
        dossier = load_case(uow, case_id, for_update=True)
        dossier_changes.apply_changes(uow, dossier, {"assigned_to": assigned_to})
        body = case_detail(uow, dossier)
        uow.commit()
        return body


def update_qualification(uow: UnitOfWork, case_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Change the given qualification fields (null clears one): a dossier update (audited with its
    diff, ``dossier.updated``) plus an ACT_SYSTEM line on the timeline. Same values: nothing happens."""
    require_crm(uow.ctx, "qualify cases")
    with uow:
        dossier = load_case(uow, case_id, for_update=True)
        check_qualification(uow, data)
        before = qualification_view(dossier)
        values: dict[str, Any] = {"payload": _with_qualification(dict(dossier.payload or {}), data)}
        if "score" in data:
            values["score"] = data["score"]
        if dossier_changes.apply_changes(uow, dossier, values):
            after = qualification_view(dossier)
            changed = sorted(k for k in after if after[k] != before[k])
            timeline.log(uow, dossier, "ACT_SYSTEM", f"Qualification updated ({', '.join(changed)})",
                         details={"before": before, "after": after})
        body = case_detail(uow, dossier)
        uow.commit()
        return body


def check_qualification(uow: UnitOfWork, data: dict[str, Any]) -> None:
    """needs: active NEED_TYPE codes; desiredPlanKey: an active PLAN_TYPE code (every problem at once)."""
    errors: dict[str, list[str]] = {}
    needs = [p for code in data.get("needs") or [] if (p := code_problem(uow, "NEED_TYPE", code))]
    if needs:
        errors["needs"] = needs
    plan = data.get("desiredPlanKey")
    if plan is not None and (problem := code_problem(uow, "PLAN_TYPE", plan)):
        errors["desiredPlanKey"] = [problem]
    if errors:
        raise ValidationFailed(details=errors)


def _with_qualification(payload: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    for field, key in QUALIFICATION_KEYS.items():
        if field not in data:
            continue
        value = data[field]
        if field == "needs" and value is not None:
            value = list(dict.fromkeys(value))
        if value is None:
            payload.pop(key, None)
        else:
            payload[key] = value
    return payload


def case_transitions(uow: UnitOfWork, case_id: Any) -> dict[str, Any]:
    require_crm(uow.ctx, "read cases")
    with uow:
        return _transitions_body(status_changes.transition_options(uow, load_case(uow, case_id)))


def apply_transition(uow: UnitOfWork, case_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The dossier status change (same engine, history, audit, timeline, event): the payload holds
    the fields the transition requires, its reason, lossReason and comment included."""
    require_crm(uow.ctx, "change case statuses")
    with uow:
        dossier = load_case(uow, case_id, for_update=True)
        payload = dict(data.get("payload") or {})
        command = {"transitionCode": data["transitionCode"], "payload": payload,
                   **{k: payload.get(k) for k in status_changes.TEXT_FIELDS}}
        warnings = status_changes.move(uow, dossier, command)
        body = {**case_detail(uow, dossier), "warnings": warnings}
        uow.commit()
        return body


def schedule_demo(uow: UnitOfWork, case_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    """An appointment on the case (type APPOINT_DEMO unless given), as the appointments API makes it."""
    require_crm(uow.ctx, "schedule appointments")
    with uow:
        dossier = load_case(uow, case_id, for_update=True)
        appointment, warnings = appointments.schedule(uow, dossier, data,
                                                      default_type=appointment_rules.DEMO_TYPE)
        uow.commit()
        return {**appointment_view(appointment), "warnings": warnings}


def case_summary(d: Dossier, terminal: bool) -> dict[str, Any]:
    payload = d.payload or {}
    return {"id": str(d.id), "caseType": d.case_type, "status": d.status, "terminal": terminal,
            "source": d.source,
            "contact": {"name": d.contact_name, "phone": d.phone, "phoneRaw": d.phone_raw, "email": d.email,
                        "company": payload.get("company")},
            "assignedTo": d.assigned_to, "score": d.score, "lostReason": d.loss_reason,
            "createdAt": ts(d.created_at), "updatedAt": ts(d.updated_at),
            "lastActivityAt": ts(d.last_activity_at), "closedAt": ts(d.closed_at), "version": d.version}


def qualification_view(d: Dossier) -> dict[str, Any]:
    payload = d.payload or {}
    return {"notes": payload.get("qualificationNotes"), "score": d.score, "needs": payload.get("needs") or [],
            "desiredPlanKey": payload.get("desiredPlanKey")}


def case_detail(uow: UnitOfWork, d: Dossier) -> dict[str, Any]:
    options = status_changes.transition_options(uow, d)
    deal = (d.payload or {}).get("dealValue")
    shown = AppointmentRepository(uow.session).for_dossier(d.id, 1, APPOINTMENTS_SHOWN)
    latest = ActivityRepository(uow.session).for_dossier(d.id, 1, TIMELINE_SIZE)
    return {**case_summary(d, options["terminal"]), "qualification": qualification_view(d),
            "dealValue": float(Decimal(deal)) if deal is not None else None,
            "appointments": [appointment_view(a) for a in shown.items],
            "timeline": [activity_view(a) for a in latest.items],
            "availableTransitions": options["transitions"], "workflowVersion": d.workflow_version}


def _transitions_body(options: dict[str, Any]) -> dict[str, Any]:
    return {"caseId": options["dossierId"], **{k: v for k, v in options.items() if k != "dossierId"}}
