"""Events behind the audit trail, search and inbound WhatsApp (docs/events.md)."""

from __future__ import annotations

from atlas_crm.service_layer.audit_trail import record_foreign_audit
from atlas_crm.service_layer.listing_projection import LISTING_EVENTS, apply_listing_event
from atlas_crm.service_layer.whatsapp_inbound import receive_message, split_delivery
from atlas_shared.messaging.consumer import Subscription

AUDITED_SERVICES = ("listings", "outbound", "coop", "public-portal")


def subscriptions() -> list[Subscription]:
    return [
        Subscription(service="crm", name="audit-trail",
                     bindings=[(service, "audit.recorded") for service in AUDITED_SERVICES],
                     handlers={"audit.recorded": record_foreign_audit}),
        Subscription(service="crm", name="listing-projection", bindings=[("listings", "listing.*")],
                     handlers={t: apply_listing_event for t in LISTING_EVENTS}),
        # One delivery may carry several organisations' numbers: split without a tenant.
        Subscription(service="crm", name="whatsapp-deliveries",
                     bindings=[("crm", "whatsapp.delivery_received")],
                     handlers={"whatsapp.delivery_received": split_delivery}, tenant_bypass=True),
        Subscription(service="crm", name="whatsapp-messages", bindings=[("crm", "whatsapp.message_received")],
                     handlers={"whatsapp.message_received": receive_message}),
    ]
