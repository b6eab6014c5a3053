"""Status changes through the shared workflow engine, with the coop's guards always enforced."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from atlas_coop.domain.codes import GROUP_ON_HOLD, PROJECT_ON_HOLD
from atlas_coop.domain.workflows import mandatory_guards
from atlas_coop.service_layer import timeline
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.workflow import GuardFailed, Transition, WorkflowDefinition, allowed, check, describe
from atlas_shared.workflow.engine import Guard

ON_HOLD = (GROUP_ON_HOLD, PROJECT_ON_HOLD)


def decide(definition: WorkflowDefinition, current: str, wanted: str, roles: Iterable[str],
           payload: Mapping[str, Any], guards: Mapping[str, Guard]) -> Transition:
    """The transition to make, or the engine's refusal (400 incomplete, 403 role, 409 refused/guard)."""
    transition = check(definition, current, wanted, roles, payload, guards=guards)
    for name in mandatory_guards(transition):
        reason = guards[name](transition, payload)
        if reason:
            raise GuardFailed(reason, {"from": transition.source, "to": transition.target, "guard": name})
    return transition


def available(definition: WorkflowDefinition, current: str, roles: Iterable[str]) -> list[dict[str, Any]]:
    return [describe(t) for t in allowed(definition, current, roles)]


def move(uow: UnitOfWork, entity: Any, definition: WorkflowDefinition, wanted: str,
         payload: Mapping[str, Any], guards: Mapping[str, Guard], *, label: str,
         entity_ref: tuple[str, Any], group_id: Any, roles: Iterable[str] | None = None) -> Transition:
    """Check and make one status change: status, version, where an on-hold resumes, timeline entry."""
    transition = decide(definition, entity.status, wanted, uow.ctx.roles if roles is None else roles,
                        payload, guards)
    before = entity.status
    if transition.target in ON_HOLD and hasattr(entity, "previous_status"):
        entity.previous_status = before
    entity.status = transition.target
    entity.version += 1
    entity.updated_at = utcnow()
    timeline.status_changed(uow, group_id, entity_ref, label, before, transition.target, dict(payload))
    return transition
