"""Whole-definition checks, each problem reported with where it is and what to do about it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from atlas_shared.workflow.definition import WorkflowDefinition
from atlas_shared.workflow.errors import InvalidWorkflow

COOP_PREFIX = "COOP_"


@dataclass(frozen=True)
class Problem:
    code: str  # UPPER_SNAKE, stable: what kind of problem
    path: str  # where: "states", "states[2]", "transitions[5].to"
    message: str


def problems(definition: WorkflowDefinition, *, status_pool: Collection[str] | None = None,
             known_guards: Collection[str] | None = None,
             known_effects: Collection[str] | None = None) -> list[Problem]:
    """Every problem of the definition (empty when it is valid)."""
    found = [*_state_problems(definition, status_pool), *_transition_problems(definition)]
    found += _named_problems(definition, "guards", known_guards)
    found += _named_problems(definition, "effects", known_effects)
    if not any(p.code in {"NO_INITIAL_STATE", "SEVERAL_INITIAL_STATES"} for p in found):
        found += _reachability_problems(definition)
    return found


def ensure_valid(definition: WorkflowDefinition, **options: Collection[str] | None) -> None:
    found = problems(definition, **options)  # type: ignore[arg-type]
    if found:
        details: dict[str, list[str]] = {}
        for problem in found:
            details.setdefault(problem.path, []).append(f"{problem.code}: {problem.message}")
        raise InvalidWorkflow(f"The {definition.case_type} workflow has {len(found)} problem(s).", details)


def _state_problems(d: WorkflowDefinition, pool: Collection[str] | None) -> list[Problem]:
    found: list[Problem] = []
    counts = Counter(s.code for s in d.states)
    for i, state in enumerate(d.states):
        path = f"states[{i}]"
        if counts[state.code] > 1:
            found.append(Problem("DUPLICATE_STATE", path,
                                 f"{state.code} is declared {counts[state.code]} times."))
        if d.case_type.startswith(COOP_PREFIX) and not state.code.startswith(COOP_PREFIX):
            found.append(Problem("FOREIGN_STATUS", path, f"{state.code}: a {d.case_type} workflow may only "
                                                         f"use {COOP_PREFIX}* statuses."))
        if pool is not None and state.code not in pool:
            found.append(Problem("UNKNOWN_STATUS", path, f"{state.code} is not an active status code."))
        if state.initial and state.terminal:
            found.append(Problem("INITIAL_IS_TERMINAL", path,
                                 f"{state.code} cannot be both initial and terminal."))
    initial = [s.code for s in d.states if s.initial]
    if not initial:
        found.append(Problem("NO_INITIAL_STATE", "states", "Mark exactly one state as initial."))
    elif len(initial) > 1:
        found.append(Problem("SEVERAL_INITIAL_STATES", "states",
                             f"Only one state may be initial; found {', '.join(initial)}."))
    if d.states and not d.terminal_codes:
        found.append(Problem("NO_TERMINAL_STATE", "states", "Mark at least one state as terminal."))
    return found


def _transition_problems(d: WorkflowDefinition) -> list[Problem]:
    found: list[Problem] = []
    declared = {s.code for s in d.states}
    seen: dict[tuple[str, str, str | None], int] = {}
    codes: dict[tuple[str, str], int] = {}
    for i, t in enumerate(d.transitions):
        path = f"transitions[{i}]"
        for end, code in (("from", t.source), ("to", t.target)):
            if code not in declared:
                found.append(Problem("UNDECLARED_STATE", f"{path}.{end}",
                                     f"{code} is not one of the workflow's states; "
                                     "declare it or fix the code."))
        if d.is_terminal(t.source):
            found.append(Problem("TERMINAL_HAS_OUTGOING", path,
                                 f"{t.source} is terminal, so no transition may leave it (to {t.target})."))
        key = (t.source, t.target, t.code)
        if key in seen:
            found.append(Problem("DUPLICATE_TRANSITION", path,
                                 f"{t.source} → {t.target} repeats transitions[{seen[key]}]."))
        seen.setdefault(key, i)
        if t.code is not None:
            if (t.source, t.code) in codes:
                found.append(Problem("AMBIGUOUS_CODE", f"{path}.code",
                                     f"{t.code} already leaves {t.source} "
                                     f"(transitions[{codes[t.source, t.code]}])."))
            codes.setdefault((t.source, t.code), i)
    return found


def _named_problems(d: WorkflowDefinition, attr: str, known: Collection[str] | None) -> list[Problem]:
    if known is None:
        return []
    return [Problem(f"UNKNOWN_{attr[:-1].upper()}", f"transitions[{i}].{attr}",
                    f"{name} is not a known {attr[:-1]}; known: {', '.join(sorted(known)) or 'none'}.")
            for i, t in enumerate(d.transitions) for name in getattr(t, attr) if name not in known]


def _reachability_problems(d: WorkflowDefinition) -> list[Problem]:
    start = d.initial.code
    reached, frontier = {start}, [start]
    while frontier:
        current = frontier.pop()
        for t in d.outgoing(current):
            if t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    found = [Problem("UNREACHABLE_STATE", f"states[{i}]", f"{s.code} cannot be reached from {start}.")
             for i, s in enumerate(d.states) if s.code not in reached]
    found += [Problem("DEAD_END", f"states[{i}]", f"{s.code} is not terminal but has no way out.")
              for i, s in enumerate(d.states) if not s.terminal and not d.outgoing(s.code)]
    return found
