"""Inbound WhatsApp (domain.md section 6), in three steps so that the webhook answers fast and
nothing is lost if a process dies after answering:

1. ``store_delivery`` (the webhook, one short transaction): keep the signed body as received and queue
   ``whatsapp.delivery_received`` in the outbox;
2. ``split_delivery`` (consumer): per phone-number id, find the org; publish one
   ``whatsapp.message_received`` per message (in that org) and ``whatsapp.status_received`` per status
   callback (for the outbound service);
3. ``receive_message`` (consumer, in the org): store the message once per wamid on the open dossier of
   the sender's phone, or on a new CRM_LEAD dossier from LEAD_SOURCE_WHATSAPP.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from prometheus_client import Counter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from atlas_crm.adapters.locks import lock_for
from atlas_crm.adapters.orm import Dossier, Message, WhatsAppDelivery
from atlas_crm.adapters.repositories import DossierRepository
from atlas_crm.domain import messaging
from atlas_crm.domain import whatsapp as wa
from atlas_crm.service_layer import dossiers, messages, normalise
from atlas_crm.service_layer.org_settings import org_for_whatsapp_number
from atlas_crm.service_layer.whatsapp_contacts import grant_contact_consent
from atlas_shared.db.repository import as_uuid
from atlas_shared.db.types import new_id, utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import ValidationFailed
from atlas_shared.events import Event
from atlas_shared.phones import InvalidPhone, to_e164

log = logging.getLogger(__name__)
UNMATCHED = Counter("atlas_crm_whatsapp_unmatched_total",
                    "WhatsApp webhook changes acknowledged but not stored (unknown phone-number id)",
                    ["step"])
LEAD_CASE_TYPE, LEAD_SOURCE = "CRM_LEAD", "LEAD_SOURCE_WHATSAPP"
RECEIVED, PROCESSED = "RECEIVED", "PROCESSED"


def store_delivery(uow: UnitOfWork, raw: bytes) -> dict[str, Any]:
    """Keep a signed delivery for processing, unless it is a replay or for no known number."""
    try:
        body = json.loads(raw)
        numbers = wa.phone_number_ids(body)
    except ValueError as exc:
        raise ValidationFailed(f"Not a WhatsApp webhook body: {exc}.") from None
    digest = hashlib.sha256(raw).hexdigest()
    with uow:
        if not any(org_for_whatsapp_number(uow.session, n) for n in numbers):
            UNMATCHED.labels("webhook").inc()
            log.warning("WhatsApp delivery for no known phone-number id", extra={"phone_number_ids": numbers})
            return {"stored": False, "reason": "UNKNOWN_PHONE_NUMBER_ID"}
        if uow.session.scalar(select(WhatsAppDelivery.id).where(WhatsAppDelivery.body_sha256 == digest)):
            return {"stored": False, "reason": "DUPLICATE_DELIVERY"}
        delivery = WhatsAppDelivery(id=new_id(), body_sha256=digest, body=raw.decode("utf-8", "replace"),
                                    status=RECEIVED, phone_number_ids=numbers,
                                    correlation_id=uow.ctx.correlation_id)
        uow.session.add(delivery)
        uow.publish("whatsapp.delivery_received", {"deliveryId": str(delivery.id)},
                    aggregate_type="whatsapp_delivery", aggregate_id=delivery.id)
        try:
            uow.commit()
        except IntegrityError:  # the same body, stored by a concurrent request a moment ago
            return {"stored": False, "reason": "DUPLICATE_DELIVERY"}
        return {"stored": True, "deliveryId": str(delivery.id)}


def split_delivery(uow: UnitOfWork, event: Event) -> None:
    """Consumer of ``whatsapp.delivery_received`` (tenant bypass: one delivery may span orgs)."""
    key = as_uuid(event.payload.get("deliveryId"))
    delivery = uow.session.get(WhatsAppDelivery, key, with_for_update=True) if key else None
    if delivery is None or delivery.status == PROCESSED:
        return
    inbound, statuses = wa.parse(json.loads(delivery.body))
    orgs = _Orgs(uow.session)
    outcome = {"messages": 0, "statuses": 0, "unknownNumber": 0}
    for m in inbound:
        if (org := orgs.of(m.phone_number_id)) is None:
            outcome["unknownNumber"] += 1
            continue
        uow.publish("whatsapp.message_received", message_payload(delivery, m), org_id=org,
                    aggregate_type="whatsapp_contact", aggregate_id=m.sender)
        outcome["messages"] += 1
    for s in statuses:
        if (org := orgs.of(s.phone_number_id)) is None:
            outcome["unknownNumber"] += 1
            continue
        uow.publish("whatsapp.status_received", status_payload(s), org_id=org,
                    aggregate_type="whatsapp_message", aggregate_id=s.wamid)
        outcome["statuses"] += 1
    if outcome["unknownNumber"]:
        UNMATCHED.labels("processing").inc(outcome["unknownNumber"])
    delivery.status, delivery.outcome, delivery.processed_at = PROCESSED, outcome, utcnow()


class _Orgs:
    def __init__(self, session: Session) -> None:
        self.session, self.known = session, {}  # type: ignore[var-annotated]

    def of(self, phone_number_id: str) -> str | None:
        if phone_number_id not in self.known:
            self.known[phone_number_id] = org_for_whatsapp_number(self.session, phone_number_id)
        return self.known[phone_number_id]


def message_payload(delivery: WhatsAppDelivery, m: wa.InboundMessage) -> dict[str, Any]:
    return {"deliveryId": str(delivery.id), "phoneNumberId": m.phone_number_id, "wamid": m.wamid,
            "from": m.sender, "contactName": m.contact_name, "type": m.type, "content": m.content,
            "sentAt": m.sent_at.isoformat() if m.sent_at else None}


def status_payload(s: wa.StatusCallback) -> dict[str, Any]:
    return {"providerMessageId": s.wamid, "status": s.status, "timestamp": s.timestamp,
            "recipientId": s.recipient_id, "errors": s.errors, "bizOpaqueCallbackData": s.callback_data,
            "phoneNumberId": s.phone_number_id}


def receive_message(uow: UnitOfWork, event: Event) -> None:
    """Consumer of ``whatsapp.message_received`` (in the org): once per wamid, however often sent."""
    p = event.payload
    phone = _e164(p["from"])
    # One contact's messages one at a time: two handled at once must not open two dossiers.
    lock_for(uow.session, "whatsapp-contact", str(uow.ctx.org_id), phone or p["from"])
    if uow.session.scalar(select(Message.id).where(Message.channel == messaging.WHATSAPP,
                                                   Message.provider_message_id == p["wamid"])):
        return
    dossier = _open_dossier(uow, phone) or _new_lead(uow, phone, p)
    sent_at = (normalise.instant(p["sentAt"], "sentAt", {}) if p.get("sentAt") else None) or utcnow()
    messages.store(uow, dossier, {
        "direction": messaging.INBOUND, "channel": messaging.WHATSAPP, "content": p.get("content") or "",
        "recipient": None, "template_code": None, "template_language": None, "variables": {},
        "occurred_at": sent_at, "provider_message_id": p["wamid"]}, sender=phone)
    if phone and phone == dossier.phone:
        grant_contact_consent(uow, dossier, p, sent_at)


def _open_dossier(uow: UnitOfWork, phone: str | None) -> Dossier | None:
    if phone is None:
        return None
    repo = DossierRepository(uow.session)
    return repo.open_for_phone(phone, None, b2b_demo=False) or repo.open_for_phone(phone, None, b2b_demo=True)


def _new_lead(uow: UnitOfWork, phone: str | None, p: dict[str, Any]) -> Dossier:
    payload = {"whatsappFrom": p["from"], "phoneNumberId": p.get("phoneNumberId"), "firstWamid": p["wamid"]}
    dossier, _ = dossiers.intake(uow, {"caseType": LEAD_CASE_TYPE, "source": LEAD_SOURCE, "phone": phone,
                                       "contactName": p.get("contactName"), "payload": payload})
    return dossier


def _e164(wa_id: str) -> str | None:
    try:
        return to_e164("+" + wa_id.lstrip("+"))
    except InvalidPhone:
        return None

