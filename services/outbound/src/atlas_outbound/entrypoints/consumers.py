"""Events the outbound service consumes (docs/events.md)."""

from __future__ import annotations

from typing import Any

from atlas_outbound.service_layer import callbacks, intake, signals
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event
from atlas_shared.messaging.consumer import Subscription

NAME = "outbound"


def subscriptions(container: Any) -> list[Subscription]:
    settings, clock = container.settings, container.clock

    def crm_request(uow: UnitOfWork, event: Event) -> None:
        intake.on_crm_request(uow, event, settings, clock(), container.email_ready)

    def coop_notification(uow: UnitOfWork, event: Event) -> None:
        intake.on_coop_notification(uow, event, settings, clock(), container.email_ready)

    def status_received(uow: UnitOfWork, event: Event) -> None:
        p = event.payload
        report = callbacks.StatusReport(
            provider_message_id=str(p["providerMessageId"]), status=str(p.get("status") or ""),
            occurred_at=signals.timestamp(p.get("timestamp")) or clock(), errors=list(p.get("errors") or []),
            message_ref=p.get("bizOpaqueCallbackData"))
        callbacks.record(uow, report, "crm-event", clock())

    return [
        # Consents and inbound contacts first and apart: a backlog of sends never delays them.
        Subscription(service=NAME, name="contact-signals",
                     bindings=[("crm", "consent.changed"), ("coop", "consent.changed"),
                               ("crm", "contact.inbound_received")],
                     handlers={"consent.changed": signals.on_consent_changed,
                               "contact.inbound_received": signals.on_inbound_received}),
        Subscription(service=NAME, name="send-requests",
                     bindings=[("crm", "message.outbound_requested"), ("coop", "notification.requested")],
                     handlers={"message.outbound_requested": crm_request,
                               "notification.requested": coop_notification}),
        Subscription(service=NAME, name="delivery-statuses", bindings=[("crm", "whatsapp.status_received")],
                     handlers={"whatsapp.status_received": status_received}),
    ]
