"""A policy refusal as the client sees it: its own code and status, in the standard error body."""

from __future__ import annotations

from atlas_outbound.domain.policy import Refusal
from atlas_shared.errors import AtlasError, ConsentRequired, ValidationFailed


def refusal_error(refusal: Refusal) -> AtlasError:
    if refusal.code == "CONSENT_REQUIRED":
        return ConsentRequired(refusal.message, refusal.details)
    if refusal.code == "VALIDATION_ERROR":
        return ValidationFailed(refusal.message, refusal.details)
    headers = {}
    if refusal.status == 429:
        retry = refusal.details.get("retryAfterSeconds") or 3600
        headers["Retry-After"] = str(retry)
    error = AtlasError(refusal.message, refusal.details, code=refusal.code, headers=headers)
    error.status = refusal.status
    return error
