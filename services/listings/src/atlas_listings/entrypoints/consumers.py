"""Events the listings service consumes."""

from __future__ import annotations

from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event
from atlas_shared.messaging.consumer import Subscription
from atlas_shared.platform import Platform

from atlas_listings.service_layer import annonces


def subscriptions(platform: Platform) -> list[Subscription]:
    def on_rebuild_requested(uow: UnitOfWork, event: Event) -> None:
        annonces.publish_snapshots(uow)

    return [Subscription(service="listings", name="read-model-requests",
                         bindings=[("public-portal", "portal.read_model_rebuild_requested")],
                         handlers={"portal.read_model_rebuild_requested": on_rebuild_requested},
                         tenant_bypass=True)]
