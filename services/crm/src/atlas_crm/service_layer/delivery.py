"""Delivery news from the outbound service (``outbound.status_changed``) onto CRM messages."""

from __future__ import annotations

import logging

from atlas_crm.adapters.orm import Dossier, Message
from atlas_crm.service_layer import timeline
from atlas_shared.db.repository import as_uuid
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event

log = logging.getLogger(__name__)


def apply_delivery_status(uow: UnitOfWork, event: Event) -> bool:
    """Update the message unless this news is older than what it holds (events arrive out of order)."""
    news = event.payload
    key = as_uuid(news.get("crmMessageId"))
    message = uow.session.get(Message, key) if key else None
    if message is None:
        log.info("delivery status for an unknown message", extra={"crm_message_id": news.get("crmMessageId")})
        return False
    # Lock the dossier before the message, in the order every other use case locks them.
    dossier = uow.session.get(Dossier, message.dossier_id, with_for_update=True)
    message = uow.session.get(Message, key, with_for_update=True) or message
    version = int(news.get("version") or 0)
    if version <= message.delivery_version:
        return False
    message.delivery_status, message.delivery_version = news.get("status"), version
    message.provider_message_id = news.get("providerMessageId") or message.provider_message_id
    message.delivery_error = (str(news["error"])[:500] if news.get("error") else None)
    message.updated_at = utcnow()
    if dossier is not None:
        timeline.log(uow, dossier, "ACT_MESSAGE_LOG", f"{message.channel} message {message.delivery_status}",
                     related=("MESSAGE", message.id),
                     details={"deliveryStatus": message.delivery_status, "error": message.delivery_error,
                              "outboundMessageId": news.get("messageId"),
                              "occurredAt": news.get("occurredAt")})
    return True
