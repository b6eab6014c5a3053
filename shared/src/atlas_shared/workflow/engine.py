"""What a caller may do from a state (``allowed``) and whether one move is acceptable (``check``)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from atlas_shared.workflow.definition import OVERRIDE_CODE, REASON_FIELDS, Transition, WorkflowDefinition
from atlas_shared.workflow.errors import (
    GuardFailed,
    TransitionForbidden,
    TransitionIncomplete,
    TransitionRefused,
)

# A guard answers None when the move may go ahead, otherwise the reason it may not.
Guard = Callable[[Transition, Mapping[str, Any]], "str | None"]
REASON_KEYS = frozenset({*REASON_FIELDS.values(), "reasonCode"})


def allowed(definition: WorkflowDefinition, current: str, roles: Iterable[str]) -> list[Transition]:
    """The moves these roles may make from ``current`` (a terminal state: only an override reopen)."""
    roles = frozenset(roles)
    found = [t for t in definition.outgoing(current) if t.permits(roles)]
    if _may_override(definition, current, roles):
        found += [_reopen(definition, current, s.code) for s in definition.states if not s.terminal]
    return found


def _may_override(d: WorkflowDefinition, current: str, roles: frozenset[str]) -> bool:
    """Terminal, or stranded (a status the active definition no longer has): only an override moves it."""
    return bool(roles & d.reopen_roles) and (d.state(current) is None or d.is_terminal(current))


def check(definition: WorkflowDefinition, current: str, wanted: str, roles: Iterable[str],
          payload: Mapping[str, Any], *, reason_codes: Mapping[str, Collection[str]] | None = None,
          guards: Mapping[str, Guard] | None = None) -> Transition:
    """The transition ``wanted`` (a target state or a transition code) names from ``current``.

    Raises ``TransitionRefused`` (no such move), ``TransitionForbidden`` (not for these roles),
    ``TransitionIncomplete`` (fields or reason missing/invalid) or ``GuardFailed``.
    ``reason_codes`` maps a reason type to its valid codes; without it any non-blank reason passes.
    """
    roles = frozenset(roles)
    transition = _resolve(definition, current, wanted, roles)
    _check_fields(transition, payload, reason_codes)
    _check_guards(transition, payload, guards or {})
    return transition


def describe(transition: Transition) -> dict[str, Any]:
    """A transition as an API shows it to the user who may make it."""
    return {"code": transition.code, "from": transition.source, "to": transition.target,
            "requiredFields": list(transition.fields_needed), "reasonType": transition.reason_type,
            "roles": sorted(transition.roles), "override": transition.override}


def _reopen(definition: WorkflowDefinition, current: str, target: str) -> Transition:
    return Transition(current, target, OVERRIDE_CODE, definition.reopen_roles, ("reason",), override=True)


def _resolve(d: WorkflowDefinition, current: str, wanted: str, roles: frozenset[str]) -> Transition:
    outgoing = d.outgoing(current)
    candidates = [t for t in outgoing if t.code == wanted] or [t for t in outgoing if t.target == wanted]
    if not candidates:
        target = d.state(wanted)
        if _may_override(d, current, roles) and target and not target.terminal:
            return _reopen(d, current, wanted)
        raise _refusal(d, current, wanted, roles)
    permitted = [t for t in candidates if t.permits(roles)]
    if not permitted:
        needed = sorted({r for t in candidates for r in t.roles})
        raise TransitionForbidden(f"Your role may not move this case from {current} to "
                                  f"{candidates[0].target}.",
                                  {"requiredRoles": needed})
    if len(permitted) > 1:
        codes = sorted(str(t.code) for t in permitted)
        raise TransitionIncomplete(f"Several transitions lead from {current} to {wanted}; "
                                   "name one by its code.",
                                   {"transitionCode": [f"One of: {', '.join(codes)}."]})
    return permitted[0]


def _refusal(d: WorkflowDefinition, current: str, wanted: str, roles: frozenset[str]) -> TransitionRefused:
    options = allowed(d, current, roles)
    targets = sorted({t.target for t in options})
    if d.state(current) is None:
        message = (f"The status {current} is not part of the {d.case_type} workflow (version {d.version}); "
                   f"an administrator must move it into one of its states.")
    elif d.is_terminal(current):
        message = f"{current} is a final status of the {d.case_type} workflow; it cannot move to {wanted}."
    else:
        message = (f"{current} cannot move to {wanted} in the {d.case_type} workflow; allowed: "
                   f"{', '.join(targets) or 'nothing for your role'}.")
    return TransitionRefused(message, {
        "from": current, "to": wanted, "allowed": targets,
        "allowedTransitions": [{"to": t.target, "code": t.code} for t in options]})


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict, tuple)) and not (
        value.strip() if isinstance(value, str) else value))


def _check_fields(t: Transition, payload: Mapping[str, Any],
                  reason_codes: Mapping[str, Collection[str]] | None) -> None:
    errors = {name: [f"Required to move to {t.target}."]
              for name in t.required_fields if _blank(payload.get(name))}
    field = t.reason_field
    for key in REASON_KEYS - {field}:
        if not _blank(payload.get(key)):
            errors[key] = [f"Not used when moving to {t.target}" + (f"; give {field}." if field else ".")]
    if field:
        value = payload.get(field)
        codes = None if reason_codes is None else sorted(reason_codes.get(str(t.reason_type)) or ())
        allowed_text = f"; allowed: {', '.join(codes) or 'none'}." if codes is not None else "."
        if _blank(value):
            errors[field] = [f"A {t.reason_type} code is required to move to {t.target}{allowed_text}"]
        elif codes is not None and value not in codes:
            errors[field] = [f"'{value}' is not an active {t.reason_type} code{allowed_text}"]
    if errors:
        raise TransitionIncomplete(f"Moving to {t.target} needs more information.", errors)


def _check_guards(t: Transition, payload: Mapping[str, Any], guards: Mapping[str, Guard]) -> None:
    for name in t.guards:
        guard = guards.get(name)
        reason = guard(t, payload) if guard else f"The precondition {name} cannot be checked here."
        if reason:
            raise GuardFailed(reason, {"from": t.source, "to": t.target, "guard": name})
