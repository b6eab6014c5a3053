"""The coop lifecycles as workflow data for the shared engine (atlas_shared.workflow).

COOP_GROUP and COOP_PROJECT are the seeded defaults a tenant may override through the CRM's workflow
admin (``workflow.changed``); members, allocations and the ledger follow fixed definitions. Whatever
a tenant's definition says, ``MANDATORY_GUARDS`` are always checked: the rules of domain.md section 8
cannot be configured away.
"""

from __future__ import annotations

from typing import Any

from atlas_coop.domain import codes as c
from atlas_shared.workflow import Transition, WorkflowDefinition

MANAGERS = list(c.MANAGERS)
OVERRIDABLE = ("COOP_GROUP", "COOP_PROJECT")

# Guard names (what each checks is in service_layer.guards).
VALIDATED_PLAN, DECISION_DOCUMENT = "VALIDATED_PLAN", "DECISION_DOCUMENT"
PROJECT_HAS_LOTS = "PROJECT_HAS_LOTS"
ACTIVE_MEMBERS, RESUMES_PREVIOUS = "ACTIVE_MEMBERS", "RESUMES_PREVIOUS_STATUS"
IDENTITY_DOCUMENT, NO_LATE_INSTALMENTS = "IDENTITY_DOCUMENT", "NO_LATE_INSTALMENTS"
ALLOCATION_PV, ALLOCATION_CONTRACT, PAST_GRACE = "ALLOCATION_PV", "ALLOCATION_CONTRACT", "PAST_GRACE"
GUARDS = (VALIDATED_PLAN, DECISION_DOCUMENT, PROJECT_HAS_LOTS, ACTIVE_MEMBERS, RESUMES_PREVIOUS,
          IDENTITY_DOCUMENT, NO_LATE_INSTALMENTS, ALLOCATION_PV, ALLOCATION_CONTRACT, PAST_GRACE)

MANDATORY_GUARDS: dict[str, tuple[str, ...]] = {
    c.GROUP_FUNDING_OPEN: (VALIDATED_PLAN, DECISION_DOCUMENT),
    c.GROUP_FUNDING_CLOSED: (DECISION_DOCUMENT,),
    c.GROUP_ALLOCATION_RUNNING: (PROJECT_HAS_LOTS,),
    c.MEMBER_EXCLUDED: (DECISION_DOCUMENT,),
}
RESUMING_FROM = (c.GROUP_ON_HOLD, c.PROJECT_ON_HOLD)


def mandatory_guards(transition: Transition) -> tuple[str, ...]:
    """Resuming from on hold only returns to where the record stopped (that step's rules were met)."""
    if transition.source in RESUMING_FROM:
        extra: tuple[str, ...] = (RESUMES_PREVIOUS,)
    else:
        extra = MANDATORY_GUARDS.get(transition.target, ())
    if transition.source == c.MEMBER_PENDING_KYC and transition.target == c.MEMBER_ACTIVE:
        extra += (IDENTITY_DOCUMENT,)
    return tuple(g for g in extra if g not in transition.guards)


def _t(source: str, target: str, code: str | None = None, roles: list[str] | None = None,
       fields: tuple[str, ...] = (), guards: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"from": source, "to": target, "code": code, "roles": MANAGERS if roles is None else roles,
            "requiredFields": list(fields), "guards": list(guards)}


def _states(initial: str, middle: tuple[str, ...], terminal: tuple[str, ...]) -> list[dict[str, Any]]:
    return ([{"code": initial, "initial": True}] + [{"code": s} for s in middle]
            + [{"code": s, "terminal": True} for s in terminal])


def _lifecycle(case_type: str, path: tuple[str, ...], on_hold: str, cancelled: str,
               guards: dict[str, tuple[str, ...]], fields: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """A nominal path, on hold from (and back to) any open step, cancelled from any open step."""
    open_steps, final = path[:-1], path[-1]
    transitions = [_t(a, b, guards=guards.get(b, ()), fields=fields.get(b, ()))
                   for a, b in zip(path, path[1:], strict=False)]
    for step in open_steps:
        transitions += [_t(step, on_hold, fields=("comment",)),
                        _t(on_hold, step, guards=(RESUMES_PREVIOUS,)),
                        _t(step, cancelled, fields=("comment",))]
    transitions.append(_t(on_hold, cancelled, fields=("comment",)))
    return {"caseType": case_type, "version": 1, "reopenRoles": [c.ADMIN_ORG],
            "states": _states(path[0], (*path[1:-1], on_hold), (final, cancelled)),
            "transitions": transitions}


GROUP_DEFAULT = _lifecycle(
    "COOP_GROUP",
    (c.GROUP_FORMATION, c.GROUP_KYC_READY, c.GROUP_FUNDING_OPEN, c.GROUP_THRESHOLD_REACHED,
     c.GROUP_FUNDING_CLOSED, c.GROUP_ALLOCATION_RUNNING, c.GROUP_COMPLETED),
    c.GROUP_ON_HOLD, c.GROUP_CANCELLED,
    guards={c.GROUP_KYC_READY: (ACTIVE_MEMBERS,), c.GROUP_FUNDING_OPEN: (VALIDATED_PLAN, DECISION_DOCUMENT),
            c.GROUP_FUNDING_CLOSED: (DECISION_DOCUMENT,), c.GROUP_ALLOCATION_RUNNING: (PROJECT_HAS_LOTS,)},
    fields={c.GROUP_FUNDING_OPEN: ("documentId",), c.GROUP_FUNDING_CLOSED: ("documentId",)})

PROJECT_DEFAULT = _lifecycle(
    "COOP_PROJECT",
    (c.PROJECT_LAND_SECURED, c.PROJECT_PERMITS, c.PROJECT_CONTRACTING, c.PROJECT_BUILDING,
     c.PROJECT_DELIVERY, c.PROJECT_HANDOVER, c.PROJECT_CLOSED),
    c.PROJECT_ON_HOLD, c.PROJECT_CANCELLED, guards={}, fields={})

_OPEN_MEMBER = (c.MEMBER_PENDING_KYC, c.MEMBER_ACTIVE, c.MEMBER_SUSPENDED, c.MEMBER_IN_DEFAULT)
_SYSTEM = [c.SYSTEM]
MEMBER = {
    "caseType": "COOP_MEMBER", "version": 1, "reopenRoles": [],
    "states": _states(c.MEMBER_PENDING_KYC, _OPEN_MEMBER[1:], c.MEMBER_GONE),
    "transitions": [
        _t(c.MEMBER_PENDING_KYC, c.MEMBER_ACTIVE, guards=(IDENTITY_DOCUMENT,)),
        _t(c.MEMBER_ACTIVE, c.MEMBER_SUSPENDED, fields=("comment",)),
        _t(c.MEMBER_IN_DEFAULT, c.MEMBER_SUSPENDED, fields=("comment",)),
        _t(c.MEMBER_SUSPENDED, c.MEMBER_ACTIVE, guards=(NO_LATE_INSTALMENTS,)),
        _t(c.MEMBER_ACTIVE, c.MEMBER_IN_DEFAULT, roles=_SYSTEM),
        _t(c.MEMBER_IN_DEFAULT, c.MEMBER_ACTIVE, roles=[*MANAGERS, c.SYSTEM], guards=(NO_LATE_INSTALMENTS,)),
        *[_t(s, c.MEMBER_EXITED, fields=("comment",)) for s in _OPEN_MEMBER],
        *[_t(s, c.MEMBER_EXCLUDED, fields=("documentId", "comment"), guards=(DECISION_DOCUMENT,))
          for s in _OPEN_MEMBER],
    ]}

_REJECTABLE = (c.ALLOC_PROPOSED, c.ALLOC_ELIGIBILITY_CHECK, c.ALLOC_APPROVED, c.ALLOC_ASSIGNED)
ALLOCATION = {
    "caseType": "COOP_ALLOCATION", "version": 1, "reopenRoles": [],
    "states": _states(c.ALLOC_PROPOSED, (c.ALLOC_ELIGIBILITY_CHECK, c.ALLOC_APPROVED, c.ALLOC_ASSIGNED),
                      (c.ALLOC_SIGNED, c.ALLOC_REJECTED, c.ALLOC_CANCELLED)),
    "transitions": [
        _t(c.ALLOC_PROPOSED, c.ALLOC_ELIGIBILITY_CHECK, "VALIDATE", guards=(ALLOCATION_PV,)),
        _t(c.ALLOC_ELIGIBILITY_CHECK, c.ALLOC_APPROVED, "APPROVE", roles=_SYSTEM),
        _t(c.ALLOC_APPROVED, c.ALLOC_ASSIGNED, "ASSIGN"),
        _t(c.ALLOC_ASSIGNED, c.ALLOC_SIGNED, "SIGN", guards=(ALLOCATION_CONTRACT,)),
        *[_t(s, c.ALLOC_REJECTED, "REJECT", fields=("reason",)) for s in _REJECTABLE],
        _t(c.ALLOC_PROPOSED, c.ALLOC_CANCELLED, "SUPERSEDE", roles=_SYSTEM),
    ]}

_MEMBER_OR_MANAGER = [*MANAGERS, c.COOP_MEMBER]
LEDGER = {
    "caseType": "LEDGER_CONTRIBUTION", "version": 1, "reopenRoles": [],
    "states": _states(c.DUE, (c.PENDING, c.REJECTED, c.LATE), c.SETTLED),
    "transitions": [
        *[_t(s, c.PENDING, "DECLARE", roles=_MEMBER_OR_MANAGER) for s in (c.DUE, c.LATE, c.REJECTED)],
        _t(c.PENDING, c.CONFIRMED, "CONFIRM"),
        _t(c.PENDING, c.REJECTED, "REJECT", fields=("reason",)),
        *[_t(s, c.LATE, "MARK_LATE", roles=[*MANAGERS, c.SYSTEM], guards=(PAST_GRACE,))
          for s in (c.DUE, c.REJECTED)],
        *[_t(s, c.WAIVED, "WAIVE", fields=("reason",)) for s in (c.DUE, c.PENDING, c.LATE, c.REJECTED)],
    ]}

DEFAULTS = {d["caseType"]: WorkflowDefinition.from_dict(d)
            for d in (GROUP_DEFAULT, PROJECT_DEFAULT, MEMBER, ALLOCATION, LEDGER)}
STATUS_POOLS = {"COOP_GROUP": c.GROUP_STATUSES, "COOP_PROJECT": c.PROJECT_STATUSES}
