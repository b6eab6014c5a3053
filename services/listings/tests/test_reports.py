"""Public reports and public events reach the pro side: listed, counted, reviewed, acted upon."""

import uuid

import pytest
from sqlalchemy import select

from atlas_listings.entrypoints.consumers import subscriptions
from atlas_shared.db.platform import AuditEvent
from atlas_shared.events import Event
from atlas_shared.messaging.consumer import EventConsumer, Outcome
from atlas_shared.testing import auth_headers

ORG = str(uuid.uuid4())
ADMIN, AGENT, MODERATOR = auth_headers(ORG), auth_headers(ORG, "AGENT"), auth_headers(ORG, "MODERATOR")
LISTING = {"title": "Riad rénové au cœur de la médina", "transactionType": "TX_SALE",
           "description": "Riad de caractère entièrement rénové, patio, fontaine, terrasse panoramique.",
           "price": 3_200_000, "surfaceM2": 240, "rooms": 6, "city": "Marrakech", "zone": "Médina"}


@pytest.fixture
def deliver(container):
    consumer = EventConsumer(container.platform.db, container.platform.broker,
                             subscriptions(container.platform)[1])

    def send(event_type, payload, org=ORG, event_id=None):
        return consumer.process(Event(type=event_type, payload=payload, org_id=org,
                                      id=event_id or str(uuid.uuid4())))
    return send


@pytest.fixture
def published(client, add_photos):
    listing_id = client.post("/api/v1/listings", json=LISTING, headers=ADMIN).json["id"]
    add_photos(listing_id, ADMIN)
    client.post(f"/api/v1/listings/{listing_id}/transitions", json={"transitionCode": "ANN_T_PUBLISH"},
                headers=ADMIN)
    return listing_id


def report(listing_id, reason="REPORT_FRAUD"):
    return {"reportId": str(uuid.uuid4()), "listingId": listing_id, "reasonCode": reason,
            "comment": "Demande un virement avant visite", "reporterContact": "visiteur@example.ma",
            "submittedAt": "2026-11-26T10:00:00+00:00"}


def test_reports_are_listed_counted_and_idempotent(client, deliver, published):
    first = report(published)
    event_id = str(uuid.uuid4())
    assert deliver("portal.report_submitted", first, event_id=event_id) == Outcome.HANDLED
    assert deliver("portal.report_submitted", first, event_id=event_id) == Outcome.DUPLICATE
    assert deliver("portal.report_submitted", first) == Outcome.HANDLED  # same report, new event id
    deliver("portal.report_submitted", report(published, "REPORT_SPAM"))
    page = client.get(f"/api/v1/listings/{published}/reports", headers=AGENT).json
    assert page["total"] == 2 and {r["reasonCode"] for r in page["items"]} == {"REPORT_FRAUD", "REPORT_SPAM"}
    detail = client.get(f"/api/v1/listings/{published}", headers=AGENT).json
    assert detail["counters"]["reports"] == {"open": 2, "inReview": 0, "closed": 0, "total": 2}
    other = auth_headers(str(uuid.uuid4()), "MODERATOR")
    assert client.get(f"/api/v1/listings/{published}/reports", headers=other).status_code == 404


def test_public_events_are_counted_per_listing(client, deliver, published):
    for _ in range(3):
        deliver("portal.listing_event_recorded", {"listingId": published, "eventType": "WHATSAPP_CLICKED",
                                                  "meta": {}, "occurredAt": "2026-11-26T10:00:00+00:00"})
    deliver("portal.listing_event_recorded", {"listingId": published, "eventType": "PHONE_CLICKED"})
    counters = client.get(f"/api/v1/listings/{published}", headers=AGENT).json["counters"]["publicEvents"]
    assert counters == {"WHATSAPP_CLICKED": 3, "PHONE_CLICKED": 1}


def test_review_workflow_and_suspension_in_the_same_action(client, container, deliver, published):
    fraud = report(published)
    deliver("portal.report_submitted", fraud)
    url = f"/api/v1/listing-reports/{fraud['reportId']}/status"
    assert client.post(url, json={"status": "REPORT_IN_REVIEW"}, headers=AGENT).status_code == 403
    assert client.post(url, json={"status": "REPORT_OPEN"}, headers=MODERATOR).status_code == 400
    res = client.post(url, json={"status": "REPORT_IN_REVIEW"}, headers=MODERATOR)
    assert res.status_code == 200 and res.json["status"] == "REPORT_IN_REVIEW"
    res = client.post(url, json={"status": "REPORT_CLOSED", "note": "Arnaque confirmée",
                                 "suspendListing": True}, headers=MODERATOR)
    assert res.json["status"] == "REPORT_CLOSED" and res.json["resolutionNote"] == "Arnaque confirmée"
    listing = client.get(f"/api/v1/listings/{published}", headers=ADMIN).json
    assert listing["status"] == "ANN_SUSPENDED" and listing["suspensionReason"] == "MOD_SUSPECT_FRAUD"
    closed_again = client.post(url, json={"status": "REPORT_IN_REVIEW"}, headers=MODERATOR)
    assert closed_again.status_code == 409 and closed_again.json["code"] == "TRANSITION_NOT_ALLOWED"
    with container.platform.db.session(tenant_bypass=True) as s:
        actions = set(s.scalars(select(AuditEvent.action)))
    assert {"REPORT_STATUS_CHANGED", "ANNONCE_SUSPENDED"} <= actions
    missing = client.post(f"/api/v1/listing-reports/{uuid.uuid4()}/status", json={"status": "REPORT_CLOSED"},
                          headers=MODERATOR)
    assert missing.status_code == 404 and missing.json["code"] == "REPORT_NOT_FOUND"


def test_moderation_queue_most_reported_first(client, deliver, published, add_photos):
    quiet = client.post("/api/v1/listings", json={**LISTING, "city": "Essaouira"}, headers=ADMIN).json["id"]
    deliver("portal.report_submitted", report(quiet, "REPORT_WRONG_INFO"))
    for _ in range(2):
        deliver("portal.report_submitted", report(published))
    queue = client.get("/api/v1/moderation/queue", headers=MODERATOR).json
    assert [i["listingId"] for i in queue["items"]] == [published, quiet]
    assert queue["items"][0]["pendingReports"] == 2 and queue["items"][0]["title"] == LISTING["title"]
    assert client.get("/api/v1/moderation/queue", headers=AGENT).status_code == 403
    closed_only = client.get("/api/v1/moderation/queue?status=REPORT_CLOSED", headers=MODERATOR).json
    assert closed_only["total"] == 0
