"""What every CRM resource module shares: the unit of work of the request, ETags, query bases."""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

from flask import request
from marshmallow import Schema, fields, validate

from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import PreconditionFailed
from atlas_shared.web.app import current_platform, request_ctx
from atlas_shared.web.schemas import PageQuery

_VERSION_TAG = re.compile(r'^(?:W/)?"v?(\d+)"$')


def uow(read_only: bool = False) -> UnitOfWork:
    return current_platform().uow(request_ctx(), read_only=read_only)


def etag(body: dict[str, Any]) -> dict[str, str]:
    """The dossier's version is its entity tag (strong: any change bumps it)."""
    return {"ETag": f'"{body["version"]}"'}


def if_match_version() -> int | None:
    """The version an ``If-Match`` header names (optional; ``*`` or absent: no precondition)."""
    raw = (request.headers.get("If-Match") or "").strip()
    if not raw or raw == "*":
        return None
    found = _VERSION_TAG.match(raw)
    if not found:
        raise PreconditionFailed("If-Match must be the ETag of the dossier, e.g. \"3\".", {"If-Match": raw})
    return int(found.group(1))


class DossierScopedQuery(PageQuery):
    dossierId = fields.UUID(required=True, metadata={"description": "The dossier whose items to list"})


class WarningSchema(Schema):
    code = fields.String()
    message = fields.String()
    appointmentId = fields.String()
    dossierId = fields.String()
    startsAt = fields.String()
    endsAt = fields.String()


def instant(**options: Any) -> fields.AwareDateTime:
    """An ISO 8601 timestamp; without an offset it is read as UTC."""
    return fields.AwareDateTime(format="iso", default_timezone=UTC, **options)


CODE = validate.Regexp(r"^[A-Z][A-Z0-9_]{1,59}$", error="Must be an UPPER_SNAKE code.")
