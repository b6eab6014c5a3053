"""The short-lived signed token in a photo's upload URL: the URL alone authorises one upload."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass


class BadUploadToken(ValueError):
    pass


@dataclass(frozen=True)
class UploadClaims:
    org_id: str
    listing_id: str
    media_id: str
    user_id: str
    expires_at: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _mac(payload: str, secret: str) -> str:
    return _b64(hmac.new(secret.encode(), b"upload:" + payload.encode(), hashlib.sha256).digest())


def issue(claims: UploadClaims, secret: str) -> str:
    body = {"o": claims.org_id, "l": claims.listing_id, "m": claims.media_id, "u": claims.user_id,
            "e": claims.expires_at}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    return f"{payload}.{_mac(payload, secret)}"


def verify(token: str, secret: str, now: float) -> UploadClaims:
    payload, _, mac = (token or "").partition(".")
    if not payload or not mac or not hmac.compare_digest(mac, _mac(payload, secret)):
        raise BadUploadToken("The upload link is not valid.")
    try:
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims = UploadClaims(org_id=str(body["o"]), listing_id=str(body["l"]), media_id=str(body["m"]),
                              user_id=str(body["u"]), expires_at=int(body["e"]))
    except (ValueError, KeyError, TypeError):
        raise BadUploadToken("The upload link is malformed.") from None
    if now > claims.expires_at:
        raise BadUploadToken("The upload link has expired: ask for a new one (media/init).")
    return claims
