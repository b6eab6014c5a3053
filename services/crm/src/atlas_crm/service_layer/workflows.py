"""Workflow definitions as versioned data: the active one per org and case type, and overrides.

The active definition is the org's latest version, else the latest global one. An override is a
new row for the org (never an edit), validated as a whole before it is stored.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from atlas_crm.adapters.orm import WorkflowDefinitionRow
from atlas_crm.adapters.reference_data import active_workflow_row, latest_version
from atlas_crm.service_layer.access import ADMIN
from atlas_crm.service_layer.codes import dictionaries
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import ValidationFailed
from atlas_shared.web.auth import require_role
from atlas_shared.workflow import WorkflowDefinition, ensure_valid

# What the CRM knows how to run beside the engine (service_layer/b2b_demo.py).
KNOWN_GUARDS = frozenset({"APPOINTMENT_DONE"})
KNOWN_EFFECTS = frozenset({"RECORD_QUALIFICATION", "RECORD_DEAL", "CREATE_APPOINTMENT",
                           "RESCHEDULE_APPOINTMENT", "CANCEL_APPOINTMENT"})


def active_definition(session: Session, org_id: Any, case_type: str) -> WorkflowDefinition:
    row = active_workflow_row(session, org_id, case_type)
    if row is None:
        raise ValidationFailed(f"No workflow is defined for case type {case_type}.",
                               {"caseType": [f"{case_type} has no workflow in this organisation."]})
    return WorkflowDefinition.from_dict({**row.definition, "caseType": case_type, "version": row.version})


def save_override(uow: UnitOfWork, case_type: str, data: dict[str, Any],
                  comment: str | None = None) -> dict[str, Any]:
    """Store a tenant's own version of a case type's workflow (ADMIN_ORG; audited; published)."""
    require_role(uow.ctx, ADMIN, action="change workflows")
    with uow:
        dicts = dictionaries(uow)
        if not dicts.is_active("CASE_TYPE", case_type):
            raise ValidationFailed(details={"caseType": [f"'{case_type}' is not an active CASE_TYPE code."]})
        version = latest_version(uow.session, uow.ctx.org_id, case_type) + 1
        definition = WorkflowDefinition.from_dict({**data, "caseType": case_type, "version": version})
        ensure_valid(definition, status_pool=set(dicts.active_codes("CASE_STATUS")),
                     known_guards=KNOWN_GUARDS, known_effects=KNOWN_EFFECTS)
        row = WorkflowDefinitionRow(org_id=uuid.UUID(str(uow.ctx.org_id)), case_type=case_type,
                                    version=version, definition=definition.to_dict(), comment=comment,
                                    created_by=uow.ctx.user_id)
        uow.session.add(row)
        uow.session.flush()
        stored = {"id": str(row.id), "orgId": str(row.org_id), "caseType": case_type, "version": version,
                  "definition": row.definition, "comment": comment}
        uow.audit("WORKFLOW_CHANGED", "WORKFLOW", row.id, after=stored)
        uow.publish("workflow.changed", stored, aggregate_type="workflow", aggregate_id=case_type,
                    version=version)
        uow.commit()
    return stored
