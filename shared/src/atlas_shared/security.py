"""Who is calling: JWT verification and the identity the gateway signs for the services.

The gateway verifies the caller's JWT and its entitlement to the ``X-Org-Id`` org, then forwards a
compact identity signed with ``ATLAS_INTERNAL_SECRET``. Services accept either that signed identity or
a bearer JWT they verify themselves (they are deployed separately and never trust a bare header).
Algorithms are pinned by configuration, never read from the token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt

from atlas_shared.errors import Unauthorized

IDENTITY_HEADER = "X-Atlas-Identity"
# Headers a client must never be able to set: the gateway strips them on every route.
CLIENT_IDENTITY_HEADERS = (
    IDENTITY_HEADER, "X-User-Id", "X-User-Roles", "X-Roles", "X-Forwarded-User",
    "X-Remote-User", "X-Auth-User", "X-Auth-Roles",
)
DEV_SECRET = "atlas-dev-secret-change-me-0123456789abcdef"
DEV_INTERNAL_SECRET = "atlas-internal-dev-secret-0123456789abcdef"
SIGNED_IDENTITY_MAX_AGE = 300  # seconds; a captured header is useless soon after


class AuthError(Unauthorized):
    """Missing, expired or invalid credentials (401)."""


@dataclass(frozen=True)
class Identity:
    user_id: str
    roles: frozenset[str] = field(default_factory=frozenset)
    org_ids: frozenset[str] = field(default_factory=frozenset)
    expires_at: float | None = None

    def may_act_for(self, org_id: str) -> bool:
        return org_id in self.org_ids


@dataclass(frozen=True)
class SecuritySettings:
    jwt_secret: str | None
    jwks_url: str | None
    issuer: str | None
    audience: str | None
    org_claim: str
    internal_secret: str
    leeway: int = 10

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SecuritySettings:
        env = dict(os.environ if env is None else env)
        jwks = env.get("ATLAS_JWT_JWKS_URL") or None
        secret = env.get("ATLAS_JWT_SECRET") or (None if jwks else DEV_SECRET)
        return cls(
            jwt_secret=secret,
            jwks_url=jwks,
            issuer=env.get("ATLAS_JWT_ISSUER") or None,
            audience=env.get("ATLAS_JWT_AUDIENCE") or None,
            org_claim=env.get("ATLAS_JWT_ORG_CLAIM", "org_ids"),
            internal_secret=env.get("ATLAS_INTERNAL_SECRET", DEV_INTERNAL_SECRET),
        )


class TokenVerifier:
    """Verifies bearer tokens: HS256 with a shared secret, or RS256 through a (cached) JWKS."""

    def __init__(self, settings: SecuritySettings) -> None:
        self.settings = settings
        self._jwks = jwt.PyJWKClient(settings.jwks_url, cache_keys=True) if settings.jwks_url else None

    def verify(self, token: str | None) -> Identity:
        if not token:
            raise AuthError("A bearer token is required.")
        s = self.settings
        options = {"require": ["exp", "sub"], "verify_aud": s.audience is not None}
        try:
            if self._jwks is not None:
                key: Any = self._jwks.get_signing_key_from_jwt(token).key
                algorithms = ["RS256"]
            else:
                key, algorithms = s.jwt_secret, ["HS256"]
            claims = jwt.decode(token, key, algorithms=algorithms, audience=s.audience,
                                issuer=s.issuer, leeway=s.leeway, options=options)
        except jwt.ExpiredSignatureError:
            raise AuthError("The token has expired.", code="TOKEN_EXPIRED") from None
        except (jwt.InvalidTokenError, jwt.PyJWKClientError) as exc:
            raise AuthError(f"The token is not valid: {exc}.") from None
        return identity_from_claims(claims, s.org_claim)


def identity_from_claims(claims: dict[str, Any], org_claim: str = "org_ids") -> Identity:
    roles = claims.get("roles")
    if roles is None:
        roles = (claims.get("realm_access") or {}).get("roles", [])
    orgs = claims.get(org_claim) or []
    if isinstance(orgs, str):
        orgs = [orgs]
    return Identity(
        user_id=str(claims["sub"]),
        roles=frozenset(str(r) for r in roles),
        org_ids=frozenset(str(o) for o in orgs),
        expires_at=float(claims["exp"]) if "exp" in claims else None,
    )


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(payload: str, secret: str) -> str:
    return _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())


def sign_identity(identity: Identity, org_id: str, correlation_id: str, secret: str,
                  now: float | None = None) -> str:
    """The header value the gateway forwards once it verified the token and the org entitlement."""
    body = {"sub": identity.user_id, "roles": sorted(identity.roles), "org": org_id,
            "cid": correlation_id, "iat": int(now if now is not None else time.time())}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    return f"{payload}.{_mac(payload, secret)}"


def verify_signed_identity(value: str, secret: str, now: float | None = None,
                           max_age: int = SIGNED_IDENTITY_MAX_AGE) -> tuple[Identity, str]:
    """Return (identity, org_id) from a gateway-signed header; a forged or stale one is refused."""
    payload, _, mac = value.partition(".")
    if not payload or not mac or not hmac.compare_digest(mac, _mac(payload, secret)):
        raise AuthError("The identity header is not signed by the gateway.")
    try:
        body = json.loads(_unb64(payload))
        issued = int(body["iat"])
        identity = Identity(user_id=str(body["sub"]), roles=frozenset(body["roles"]),
                            org_ids=frozenset([str(body["org"])]))
    except (ValueError, KeyError, TypeError):
        raise AuthError("The identity header is malformed.") from None
    if abs((now if now is not None else time.time()) - issued) > max_age:
        raise AuthError("The identity header has expired.")
    return identity, str(body["org"])


def issue_dev_token(secret: str, org_ids: list[str], roles: list[str], user_id: str | None = None,
                    ttl: int = 3600, issuer: str | None = None, audience: str | None = None,
                    org_claim: str = "org_ids") -> str:
    """An HS256 token for local use (``atlas token``) and tests."""
    now = int(time.time())
    claims: dict[str, Any] = {"sub": user_id or str(uuid.uuid4()), "roles": roles, org_claim: org_ids,
                              "iat": now, "exp": now + ttl}
    if issuer:
        claims["iss"] = issuer
    if audience:
        claims["aud"] = audience
    return jwt.encode(claims, secret, algorithm="HS256")
