"""WhatsApp Cloud API webhooks (domain.md section 6): the signature, and what a delivery carries.

One POST may hold several entries, each with several changes, each with messages and/or status
callbacks for one business phone number (``metadata.phone_number_id``).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

SIGNATURE_PREFIX = "sha256="


@dataclass(frozen=True)
class InboundMessage:
    phone_number_id: str
    wamid: str
    sender: str  # the contact's wa_id: international digits, no "+"
    sent_at: datetime | None
    type: str
    content: str
    contact_name: str | None


@dataclass(frozen=True)
class StatusCallback:
    phone_number_id: str
    wamid: str
    status: str
    timestamp: str | None
    recipient_id: str | None
    errors: list[Any]
    callback_data: str | None


def signature(raw_body: bytes, app_secret: str) -> str:
    return SIGNATURE_PREFIX + hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()


def signature_ok(raw_body: bytes, header: str | None, app_secret: str | None) -> bool:
    """HMAC-SHA256 of the exact bytes received, compared in constant time."""
    if not header or not app_secret:
        return False
    return hmac.compare_digest(header.strip().encode(), signature(raw_body, app_secret).encode())


def _changes(body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(body, dict) or not isinstance(body.get("entry", []), list):
        raise ValueError("expected an object with an `entry` list")
    found = []
    for entry in body.get("entry") or []:
        for change in (entry or {}).get("changes") or []:
            value = (change or {}).get("value")
            if isinstance(value, dict) and (change.get("field") in (None, "messages")):
                number = str((value.get("metadata") or {}).get("phone_number_id") or "")
                found.append((number, value))
    return found


def phone_number_ids(body: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(number for number, _ in _changes(body) if number))


def parse(body: dict[str, Any]) -> tuple[list[InboundMessage], list[StatusCallback]]:
    messages: list[InboundMessage] = []
    statuses: list[StatusCallback] = []
    for number, value in _changes(body):
        names = {str(c.get("wa_id")): (c.get("profile") or {}).get("name")
                 for c in value.get("contacts") or []}
        for m in value.get("messages") or []:
            if m.get("id") and m.get("from"):
                sender = str(m["from"])
                messages.append(InboundMessage(number, str(m["id"]), sender, sent_at(m.get("timestamp")),
                                               str(m.get("type") or "unknown"), content(m),
                                               names.get(sender)))
        for s in value.get("statuses") or []:
            if s.get("id") and s.get("status"):
                statuses.append(StatusCallback(number, str(s["id"]), str(s["status"]),
                                               _text(s.get("timestamp")), _text(s.get("recipient_id")),
                                               list(s.get("errors") or []),
                                               _text(s.get("biz_opaque_callback_data"))))
    return messages, statuses


def sent_at(unix_seconds: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(unix_seconds), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def content(m: dict[str, Any]) -> str:
    """What the contact sent, as a timeline line: the text, or a description of the media."""
    kind = str(m.get("type") or "unknown")
    part = m.get(kind) if isinstance(m.get(kind), dict) else {}
    if kind == "text":
        return str(part.get("body") or "")
    if kind in ("image", "video", "document", "audio", "sticker"):
        extra = part.get("caption") or part.get("filename") or ""
        return f"[{kind}] {extra}".strip()
    if kind == "location":
        where = ", ".join(str(part[k]) for k in ("name", "address") if part.get(k))
        return f"[location] {where} ({part.get('latitude')}, {part.get('longitude')})".replace("  ", " ")
    if kind == "button":
        return str(part.get("text") or "[button]")
    if kind == "interactive":
        reply = part.get("button_reply") or part.get("list_reply") or {}
        return str(reply.get("title") or "[interactive]")
    if kind == "reaction":
        return f"[reaction] {part.get('emoji') or ''}".strip()
    return f"[{kind}]"


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None
