"""Message use cases and the consent policy for outbound contact (domain.md section 5).

An OUTBOUND message on WhatsApp, SMS or e-mail needs the dossier's current, unexpired GRANTED
CONSENT_CONTACT for that channel. Without it the request fails with 400 CONSENT_REQUIRED, nothing is
stored, and a BLOCKED_BY_POLICY audit event (holding the refused message) is committed on its own.
"""

from __future__ import annotations

from typing import Any

from atlas_crm.adapters.orm import Dossier, Message
from atlas_crm.adapters.repositories import MessageRepository
from atlas_crm.domain import messaging as rules
from atlas_crm.service_layer import normalise, satellites, timeline
from atlas_crm.service_layer.access import list_for_dossier, load_dossier, load_satellite, require_crm
from atlas_crm.service_layer.codes import code_problem
from atlas_crm.service_layer.consents import has_effective_consent
from atlas_crm.service_layer.views import message_view
from atlas_shared.db.repository import Page
from atlas_shared.db.types import new_id, utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import ConsentRequired


def post_message(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    require_crm(uow.ctx, "write messages")
    with uow:
        dossier = load_dossier(uow, data["dossierId"], for_update=True)
        values = validated(uow, dossier, data)
        if not (rules.needs_consent(values["direction"], values["channel"])
                and not has_effective_consent(uow, dossier, values["channel"])):
            message = store(uow, dossier, values)
            uow.commit()
            return message_view(message)
        dossier_id = dossier.id
    _record_refusal(uow, dossier_id, values)
    raise ConsentRequired(f"{values['channel']} messages to this contact need their current contact consent "
                          f"(CONSENT_CONTACT GRANTED on {values['channel']}).",
                          {"dossierId": str(dossier_id), "channel": values["channel"],
                           "consentType": "CONSENT_CONTACT"})


def _record_refusal(uow: UnitOfWork, dossier_id: Any, values: dict[str, Any]) -> None:
    """Its own transaction: the refusal is on record even though the request fails."""
    with uow:
        uow.audit("BLOCKED_BY_POLICY", "MESSAGE", new_id(), parent=("DOSSIER", dossier_id),
                  after={k: v for k, v in values.items()}, extra={"policy": "CONSENT_CONTACT_REQUIRED"})
        uow.commit()


def validated(uow: UnitOfWork, dossier: Dossier, data: dict[str, Any]) -> dict[str, Any]:
    errors: normalise.Errors = {}
    channel = rules.channel_name(data["channel"])
    if problem := code_problem(uow, "CHANNEL_TYPE", rules.channel_code(channel)):
        errors["channel"] = [problem]
    recipient = data.get("to")
    if data["direction"] == rules.OUTBOUND:
        recipient = recipient or rules.recipient_for(channel, dossier.phone, dossier.email)
        if recipient and channel in (rules.WHATSAPP, rules.SMS):
            recipient = normalise.phone(recipient, "to", errors)[0]
        if not recipient and channel in rules.SENT_BY_OUTBOUND:
            missing = "e-mail" if channel == rules.EMAIL else "phone"
            errors["to"] = [f"The dossier has no {missing}; give `to`."]
    if not (data.get("content") or "").strip() and not data.get("templateCode"):
        errors["content"] = ["Required unless a templateCode is given."]
    normalise.raise_if(errors)
    return {"direction": data["direction"], "channel": channel, "content": data.get("content"),
            "recipient": recipient, "template_code": data.get("templateCode"),
            "template_language": data.get("templateLanguage"), "variables": data.get("variables") or {},
            "occurred_at": data.get("occurredAt") or utcnow()}


def store(uow: UnitOfWork, dossier: Dossier, values: dict[str, Any], *, sender: str | None = None) -> Message:
    """Store a checked message (no commit): audit, timeline, and the events other services act on.
    ``sender``: the phone an inbound message came from, when it is not the dossier's (a stakeholder)."""
    message = Message(dossier_id=dossier.id, created_by=uow.ctx.user_id,
                      delivery_status=rules.initial_delivery_status(values["direction"], values["channel"]),
                      **values)
    view = satellites.added(uow, message, dossier, "MESSAGE", message_view)
    timeline.log(uow, dossier, "ACT_MESSAGE_LOG", f"{message.direction} {message.channel} message",
                 related=("MESSAGE", message.id),
                 details={"direction": message.direction, "channel": message.channel,
                          "deliveryStatus": message.delivery_status})
    if message.direction == rules.OUTBOUND and message.channel in rules.SENT_BY_OUTBOUND:
        uow.publish("message.outbound_requested", {
            "messageId": view["id"], "dossierId": view["dossierId"], "channel": message.channel,
            "to": message.recipient, "content": message.content, "templateCode": message.template_code,
            "templateLanguage": message.template_language, "variables": message.variables,
            "idempotencyKey": f"crm-message:{message.id}"}, aggregate_type="message", aggregate_id=message.id)
    elif (message.direction, message.channel) == (rules.INBOUND, rules.WHATSAPP) and (
            sender or dossier.phone):
        uow.publish("contact.inbound_received", {
            "channel": message.channel, "phone": sender or dossier.phone, "dossierId": view["dossierId"],
            "occurredAt": view["occurredAt"]}, aggregate_type="dossier", aggregate_id=dossier.id)
    return message


def get_message(uow: UnitOfWork, message_id: Any) -> dict[str, Any]:
    require_crm(uow.ctx, "read messages")
    with uow:
        return message_view(load_satellite(uow, MessageRepository, message_id)[0])


def list_messages(uow: UnitOfWork, query: dict[str, Any]) -> Page[dict[str, Any]]:
    channel = rules.channel_name(query["channel"]) if query.get("channel") else None
    return list_for_dossier(uow, MessageRepository, query, message_view, "read messages",
                            direction=query.get("direction"), channel=channel)


def delete_message(uow: UnitOfWork, message_id: Any) -> None:
    """Soft delete: hidden from the API, kept in the database and in the audit trail."""
    require_crm(uow.ctx, "delete messages")
    with uow:
        message, dossier = load_satellite(uow, MessageRepository, message_id, for_update=True)
        before = message_view(message)
        message.deleted_at, message.deleted_by = utcnow(), uow.ctx.user_id
        uow.audit("DELETE", "MESSAGE", message.id, before=before, parent=("DOSSIER", dossier.id),
                  extra={"softDelete": True})
        timeline.touch(dossier)
        uow.commit()
