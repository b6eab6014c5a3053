"""A workflow definition: states (one initial, some terminal) and the transitions between them.

Stored as JSON (``to_dict``/``from_dict``, camelCase keys) so that services keep definitions as
versioned data and tenants can override them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from atlas_shared.workflow.errors import InvalidWorkflow

# The payload field that carries the reason code a transition requires, per reason type.
REASON_FIELDS = {"LOSS_REASON": "lossReason", "WON_REASON": "wonReason", "B2B_LOST_REASON": "lossReason"}
DEFAULT_REOPEN_ROLES = frozenset({"ADMIN_ORG"})
OVERRIDE_CODE = "REOPEN"


def reason_field(reason_type: str | None) -> str | None:
    if reason_type is None:
        return None
    return REASON_FIELDS.get(reason_type, "reasonCode")


@dataclass(frozen=True)
class State:
    code: str
    initial: bool = False
    terminal: bool = False


@dataclass(frozen=True)
class Transition:
    """``source`` → ``target``; empty ``roles`` means anyone allowed to work the case may use it."""

    source: str
    target: str
    code: str | None = None
    roles: frozenset[str] = frozenset()
    required_fields: tuple[str, ...] = ()
    reason_type: str | None = None
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    override: bool = False  # an administrator reopening a terminal state

    @property
    def reason_field(self) -> str | None:
        return reason_field(self.reason_type)

    @property
    def fields_needed(self) -> tuple[str, ...]:
        """Every payload field the caller must fill, the reason field included."""
        extra = (self.reason_field,) if self.reason_field else ()
        return tuple(dict.fromkeys((*self.required_fields, *extra)))

    def permits(self, roles: Iterable[str]) -> bool:
        return not self.roles or bool(self.roles.intersection(roles))

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "code": self.code,
                "roles": sorted(self.roles), "requiredFields": list(self.required_fields),
                "reasonType": self.reason_type, "guards": list(self.guards),
                "effects": list(self.effects)}


@dataclass(frozen=True)
class WorkflowDefinition:
    case_type: str
    version: int
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    reopen_roles: frozenset[str] = field(default=DEFAULT_REOPEN_ROLES)

    def state(self, code: str) -> State | None:
        return next((s for s in self.states if s.code == code), None)

    @property
    def initial(self) -> State:
        found = [s for s in self.states if s.initial]
        if len(found) != 1:
            raise InvalidWorkflow(f"Workflow {self.case_type} needs exactly one initial state.",
                                  {"states": [f"{len(found)} initial states declared."]})
        return found[0]

    @property
    def terminal_codes(self) -> frozenset[str]:
        return frozenset(s.code for s in self.states if s.terminal)

    def is_terminal(self, code: str) -> bool:
        return code in self.terminal_codes

    def outgoing(self, code: str) -> tuple[Transition, ...]:
        return tuple(t for t in self.transitions if t.source == code)

    def to_dict(self) -> dict[str, Any]:
        return {"caseType": self.case_type, "version": self.version,
                "reopenRoles": sorted(self.reopen_roles),
                "states": [{"code": s.code, "initial": s.initial, "terminal": s.terminal}
                           for s in self.states],
                "transitions": [t.to_dict() for t in self.transitions]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WorkflowDefinition:
        """Parse stored or submitted JSON; malformed input raises ``InvalidWorkflow`` per field."""
        from atlas_shared.workflow.parsing import parse_definition
        return parse_definition(data)
