"""Workflow definitions as versioned data: the active one per org and case type, and overrides.

The active definition is the org's latest version, else the latest global one. An override is a
new row for the org (never an edit), validated as a whole before it is stored; a dry run validates and
shows the diff without storing. A dossier left in a state that the active version dropped can still
leave it: by the moves its own version allowed from there (to states that still exist), else to the
initial state.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from atlas_crm.adapters.orm import Dossier, WorkflowDefinitionRow
from atlas_crm.adapters.reference_data import (
    active_workflow_row,
    active_workflow_rows,
    latest_version,
    workflow_version,
    workflow_versions,
)
from atlas_crm.adapters.repositories import DossierRepository
from atlas_crm.domain import workflow_modules as modules
from atlas_crm.domain.reference_rules import CODE_SHAPE
from atlas_crm.service_layer.access import ADMIN, MANAGERS
from atlas_crm.service_layer.codes import dictionaries
from atlas_crm.service_layer.views import ts
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import NotFound, ValidationFailed
from atlas_shared.web.auth import require_role
from atlas_shared.workflow import State, Transition, WorkflowDefinition, ensure_valid
from atlas_shared.workflow.errors import InvalidWorkflow

SAMPLE = 20  # dossier ids listed per dropped state


def active_definition(session: Session, org_id: Any, case_type: str) -> WorkflowDefinition:
    row = active_workflow_row(session, org_id, case_type)
    if row is None:
        raise ValidationFailed(f"No workflow is defined for case type {case_type}.",
                               {"caseType": [f"{case_type} has no workflow in this organisation."]})
    return _definition(row)


def definition_for(session: Session, org_id: Any, dossier: Dossier) -> WorkflowDefinition:
    """The active definition, bridged when the dossier sits in a state that definition dropped."""
    active = active_definition(session, org_id, dossier.case_type)
    if active.state(dossier.status) is not None:
        return active
    exits: tuple[Transition, ...] = ()
    old = workflow_version(session, org_id, dossier.case_type, dossier.workflow_version)
    if old is not None:
        exits = tuple(t for t in _definition(old).outgoing(dossier.status) if active.state(t.target))
    if not exits:
        exits = (Transition(dossier.status, active.initial.code),)
    return replace(active, states=(*active.states, State(dossier.status)),
                   transitions=(*active.transitions, *exits))


def list_workflows(uow: UnitOfWork, case_type: str | None) -> dict[str, Any]:
    """The definition in force per case type; with ``case_type``, also every earlier version."""
    require_role(uow.ctx, MANAGERS, action="read workflows")
    with uow:
        rows = active_workflow_rows(uow.session, uow.ctx.org_id)
        if case_type is not None:
            if case_type not in rows:
                raise NotFound(f"No workflow is defined for case type {case_type}.",
                               code="WORKFLOW_NOT_FOUND")
            rows = {case_type: rows[case_type]}
        items = []
        for code, row in sorted(rows.items()):
            item = _row_view(row)
            if case_type is not None:
                item["versions"] = [{k: v for k, v in _row_view(r).items() if k != "definition"}
                                    for r in workflow_versions(uow.session, uow.ctx.org_id, code)]
            items.append(item)
        return {"page": 1, "size": max(len(items), 1), "total": len(items), "items": items}


def put_workflow(uow: UnitOfWork, case_type: str, data: dict[str, Any], *, dry_run: bool = False,
                 comment: str | None = None) -> dict[str, Any]:
    """Validate a whole definition; unless ``dry_run``, store it as the org's next version (ADMIN_ORG;
    audited; ``workflow.changed``). The answer shows the diff against the version in force and the
    open dossiers in states the new version drops."""
    require_role(uow.ctx, ADMIN, action="change workflows")
    with uow:
        dicts = dictionaries(uow)
        if not dicts.is_active("CASE_TYPE", case_type):
            raise ValidationFailed(details={"caseType": [f"'{case_type}' is not an active CASE_TYPE code."]})
        if reason := modules.not_configurable(case_type):
            raise ValidationFailed(details={"caseType": [reason]})
        current_row = active_workflow_row(uow.session, uow.ctx.org_id, case_type)
        version = latest_version(uow.session, uow.ctx.org_id, case_type) + 1
        definition = WorkflowDefinition.from_dict({**_normalised(data), "caseType": case_type,
                                                   "version": version})
        _ensure_valid(definition, set(dicts.active_codes("CASE_STATUS")))
        current = _definition(current_row) if current_row is not None else None
        dropped = _dropped(uow, case_type, current, definition)
        answer: dict[str, Any] = {
            "caseType": case_type, "version": version, "dryRun": dry_run, "saved": False,
            "previousVersion": current.version if current else None, "definition": definition.to_dict(),
            "diff": diff(current, definition), "droppedStates": dropped, "comment": comment}
        if dry_run:
            return answer
        row = WorkflowDefinitionRow(org_id=uuid.UUID(str(uow.ctx.org_id)), case_type=case_type,
                                    version=version, definition=definition.to_dict(), comment=comment,
                                    created_by=uow.ctx.user_id)
        uow.session.add(row)
        uow.session.flush()
        stored = {"id": str(row.id), "orgId": str(row.org_id), "caseType": case_type, "version": version,
                  "definition": row.definition, "comment": comment}
        uow.audit("WORKFLOW_CHANGED", "WORKFLOW", row.id, after=stored,
                  extra={"diff": answer["diff"], "droppedStates": dropped})
        uow.publish("workflow.changed", stored, aggregate_type="workflow", aggregate_id=case_type,
                    version=version)
        uow.commit()
        return {**answer, **stored, "saved": True, "createdAt": ts(row.created_at)}


def diff(old: WorkflowDefinition | None, new: WorkflowDefinition) -> dict[str, Any]:
    """What changes from ``old`` to ``new``: states and transitions added, removed or changed."""
    old_states = {s.code: s for s in old.states} if old else {}
    new_states = {s.code: s for s in new.states}
    old_moves = {_key(t): t for t in old.transitions} if old else {}
    new_moves = {_key(t): t for t in new.transitions}
    return {
        "statesAdded": [c for c in new_states if c not in old_states],
        "statesRemoved": [c for c in old_states if c not in new_states],
        "statesChanged": [{"code": c, "before": _state_flags(old_states[c]), "after": _state_flags(s)}
                          for c, s in new_states.items() if c in old_states and old_states[c] != s],
        "transitionsAdded": [t.to_dict() for k, t in new_moves.items() if k not in old_moves],
        "transitionsRemoved": [t.to_dict() for k, t in old_moves.items() if k not in new_moves],
        "transitionsChanged": [{"before": old_moves[k].to_dict(), "after": t.to_dict()}
                               for k, t in new_moves.items() if k in old_moves and old_moves[k] != t],
        "reopenRolesChanged": old is not None and old.reopen_roles != new.reopen_roles,
    }


def _definition(row: WorkflowDefinitionRow) -> WorkflowDefinition:
    return WorkflowDefinition.from_dict({**row.definition, "caseType": row.case_type, "version": row.version})


def _row_view(row: WorkflowDefinitionRow) -> dict[str, Any]:
    return {"caseType": row.case_type, "version": row.version,
            "origin": "GLOBAL" if row.org_id is None else "TENANT", "definition": _definition(row).to_dict(),
            "comment": row.comment, "createdBy": row.created_by, "createdAt": ts(row.created_at)}


def _normalised(data: dict[str, Any]) -> dict[str, Any]:
    """Accept ``requiredRole`` (one role, the contract's word) beside ``roles``."""
    transitions = data.get("transitions")
    if isinstance(transitions, list):
        transitions = [{**t, "roles": t.get("roles") or [t["requiredRole"]]}
                       if isinstance(t, dict) and t.get("requiredRole") else t for t in transitions]
        transitions = [{k: v for k, v in t.items() if k != "requiredRole"} if isinstance(t, dict) else t
                       for t in transitions]
    return {**data, "transitions": transitions}


def _ensure_valid(definition: WorkflowDefinition, status_pool: set[str]) -> None:
    """The shared engine's whole-definition checks, plus what only the CRM knows: roles, reason
    dictionaries and the shape of transition codes."""
    details: dict[str, list[str]] = {}
    case_type = definition.case_type
    try:
        ensure_valid(definition, status_pool=status_pool, known_guards=modules.known_guards(case_type),
                     known_effects=modules.known_effects(case_type))
    except InvalidWorkflow as exc:
        details = {k: list(v) for k, v in exc.details.items()}
    for i, state in enumerate(definition.states):
        reason = modules.foreign_status(case_type, state.code)
        if reason and not any("FOREIGN_STATUS" in m for m in details.get(f"states[{i}]", [])):
            details.setdefault(f"states[{i}]", []).append(f"FOREIGN_STATUS: {state.code}: {reason}")
    for i, t in enumerate(definition.transitions):
        path = f"transitions[{i}]"
        if unknown := sorted(t.roles - modules.KNOWN_ROLES):
            details.setdefault(f"{path}.roles", []).append(
                f"UNKNOWN_ROLE: {', '.join(unknown)}; known: {', '.join(sorted(modules.KNOWN_ROLES))}.")
        if t.reason_type is not None and t.reason_type not in modules.REASON_TYPES:
            details.setdefault(f"{path}.reasonType", []).append(
                f"UNKNOWN_REASON_TYPE: {t.reason_type}; known: {', '.join(sorted(modules.REASON_TYPES))}.")
        if t.code is not None and not CODE_SHAPE.match(t.code):
            details.setdefault(f"{path}.code", []).append("BAD_CODE: a transition code is UPPER_SNAKE.")
    if unknown := sorted(definition.reopen_roles - modules.KNOWN_ROLES):
        details.setdefault("reopenRoles", []).append(f"UNKNOWN_ROLE: {', '.join(unknown)}.")
    if details:
        count = sum(len(v) for v in details.values())
        raise InvalidWorkflow(f"The {definition.case_type} workflow has {count} problem(s).", details)


def _dropped(uow: UnitOfWork, case_type: str, current: WorkflowDefinition | None,
             new: WorkflowDefinition) -> list[dict[str, Any]]:
    """Open dossiers of this org sitting in states the new version no longer has."""
    if current is None:
        return []
    gone = [s.code for s in current.states if new.state(s.code) is None and not s.terminal]
    found = []
    for status in gone:
        count, ids = DossierRepository(uow.session).in_status(case_type, status, SAMPLE)
        if count:
            found.append({"status": status, "openDossiers": count, "dossierIds": [str(i) for i in ids],
                          "exits": _exits(current, new, status)})
    return found


def _exits(current: WorkflowDefinition, new: WorkflowDefinition, status: str) -> list[str]:
    """Where a dossier stranded in ``status`` may still go (see ``definition_for``)."""
    targets = [t.target for t in current.outgoing(status) if new.state(t.target)]
    return list(dict.fromkeys(targets)) or [new.initial.code]


def _key(t: Transition) -> tuple[str, str, str | None]:
    return (t.source, t.target, t.code)


def _state_flags(s: State) -> dict[str, bool]:
    return {"initial": s.initial, "terminal": s.terminal}
