"""Which workflow definition applies: the tenant's latest valid override, else the seeded default.

Tenant overrides of COOP_GROUP and COOP_PROJECT arrive from the CRM's workflow admin as
``workflow.changed`` (docs/events.md); each version is stored once, with its problems if it is not
usable (then the previous usable one, or the default, keeps applying).
"""

from __future__ import annotations

import logging
from typing import Any

from atlas_coop.adapters.orm import WorkflowVersion
from atlas_coop.adapters.repositories import WorkflowVersionRepository
from atlas_coop.domain.workflows import DEFAULTS, GUARDS, OVERRIDABLE, STATUS_POOLS
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event
from atlas_shared.workflow import InvalidWorkflow, WorkflowDefinition, problems

log = logging.getLogger(__name__)


def definition(uow: UnitOfWork, case_type: str) -> WorkflowDefinition:
    if case_type in OVERRIDABLE:
        row = WorkflowVersionRepository(uow.session).latest_usable(case_type)
        if row is not None and row.definition is not None:
            return WorkflowDefinition.from_dict(row.definition)
    return DEFAULTS[case_type]


def apply_workflow_changed(uow: UnitOfWork, event: Event) -> bool:
    """Store a tenant's new COOP_GROUP/COOP_PROJECT version (global or other types: not ours)."""
    payload = event.payload
    case_type, version = payload.get("caseType"), payload.get("version")
    if case_type not in OVERRIDABLE or not event.org_id or payload.get("orgId") is None:
        return False
    if not isinstance(version, int) or WorkflowVersionRepository(uow.session).has(case_type, version):
        return False
    raw = payload.get("definition")
    stored, found = _checked(case_type, version, raw)
    uow.session.add(WorkflowVersion(case_type=case_type, version=version, definition=stored, problems=found))
    if found:
        log.warning("unusable workflow override ignored",
                    extra={"case_type": case_type, "version": version, "problems": found})
    return True


def _checked(case_type: str, version: int, raw: Any) -> tuple[dict[str, Any] | None, list[str]]:
    if raw is None:
        return None, []
    if not isinstance(raw, dict):
        return None, ["definition: must be an object or null"]
    try:
        parsed = WorkflowDefinition.from_dict({**raw, "caseType": case_type, "version": version})
    except InvalidWorkflow as exc:
        return raw, [f"{path}: {'; '.join(msgs)}" for path, msgs in exc.details.items()]
    found = problems(parsed, status_pool=STATUS_POOLS[case_type], known_guards=GUARDS)
    return parsed.to_dict(), [f"{p.path}: {p.code}: {p.message}" for p in found]
