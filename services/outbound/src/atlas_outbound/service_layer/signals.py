"""What the CRM and the co-op tell us about contacts: consents and inbound messages."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from atlas_outbound.adapters import repositories as repo
from atlas_outbound.adapters.orm import Consent, ContactWindow
from atlas_outbound.domain.statuses import channel_code
from atlas_outbound.service_layer.cancellation import cancel_for_withdrawn_consent
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event
from atlas_shared.phones import InvalidPhone, to_e164

GRANTED = "GRANTED"


def on_consent_changed(uow: UnitOfWork, event: Event) -> bool:
    """Keep the latest consent per (subject, channel, type); a stale version changes nothing."""
    p = event.payload
    channel = channel_code(p.get("channel") or "")
    subject_type = p.get("subjectType") or "DOSSIER"
    subject_id = str(p.get("subjectId") or p.get("dossierId") or "")
    if channel is None or not subject_id or not p.get("type") or not p.get("status"):
        return False  # a phone-call consent, or nothing to key it on
    version = int(p.get("version") or 0)
    row = repo.consent_for(uow.session, subject_type, subject_id, channel, p["type"])
    if row is not None and version and row.version >= version:
        return False
    if row is None:
        row = Consent(subject_type=subject_type, subject_id=subject_id, channel=channel,
                      consent_type=p["type"])
        uow.session.add(row)
    row.status, row.version = p["status"], version
    row.dossier_id = str(p["dossierId"]) if p.get("dossierId") else None
    row.phone, row.email = _phone(p.get("phone")), (p.get("email") or "").strip().lower() or None
    row.source, row.proof = p.get("source"), _text(p.get("proof"))
    row.captured_at, row.expires_at = timestamp(p.get("capturedAt")), timestamp(p.get("expiresAt"))
    row.updated_at = utcnow()
    uow.session.flush()
    if row.status != GRANTED:
        cancel_for_withdrawn_consent(uow, subject_type, subject_id, channel, row.consent_type, row.updated_at)
    return True


def on_inbound_received(uow: UnitOfWork, event: Event) -> bool:
    """The contact wrote to us: WhatsApp's 24-hour window is open from that moment."""
    p = event.payload
    channel, phone = channel_code(p.get("channel") or ""), _phone(p.get("phone"))
    at = timestamp(p.get("occurredAt")) or timestamp(event.occurred_at)
    if channel is None or phone is None or at is None:
        return False
    row = repo.contact_window(uow.session, channel, phone)
    if row is None:
        uow.session.add(ContactWindow(channel=channel, phone=phone, last_inbound_at=at,
                                      dossier_id=str(p["dossierId"]) if p.get("dossierId") else None))
    elif at > row.last_inbound_at:
        row.last_inbound_at = at
    uow.session.flush()
    return True


def _phone(raw: Any) -> str | None:
    try:
        return to_e164(str(raw)) if raw else None
    except InvalidPhone:
        return None


def timestamp(raw: Any) -> datetime | None:
    """ISO 8601, or the Unix seconds WhatsApp puts in its payloads."""
    if raw is None or raw == "":
        return None
    text = str(raw).strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, default=str)
