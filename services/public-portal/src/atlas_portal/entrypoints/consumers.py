"""Events the portal consumes: every listing change feeds the public read model."""

from __future__ import annotations

from atlas_portal.service_layer.read_model import LISTING_EVENTS, apply_listing_event
from atlas_shared.messaging.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return [Subscription(service="public-portal", name="listings-read-model",
                         bindings=[("listings", "listing.*")],
                         handlers={t: apply_listing_event for t in LISTING_EVENTS})]
