"""Provider secrets at rest: encrypted with a key from the environment, shown only as a hint."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


class SecretBox:
    def __init__(self, key_material: str) -> None:
        digest = hashlib.sha256(key_material.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise ValueError("provider secret cannot be decrypted (ATLAS_OUTBOUND_SECRETS_KEY changed?)") \
                from None


def hint(secret: str) -> str:
    """What an admin may see of a secret: its last four characters."""
    return "…" + secret[-4:] if len(secret) > 8 else "…"
