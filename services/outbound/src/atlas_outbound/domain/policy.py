"""The rules a message passes before anything is queued (domain.md section 7).

Each refusal is a :class:`Refusal` with the reason code clients see; no framework here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from atlas_shared.phones import InvalidPhone, to_e164

WHATSAPP_WINDOW = timedelta(hours=24)
GRANTED = "GRANTED"
CONTACT, MARKETING = "CONSENT_CONTACT", "CONSENT_MARKETING"
DOSSIER, COOP_MEMBER = "DOSSIER", "COOP_MEMBER"
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


class Refusal(Exception):
    """A message the policy does not let through. ``status`` is the HTTP answer on the API."""

    def __init__(self, code: str, message: str, status: int = 400,
                 details: dict[str, Any] | None = None) -> None:
        self.code, self.message, self.status = code, message, status
        self.details = details or {}
        super().__init__(message)


@dataclass(frozen=True)
class ConsentFacts:
    """The current consent for (subject, channel, type) as the local consent table holds it."""

    status: str
    expires_at: datetime | None
    phone: str | None
    email: str | None


def normalise_recipient(channel: str, raw: str) -> str:
    text = (raw or "").strip()
    if channel == "EMAIL":
        if not _EMAIL.match(text):
            raise Refusal("INVALID_RECIPIENT", f"'{raw}' is not an email address.", details={"to": [
                "Not an email address."]})
        return text.lower()
    try:
        return to_e164(text)
    except InvalidPhone as exc:
        raise Refusal("INVALID_RECIPIENT", str(exc), details={"to": ["Not a valid phone number (E.164)."]}) \
            from None


def required_consent_type(template_category: str | None) -> str:
    return MARKETING if template_category == "MARKETING" else CONTACT


def check_consent(consent: ConsentFacts | None, *, channel: str, to: str, consent_type: str,
                  now: datetime) -> None:
    """Deny by default: unknown, not GRANTED, expired, or granted for another address is a no."""
    label = f"{consent_type} for {channel}"
    if consent is None:
        raise Refusal("CONSENT_REQUIRED", f"No consent on record ({label}).",
                      details={"consent": ["UNKNOWN"]})
    if consent.status != GRANTED:
        raise Refusal("CONSENT_REQUIRED", f"Consent is {consent.status} ({label}).",
                      details={"consent": [consent.status]})
    if consent.expires_at is not None and consent.expires_at <= now:
        raise Refusal("CONSENT_REQUIRED", f"Consent expired on {consent.expires_at.isoformat()} ({label}).",
                      details={"consent": ["EXPIRED"]})
    consented = consent.email if channel == "EMAIL" else consent.phone
    if consented and consented != to:
        raise Refusal("CONSENT_REQUIRED", "The consent was given for another address than 'to'.",
                      details={"to": ["Not the consented address."]})


def check_whatsapp_window(last_inbound_at: datetime | None, now: datetime) -> None:
    """Free text on WhatsApp only within 24 hours of the contact's last inbound message."""
    if last_inbound_at is None or now - last_inbound_at > WHATSAPP_WINDOW:
        since = last_inbound_at.isoformat() if last_inbound_at else "never"
        raise Refusal("WHATSAPP_WINDOW_CLOSED",
                      "Free text is only allowed within 24 hours of the contact's last message "
                      f"(last: {since}); send a registered template instead.", status=422,
                      details={"lastInboundAt": last_inbound_at.isoformat() if last_inbound_at else None})
