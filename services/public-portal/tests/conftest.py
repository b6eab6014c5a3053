import uuid

import pytest
from sqlalchemy import select

from atlas_portal.bootstrap import build, create_http_app
from atlas_portal.entrypoints.consumers import subscriptions
from atlas_shared.db.platform import OutboxMessage
from atlas_shared.events import Event
from atlas_shared.messaging.consumer import EventConsumer

ORG = "0c8b0a52-5d0e-4a39-9d7e-0a1c3b3f2a11"


@pytest.fixture
def container(atlas_env, database_url, monkeypatch):
    monkeypatch.setenv("ATLAS_PUBLIC_PORTAL_DATABASE_URL", database_url("atlas_portal:migrations"))
    c = build()
    yield c
    c.platform.db.dispose()


@pytest.fixture
def client(container):
    return create_http_app(container).test_client()


def make_snapshot(listing_id, version, status="ANN_PUBLISHED", **extra):
    base = {"id": listing_id, "orgId": ORG, "status": status, "version": version,
            "title": "Appartement vue mer à Tanger", "description": "Très bel appartement rénové.",
            "transactionType": "TX_SALE", "price": 950000.0, "currency": "MAD", "surfaceM2": 88.0,
            "rooms": 3, "bathrooms": 2, "amenities": ["ELEVATOR"], "city": "Tanger",
            "zone": "Malabata", "lat": 35.77, "lng": -5.78, "slug": "appartement-vue-mer-a-tanger",
            "contactPhone": "+212612345678", "media": [],
            "publishedAt": "2026-11-20T10:00:00+00:00"}
    return {**base, **extra}


@pytest.fixture
def snapshot():
    """``snapshot(listing_id, version, status=..., **fields)``: a listing event payload."""
    return make_snapshot


@pytest.fixture
def consume(container):
    consumer = EventConsumer(container.platform.db, container.platform.broker, subscriptions()[0])

    def deliver(event_type, payload, event_id=None):
        return consumer.process(Event(type=event_type, payload=payload, org_id=payload.get("orgId", ORG),
                                      id=event_id or str(uuid.uuid4())))
    return deliver


@pytest.fixture
def published(consume):
    """Put a published listing in the read model; returns its id."""
    def publish(version=2, **extra):
        listing_id = extra.pop("id", None) or str(uuid.uuid4())
        consume("listing.published", make_snapshot(listing_id, version, **extra))
        return listing_id
    return publish


@pytest.fixture
def outbox(container):
    """The envelopes waiting in the portal's outbox, by event type."""
    def read(event_type):
        with container.platform.db.session(read_only=True) as s:
            rows = s.scalars(select(OutboxMessage.envelope).where(OutboxMessage.event_type == event_type)
                             .order_by(OutboxMessage.seq)).all()
        return [Event.from_dict(r) for r in rows]
    return read
