"""Message statuses and the one rule about them: they only move forward.

QUEUED → SENDING → SENT → DELIVERED → READ, or FAILED / CANCELLED. Provider callbacks arrive
duplicated and out of order; a status that is not ahead of the current one changes nothing.
"""

from __future__ import annotations

QUEUED, SENDING, SENT, DELIVERED, READ = "QUEUED", "SENDING", "SENT", "DELIVERED", "READ"
FAILED, CANCELLED = "FAILED", "CANCELLED"
STATUSES = (QUEUED, SENDING, SENT, DELIVERED, READ, FAILED, CANCELLED)
FINAL = frozenset({FAILED, CANCELLED})
PENDING = frozenset({QUEUED, SENDING})
RANK = {QUEUED: 0, SENDING: 1, SENT: 2, DELIVERED: 3, READ: 4}

# Provider callback words (WhatsApp statuses, Twilio MessageStatus) → ours; None: not a change.
CALLBACK_STATUSES = {
    "sent": SENT, "delivered": DELIVERED, "read": READ, "failed": FAILED, "undelivered": FAILED,
    "queued": None, "accepted": None, "sending": None, "scheduled": None, "canceled": None,
}

CHANNELS = ("WHATSAPP", "SMS", "EMAIL")


def channel_code(raw: str) -> str | None:
    """``WHATSAPP`` or ``CHAN_WHATSAPP`` (any case) → ``WHATSAPP``; anything else → None."""
    value = (raw or "").strip().upper().removeprefix("CHAN_")
    return value if value in CHANNELS else None


def advances(current: str, new: str) -> bool:
    """Whether a callback status may replace the current one (monotonic, FAILED final).

    A failure report counts until the message was delivered; after that it is stale."""
    if current in FINAL or current == new:
        return False
    if new == FAILED:
        return RANK.get(current, 0) < RANK[DELIVERED]
    return RANK.get(new, -1) > RANK.get(current, 99)
