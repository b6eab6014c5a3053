"""Pro-route authentication: verify the bearer token (cached) and the caller's right to the org."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict

from atlas_shared.errors import Forbidden, ValidationFailed
from atlas_shared.security import AuthError, Identity, SecuritySettings, TokenVerifier, bearer_token

NO_EXPIRY_TTL = 300.0  # seconds a token without ``exp`` stays cached before it is verified again


class TokenCache:
    """A bounded LRU of verified tokens; an entry lives no longer than its token."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self._entries: OrderedDict[str, tuple[Identity, float]] = OrderedDict()

    def get(self, token: str, now: float) -> Identity | None:
        entry = self._entries.get(token)
        if entry is None:
            return None
        identity, valid_until = entry
        if now >= valid_until:
            del self._entries[token]
            return None
        self._entries.move_to_end(token)
        return identity

    def put(self, token: str, identity: Identity, now: float) -> None:
        if self.max_size <= 0:
            return
        expires = identity.expires_at if identity.expires_at is not None else now + NO_EXPIRY_TTL
        self._entries[token] = (identity, expires)
        self._entries.move_to_end(token)
        while len(self._entries) > self.max_size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class Authenticator:
    """Turns a request's ``Authorization`` and ``X-Org-Id`` headers into (identity, org id)."""

    def __init__(self, settings: SecuritySettings, cache_size: int) -> None:
        self._verifier = TokenVerifier(settings)
        self._cache = TokenCache(cache_size)
        # Fetching JWKS keys is blocking I/O: keep it off the event loop. HS256 is pure CPU (~20 µs).
        self._in_thread = settings.jwks_url is not None

    async def identify(self, authorization: str | None) -> Identity:
        token = bearer_token(authorization)
        if not token:
            raise AuthError("A bearer token is required.")
        now = time.time()
        identity = self._cache.get(token, now)
        if identity is None:
            if self._in_thread:
                identity = await asyncio.get_running_loop().run_in_executor(
                    None, self._verifier.verify, token)
            else:
                identity = self._verifier.verify(token)
            self._cache.put(token, identity, now)
        return identity

    async def authorize(self, authorization: str | None, org_header: str | None) -> tuple[Identity, str]:
        """Raise 401 (token), then 400 (missing org), then 403 (org not in the token)."""
        identity = await self.identify(authorization)
        org_id = (org_header or "").strip()
        if not org_id:
            raise ValidationFailed("The X-Org-Id header is required.",
                                   {"X-Org-Id": ["Missing or blank."]})
        if not identity.may_act_for(org_id):
            raise Forbidden("Your token does not entitle you to this organisation.")
        return identity, org_id

