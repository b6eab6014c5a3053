"""A contact who writes to the agency on WhatsApp may be answered there (domain.md section 5:
consent source CONSENT_SRC_WHATSAPP_INBOUND), unless they already said otherwise."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from atlas_crm.adapters.orm import Dossier
from atlas_crm.adapters.repositories import ConsentRepository
from atlas_crm.domain import consent as rules
from atlas_crm.domain import messaging
from atlas_crm.service_layer import consents
from atlas_shared.db.uow import UnitOfWork

SOURCE = "CONSENT_SRC_WHATSAPP_INBOUND"


def grant_contact_consent(uow: UnitOfWork, dossier: Dossier, message: dict[str, Any], at: datetime) -> None:
    """GRANTED contact consent on WhatsApp with the inbound message as proof, only when the dossier
    has no consent state for it yet: a DENIED or REVOKED consent is never overridden by a message."""
    if ConsentRepository(uow.session).current(dossier.id, messaging.WHATSAPP, rules.CONTACT) is not None:
        return
    proof = {"text": "The contact wrote to the agency on WhatsApp.", "reference": message["wamid"],
             "from": message["from"], "phoneNumberId": message.get("phoneNumberId")}
    consents.set_consent(uow, dossier, {"channel": messaging.WHATSAPP, "type": rules.CONTACT,
                                        "status": rules.GRANTED, "source": SOURCE, "proof": proof,
                                        "capturedAt": at})
