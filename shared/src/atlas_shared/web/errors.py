"""The HTTP side of the error table: every error leaves as ``{"code","message","details"}``."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify
from marshmallow import Schema, fields
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from atlas_shared.db.platform import AuditImmutable
from atlas_shared.db.tenancy import TenantScopeMissing
from atlas_shared.errors import AtlasError, error_body

log = logging.getLogger(__name__)

# HTTP status → code, for errors raised by Flask/werkzeug/webargs rather than by our code.
HTTP_CODES = {
    400: "VALIDATION_ERROR", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED", 409: "CONFLICT", 412: "PRECONDITION_FAILED",
    413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE", 422: "VALIDATION_ERROR",
    428: "PRECONDITION_REQUIRED", 429: "RATE_LIMITED", 500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


class ErrorSchema(Schema):
    """The standard error body (documentation only)."""

    code = fields.String(metadata={"description": "UPPER_SNAKE error code", "example": "VALIDATION_ERROR"})
    message = fields.String(metadata={"description": "Human-readable explanation"})
    details = fields.Dict(metadata={"description": "Per-field errors or context"})


def validation_details(messages: Any) -> dict[str, Any]:
    """webargs nests errors under the location (json, query, ...): flatten to per-field lists."""
    if not isinstance(messages, dict):
        return {"_schema": messages}
    details: dict[str, Any] = {}
    for location, errors in messages.items():
        if isinstance(errors, dict) and location in {"json", "query", "form", "files", "headers",
                                                      "view_args", "path", "json_or_form"}:
            details.update(errors)
        else:
            details[location] = errors
    return details


def http_exception_response(error: HTTPException) -> tuple[Any, int, dict[str, str]]:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if "messages" in data or "errors" in data:
        body = error_body("VALIDATION_ERROR", "The request is not valid.",
                          validation_details(data.get("errors") or data.get("messages")))
        return jsonify(body), 400, headers
    if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
        headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    code = HTTP_CODES.get(status, "HTTP_ERROR")
    message = data.get("message") or error.description or error.name
    if status == 404 and message.startswith("The requested URL was not found"):
        message = "No such resource."
    return jsonify(error_body(code, message)), status, headers


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(AtlasError)
    def _atlas_error(error: AtlasError):  # type: ignore[no-untyped-def]
        return jsonify(error.body()), error.status, error.headers

    @app.errorhandler(IntegrityError)
    def _integrity(error: IntegrityError):  # type: ignore[no-untyped-def]
        log.warning("integrity error", extra={"error": str(error.orig)[:500]})
        return jsonify(error_body("CONFLICT", "This change conflicts with existing data.")), 409

    @app.errorhandler(TenantScopeMissing)
    @app.errorhandler(AuditImmutable)
    @app.errorhandler(Exception)
    def _unhandled(error: Exception):  # type: ignore[no-untyped-def]
        if isinstance(error, HTTPException):
            return http_exception_response(error)
        log.exception("unhandled error")
        return jsonify(error_body("INTERNAL_ERROR", "An unexpected error occurred.")), 500
