"""Events the CRM consumes: leads from the portal and the Biz site, delivery news from outbound."""

from __future__ import annotations

from atlas_crm.service_layer.delivery import apply_delivery_status
from atlas_crm.service_layer.portal_leads import on_demo_requested, on_lead_submitted
from atlas_shared.messaging.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return [
        Subscription(service="crm", name="portal-leads",
                     bindings=[("public-portal", "portal.lead_submitted"),
                               ("public-portal", "portal.demo_requested")],
                     handlers={"portal.lead_submitted": on_lead_submitted,
                               "portal.demo_requested": on_demo_requested}),
        Subscription(service="crm", name="outbound-status",
                     bindings=[("outbound", "outbound.status_changed")],
                     handlers={"outbound.status_changed": apply_delivery_status}),
    ]
