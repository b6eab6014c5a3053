"""One error table: every failure a client can see maps to (HTTP status, code) here.

Domain and service code raise these exceptions; the HTTP layer (``web.errors``) turns them into the
standard body ``{"code", "message", "details"}``. Nothing else decides a status code.
"""

from __future__ import annotations

from typing import Any


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details or {}}


class AtlasError(Exception):
    """Base of every error that reaches a client with a status and a code."""

    status = 500
    code = "INTERNAL_ERROR"
    default_message = "Internal error."

    def __init__(self, message: str | None = None, details: dict[str, Any] | None = None, *,
                 code: str | None = None, headers: dict[str, str] | None = None) -> None:
        self.message = message or self.default_message
        self.details = details or {}
        if code:
            self.code = code
        self.headers = headers or {}
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.details)


class ValidationFailed(AtlasError):
    status, code, default_message = 400, "VALIDATION_ERROR", "The request is not valid."


class ConsentRequired(AtlasError):
    status, code, default_message = 400, "CONSENT_REQUIRED", "Contact consent is required."


class Unauthorized(AtlasError):
    status, code, default_message = 401, "UNAUTHORIZED", "Authentication is required."


class Forbidden(AtlasError):
    status, code, default_message = 403, "FORBIDDEN", "You are not allowed to do this."


class NotFound(AtlasError):
    status, code, default_message = 404, "NOT_FOUND", "Not found."


class MethodNotAllowed(AtlasError):
    status, code, default_message = 405, "METHOD_NOT_ALLOWED", "Method not allowed."


class Conflict(AtlasError):
    status, code, default_message = 409, "CONFLICT", "The request conflicts with the current state."


class TransitionNotAllowed(Conflict):
    code, default_message = "TRANSITION_NOT_ALLOWED", "This status change is not allowed."


class PreconditionFailed(AtlasError):
    status, code, default_message = 412, "PRECONDITION_FAILED", "The resource changed since you read it."


class PayloadTooLarge(AtlasError):
    status, code, default_message = 413, "PAYLOAD_TOO_LARGE", "The request body is too large."


class UnsupportedMediaType(AtlasError):
    status, code, default_message = 415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported content type."


class Unprocessable(AtlasError):
    status, code, default_message = 422, "UNPROCESSABLE", "The request cannot be processed."


class RateLimited(AtlasError):
    status, code, default_message = 429, "RATE_LIMITED", "Too many requests."


class BadGateway(AtlasError):
    status, code, default_message = 502, "BAD_GATEWAY", "The service gave an invalid answer."


class UpstreamTimeout(AtlasError):
    status, code, default_message = 504, "UPSTREAM_TIMEOUT", "The service did not answer in time."


class ServiceUnavailable(AtlasError):
    status, code, default_message = 503, "SERVICE_UNAVAILABLE", "Service unavailable."
