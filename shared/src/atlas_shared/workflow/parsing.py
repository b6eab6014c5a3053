"""Reading a workflow definition from JSON, every malformed field reported under its path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from atlas_shared.workflow.definition import DEFAULT_REOPEN_ROLES, State, Transition, WorkflowDefinition
from atlas_shared.workflow.errors import InvalidWorkflow


def parse_definition(data: Mapping[str, Any]) -> WorkflowDefinition:
    errors: dict[str, list[str]] = {}
    states = [_state(raw, f"states[{i}]", errors) for i, raw in enumerate(_list(data, "states", errors))]
    transitions = [_transition(raw, f"transitions[{i}]", errors)
                   for i, raw in enumerate(_list(data, "transitions", errors))]
    case_type, version = data.get("caseType"), data.get("version", 1)
    if not isinstance(case_type, str) or not case_type.strip():
        errors["caseType"] = ["Required: the case type this workflow drives."]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        errors["version"] = ["Must be a positive integer."]
    if errors:
        raise InvalidWorkflow("The workflow definition is malformed.", errors)
    reopen = data.get("reopenRoles")
    return WorkflowDefinition(case_type=str(case_type), version=int(version),
                              states=tuple(s for s in states if s),
                              transitions=tuple(t for t in transitions if t),
                              reopen_roles=frozenset(reopen) if reopen is not None else DEFAULT_REOPEN_ROLES)

def _list(data: Mapping[str, Any], key: str, errors: dict[str, list[str]]) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        errors[key] = ["Required: a list."]
        return []
    return value


def _text(raw: Mapping[str, Any], key: str, path: str, errors: dict[str, list[str]],
          required: bool = True) -> str | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        errors[f"{path}.{key}"] = ["Required: a non-empty code." if required else "Must be a code."]
        return None
    return value.strip()


def _strings(raw: Mapping[str, Any], key: str, path: str, errors: dict[str, list[str]]) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        errors[f"{path}.{key}"] = ["Must be a list of non-empty strings."]
        return ()
    return tuple(v.strip() for v in value)


def _state(raw: Any, path: str, errors: dict[str, list[str]]) -> State | None:
    if not isinstance(raw, Mapping):
        errors[path] = ["Must be an object {code, initial, terminal}."]
        return None
    code = _text(raw, "code", path, errors)
    return State(code, bool(raw.get("initial")), bool(raw.get("terminal"))) if code else None


def _transition(raw: Any, path: str, errors: dict[str, list[str]]) -> Transition | None:
    if not isinstance(raw, Mapping):
        errors[path] = ["Must be an object {from, to, code?, roles?, requiredFields?, reasonType?}."]
        return None
    source, target = _text(raw, "from", path, errors), _text(raw, "to", path, errors)
    code, reason = _text(raw, "code", path, errors, False), _text(raw, "reasonType", path, errors, False)
    roles, fields_ = _strings(raw, "roles", path, errors), _strings(raw, "requiredFields", path, errors)
    guards, effects = _strings(raw, "guards", path, errors), _strings(raw, "effects", path, errors)
    if not (source and target):
        return None
    return Transition(source, target, code, frozenset(roles), fields_, reason, guards, effects)
