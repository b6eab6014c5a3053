"""Turning submitted values into stored ones, collecting every problem per field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from atlas_shared.errors import ValidationFailed
from atlas_shared.phones import InvalidPhone, to_e164

Errors = dict[str, list[str]]


def phone(raw: str | None, field: str, errors: Errors) -> tuple[str | None, str | None]:
    """(E.164, raw as typed); the raw input is kept for display and audit."""
    if raw is None or not str(raw).strip():
        return None, None
    try:
        return to_e164(str(raw)), str(raw)
    except InvalidPhone as exc:
        errors.setdefault(field, []).append(str(exc))
        return None, str(raw)


def instant(value: Any, field: str, errors: Errors) -> datetime | None:
    """An ISO 8601 timestamp from a free-form payload (naive means UTC)."""
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            errors.setdefault(field, []).append("Not an ISO 8601 date-time.")
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def raise_if(errors: Errors, message: str | None = None) -> None:
    if errors:
        raise ValidationFailed(message, errors)
