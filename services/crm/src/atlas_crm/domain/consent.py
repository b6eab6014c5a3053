"""Consent states (domain.md section 5): one current state per (dossier, channel, type)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

GRANTED, DENIED, REVOKED = "GRANTED", "DENIED", "REVOKED"
STATUSES = (GRANTED, DENIED, REVOKED)
CONTACT, MARKETING = "CONSENT_CONTACT", "CONSENT_MARKETING"


def is_effective(status: str, expires_at: datetime | None, now: datetime) -> bool:
    """Only a GRANTED consent that has not expired lets anyone contact the person."""
    return status == GRANTED and (expires_at is None or expires_at > now)


def proof_problem(status: str, proof: dict[str, Any] | None) -> str | None:
    if status == GRANTED and not (proof and (proof.get("text") or proof.get("reference"))):
        return "A GRANTED consent needs proof: the consent text or a reference to it."
    return None


def as_proof(value: Any) -> dict[str, Any] | None:
    """Proof is stored as an object; a plain string is the consent text."""
    if value is None or value == "":
        return None
    return {"text": value} if isinstance(value, str) else dict(value)
