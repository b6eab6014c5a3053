"""Moving a dossier through its workflow. Every move, in one transaction: a status-history row, an
audit event with the diff, an ACT_STATUS_CHANGE activity and a ``dossier.status_changed`` event."""

from __future__ import annotations

from typing import Any

from atlas_crm.adapters.orm import Dossier, StatusHistory
from atlas_crm.adapters.repositories import DossierRepository
from atlas_crm.service_layer import b2b_demo, timeline
from atlas_crm.service_layer.access import check_version, load_dossier, require_crm
from atlas_crm.service_layer.codes import dictionaries
from atlas_crm.service_layer.views import dossier_view
from atlas_crm.service_layer.workflows import definition_for
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import ValidationFailed
from atlas_shared.workflow import Transition, WorkflowDefinition, allowed, check, describe

TEXT_FIELDS = ("reason", "lossReason", "wonReason", "comment")


def change_status(uow: UnitOfWork, dossier_id: Any, data: dict[str, Any],
                  expected_version: int | None = None) -> dict[str, Any]:
    require_crm(uow.ctx, "change dossier statuses")
    with uow:
        dossier = load_dossier(uow, dossier_id, for_update=True)
        check_version(dossier, expected_version)
        warnings = move(uow, dossier, data)
        uow.commit()
        return {**dossier_view(dossier), "warnings": warnings}


def move(uow: UnitOfWork, dossier: Dossier, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Check and apply one transition (no commit). Returns warnings of the effects it ran."""
    definition = definition_for(uow.session, uow.ctx.org_id, dossier)
    payload = {**(data.get("payload") or {}), **{k: data.get(k) for k in TEXT_FIELDS}}
    wanted = data.get("transitionCode") or data.get("status")
    transition = check(definition, dossier.status, str(wanted), uow.ctx.roles, payload,
                       reason_codes=_reason_codes(uow, definition), guards=b2b_demo.guards(uow, dossier))
    if data.get("status") and data.get("transitionCode") and transition.target != data["status"]:
        raise ValidationFailed(details={"status": [f"{transition.code} leads to {transition.target}."]})
    before = dossier_view(dossier)
    warnings = b2b_demo.run_effects(uow, dossier, transition, payload)
    _apply(uow, dossier, definition, transition, payload)
    _record(uow, dossier, before, transition, payload)
    return warnings


def _reason_codes(uow: UnitOfWork, definition: WorkflowDefinition) -> dict[str, list[str]]:
    kinds = {t.reason_type for t in definition.transitions if t.reason_type}
    return {kind: dictionaries(uow).active_codes(kind) for kind in kinds}


def _apply(uow: UnitOfWork, dossier: Dossier, definition: WorkflowDefinition, t: Transition,
           payload: dict[str, Any]) -> None:
    now = utcnow()
    if t.override:  # reopened: the closing reasons no longer hold (the audit keeps them)
        dossier.loss_reason = dossier.won_reason = None
    if t.reason_field == "lossReason":
        dossier.loss_reason = payload["lossReason"]
    elif t.reason_field == "wonReason":
        dossier.won_reason = payload["wonReason"]
    entered = DossierRepository(uow.session).entered_current_status(dossier)
    dossier.status = t.target
    dossier.closed_at = now if definition.is_terminal(t.target) else None
    dossier.workflow_version = definition.version
    dossier.version, dossier.updated_at = dossier.version + 1, now
    uow.session.add(StatusHistory(from_entered_at=entered,
        dossier_id=dossier.id, case_type=dossier.case_type, from_status=t.source, to_status=t.target,
        transition_code=t.code, override=t.override, actor=uow.ctx.user_id, reason=payload.get("reason"),
        loss_reason=payload.get("lossReason"), won_reason=payload.get("wonReason"),
        comment=payload.get("comment"), workflow_version=definition.version,
        dossier_version=dossier.version, occurred_at=now))


def _record(uow: UnitOfWork, dossier: Dossier, before: dict[str, Any], t: Transition,
            payload: dict[str, Any]) -> None:
    after = dossier_view(dossier)
    move_facts = {"from": t.source, "to": t.target, "transitionCode": t.code, "override": t.override,
                  "reason": payload.get("reason"), "comment": payload.get("comment")}
    uow.audit("DOSSIER_REOPENED" if t.override else "DOSSIER_STATUS_CHANGED", "DOSSIER", dossier.id,
              before=before, after=after, extra=move_facts)
    timeline.log(uow, dossier, "ACT_STATUS_CHANGE", f"{t.source} → {t.target}",
                 details={**move_facts, "lossReason": dossier.loss_reason, "wonReason": dossier.won_reason})
    uow.publish("dossier.status_changed", {**after, **move_facts}, aggregate_type="dossier",
                aggregate_id=dossier.id, version=dossier.version)


def available_transitions(uow: UnitOfWork, dossier_id: Any) -> dict[str, Any]:
    """What THIS user may do from the dossier's current status, with what each move needs."""
    require_crm(uow.ctx, "read dossiers")
    with uow:
        return transition_options(uow, load_dossier(uow, dossier_id))


def transition_options(uow: UnitOfWork, dossier: Dossier) -> dict[str, Any]:
    """``available_transitions`` of a dossier already loaded (no transaction of its own)."""
    definition = definition_for(uow.session, uow.ctx.org_id, dossier)
    options = []
    for t in allowed(definition, dossier.status, uow.ctx.roles):
        codes = dictionaries(uow).active_codes(t.reason_type) if t.reason_type else []
        options.append({**describe(t), "reasonCodes": codes})
    return {"dossierId": str(dossier.id), "caseType": dossier.case_type, "status": dossier.status,
            "terminal": definition.is_terminal(dossier.status), "workflowVersion": definition.version,
            "transitions": options}
