"""Events the listings service consumes."""

from __future__ import annotations

from atlas_listings.service_layer import annonces, reports
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event
from atlas_shared.messaging.consumer import Subscription
from atlas_shared.platform import Platform


def subscriptions(platform: Platform) -> list[Subscription]:
    def on_rebuild_requested(uow: UnitOfWork, event: Event) -> None:
        annonces.publish_snapshots(uow)

    return [
        Subscription(service="listings", name="read-model-requests",
                     bindings=[("public-portal", "portal.read_model_rebuild_requested")],
                     handlers={"portal.read_model_rebuild_requested": on_rebuild_requested},
                     tenant_bypass=True),
        # Both events carry the listing's org: they run scoped to it like any pro request.
        Subscription(service="listings", name="public-feedback",
                     bindings=[("public-portal", "portal.report_submitted"),
                               ("public-portal", "portal.listing_event_recorded")],
                     handlers={"portal.report_submitted": reports.record_report,
                               "portal.listing_event_recorded": reports.record_public_event}),
    ]
