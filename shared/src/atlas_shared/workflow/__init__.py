"""Workflows as data: a definition (states, transitions, guards), its validation, and the engine that
decides what a caller may do from a state. Pure domain: no Flask, no SQLAlchemy.

Used by the CRM (dossier pipelines) and the coop service (group, project, allocation lifecycles).
"""

from atlas_shared.workflow.definition import (
                                              REASON_FIELDS,
                                              State,
                                              Transition,
                                              WorkflowDefinition,
                                              reason_field,
)
from atlas_shared.workflow.engine import allowed, check, describe
from atlas_shared.workflow.errors import (
                                              GuardFailed,
                                              InvalidWorkflow,
                                              TransitionForbidden,
                                              TransitionIncomplete,
                                              TransitionRefused,
)
from atlas_shared.workflow.validation import Problem, ensure_valid, problems

__all__ = [
    "REASON_FIELDS", "GuardFailed", "InvalidWorkflow", "Problem", "State", "Transition",
    "TransitionForbidden", "TransitionIncomplete", "TransitionRefused", "WorkflowDefinition",
    "allowed", "check", "describe", "ensure_valid", "problems", "reason_field",
]
