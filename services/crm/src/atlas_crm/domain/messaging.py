"""Messages: directions, channels, and the consent policy for outbound contact (domain.md section 5)."""

from __future__ import annotations

INBOUND, OUTBOUND = "INBOUND", "OUTBOUND"
DIRECTIONS = (INBOUND, OUTBOUND)
CHANNEL_PREFIX = "CHAN_"
WHATSAPP, SMS, EMAIL, PHONE, WEB = "WHATSAPP", "SMS", "EMAIL", "PHONE", "WEB"
# Contacting someone on these channels needs their current, unexpired contact consent.
CONSENT_CHANNELS = (WHATSAPP, SMS, EMAIL)
SENT_BY_OUTBOUND = CONSENT_CHANNELS
QUEUED, RECEIVED, LOGGED = "QUEUED", "RECEIVED", "LOGGED"


def channel_name(value: str) -> str:
    """``CHAN_WHATSAPP`` or ``whatsapp`` → ``WHATSAPP`` (how the API shows and stores channels)."""
    return value.strip().upper().removeprefix(CHANNEL_PREFIX)


def channel_code(name: str) -> str:
    """``WHATSAPP`` → ``CHAN_WHATSAPP`` (the CHANNEL_TYPE dictionary code)."""
    return CHANNEL_PREFIX + channel_name(name)


def needs_consent(direction: str, channel: str) -> bool:
    return direction == OUTBOUND and channel in CONSENT_CHANNELS


def initial_delivery_status(direction: str, channel: str) -> str:
    """Inbound: received. Outbound on a provider channel: queued for the outbound service.
    Anything else (a phone call, a web form) is only logged."""
    if direction == INBOUND:
        return RECEIVED
    return QUEUED if channel in SENT_BY_OUTBOUND else LOGGED


def recipient_for(channel: str, phone: str | None, email: str | None) -> str | None:
    return email if channel == EMAIL else phone
