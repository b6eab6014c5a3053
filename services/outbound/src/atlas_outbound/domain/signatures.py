"""Provider signatures: Meta's X-Hub-Signature-256 and Twilio's X-Twilio-Signature.

Computed over exactly what the provider signs (the raw body; the public URL plus sorted form
parameters) and compared in constant time. The simulator signs with the same functions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping


def meta_signature(raw_body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()


def meta_signature_ok(raw_body: bytes, header: str | None, app_secret: str | None) -> bool:
    if not header or not app_secret:
        return False
    return hmac.compare_digest(header.strip(), meta_signature(raw_body, app_secret))


def twilio_signature(url: str, params: Mapping[str, str], auth_token: str) -> str:
    payload = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_signature_ok(url: str, params: Mapping[str, str], header: str | None,
                        auth_token: str | None) -> bool:
    if not header or not auth_token:
        return False
    return hmac.compare_digest(header.strip(), twilio_signature(url, params, auth_token))
