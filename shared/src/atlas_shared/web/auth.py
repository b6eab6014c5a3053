"""Authenticate a pro request: the gateway's signed identity, or a bearer JWT verified here."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from flask import Request

from atlas_shared.context import RequestContext, sane_correlation_id
from atlas_shared.errors import Forbidden, ValidationFailed
from atlas_shared.security import (
    IDENTITY_HEADER,
    SecuritySettings,
    TokenVerifier,
    bearer_token,
    verify_signed_identity,
)

ORG_HEADER = "X-Org-Id"
CORRELATION_HEADER = "X-Correlation-Id"


def _org_from_header(request: Request) -> str:
    org = (request.headers.get(ORG_HEADER) or "").strip()
    if not org:
        raise ValidationFailed("The X-Org-Id header is required.", {ORG_HEADER: ["Missing or blank."]})
    try:
        return str(uuid.UUID(org))
    except ValueError:
        raise ValidationFailed("The X-Org-Id header must be an organisation id (UUID).",
                               {ORG_HEADER: ["Not a valid UUID."]}) from None


def authenticate(request: Request, settings: SecuritySettings, verifier: TokenVerifier) -> RequestContext:
    correlation_id = sane_correlation_id(request.headers.get(CORRELATION_HEADER))
    signed = request.headers.get(IDENTITY_HEADER)
    if signed:
        identity, org = verify_signed_identity(signed, settings.internal_secret)
        header_org = (request.headers.get(ORG_HEADER) or "").strip()
        if header_org and header_org != org:
            raise Forbidden("The X-Org-Id header does not match the verified identity.")
    else:
        identity = verifier.verify(bearer_token(request.headers.get("Authorization")))
        org = _org_from_header(request)
        if not identity.may_act_for(org):
            raise Forbidden(f"This token is not entitled to act for organisation {org}.")
    return RequestContext(org_id=org, user_id=identity.user_id, roles=identity.roles,
                          correlation_id=correlation_id)


def require_role(ctx: RequestContext, *roles: str | Iterable[str], action: str = "do this") -> None:
    """Permission check for the service layer: 403 unless the caller has one of ``roles``."""
    wanted = {r for group in roles for r in ([group] if isinstance(group, str) else group)}
    if not ctx.roles.intersection(wanted):
        raise Forbidden(f"Your role may not {action}.", {"requiredRoles": sorted(wanted)})
