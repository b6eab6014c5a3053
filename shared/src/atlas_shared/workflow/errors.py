"""What the engine refuses, as errors every service already maps to HTTP (atlas_shared.errors)."""

from __future__ import annotations

from atlas_shared.errors import Forbidden, TransitionNotAllowed, ValidationFailed


class InvalidWorkflow(ValidationFailed):
    """A definition that cannot drive cases: details list each problem under its path."""


class TransitionRefused(TransitionNotAllowed):
    """No such move from the current state (details: from, to, allowed)."""


class TransitionForbidden(Forbidden):
    """The move exists but the caller's roles may not make it (details: requiredRoles)."""


class TransitionIncomplete(ValidationFailed):
    """A required field or reason is missing or not a valid code (details per field)."""


class GuardFailed(TransitionNotAllowed):
    """A precondition outside the definition (e.g. the demo appointment is not done yet)."""
