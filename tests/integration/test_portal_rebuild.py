"""The portal's read model rebuilds from the listings service's snapshots, on demand."""

import uuid

import pytest
from sqlalchemy import select

from atlas_shared.context import RequestContext
from atlas_shared.db.platform import OutboxMessage
from atlas_shared.events import Event
from atlas_shared.messaging.consumer import EventConsumer


@pytest.fixture
def services(atlas_env, database_url, monkeypatch):
    monkeypatch.setenv("ATLAS_LISTINGS_DATABASE_URL", database_url("atlas_listings:migrations"))
    monkeypatch.setenv("ATLAS_PUBLIC_PORTAL_DATABASE_URL", database_url("atlas_portal:migrations"))
    from atlas_listings.bootstrap import build as build_listings
    from atlas_portal.bootstrap import build as build_portal
    listings, portal = build_listings(), build_portal()
    yield listings.platform, portal.platform
    listings.platform.db.dispose()
    portal.platform.db.dispose()


def drain_outbox(platform, event_type):
    """What the relay would publish: the pending envelopes of one type, marked as published."""
    with platform.db.session(tenant_bypass=True) as s, s.begin():
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.event_type == event_type,
                                                     OutboxMessage.published_at.is_(None))
                         .order_by(OutboxMessage.seq)).all()
        events = [Event.from_dict(r.envelope) for r in rows]
        for r in rows:
            s.delete(r)
    return events


def test_rebuild_from_scratch_restores_every_published_listing(services):
    from atlas_listings.entrypoints.consumers import subscriptions as listings_subs
    from atlas_listings.service_layer.demo import seed
    from atlas_portal.adapters.orm import PublicListing
    from atlas_portal.entrypoints.consumers import subscriptions as portal_subs
    from atlas_portal.service_layer.read_model import request_rebuild

    listings, portal = services
    org = str(uuid.uuid4())
    assert seed(listings, org, 3) == 3
    request_rebuild(portal.uow(RequestContext.system(), tenant_bypass=True), from_scratch=True)

    [request] = drain_outbox(portal, "portal.read_model_rebuild_requested")
    listings_consumer = EventConsumer(listings.db, listings.broker, listings_subs(listings)[0])
    assert listings_consumer.process(request) == "handled"
    assert listings_consumer.process(request) == "duplicate"  # redelivery re-sends nothing

    snapshots = drain_outbox(listings, "listing.snapshot")
    assert len(snapshots) == 3 and {e.org_id for e in snapshots} == {org}
    portal_consumer = EventConsumer(portal.db, portal.broker, portal_subs()[0])
    for event in snapshots:
        portal_consumer.process(event)
    with portal.db.session(read_only=True) as s:
        visible = s.scalars(select(PublicListing).where(PublicListing.visible.is_(True))).all()
    assert len(visible) == 3 and {str(r.org_id) for r in visible} == {org}
