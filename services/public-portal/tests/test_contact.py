"""Leads, reports, click events and Biz demo requests: answered at once, published once, never lost."""

import uuid

import pytest

from atlas_shared.settings import DEMO_ORG_ID

ORG = "0c8b0a52-5d0e-4a39-9d7e-0a1c3b3f2a11"
LEAD = {"fullName": "Salma Bennani", "phone": "06 61 23 45 67", "email": "salma@example.ma",
        "message": "Bonjour, le bien est-il toujours disponible ?", "consentContact": True,
        "contactChannelPreferred": "WHATSAPP"}


@pytest.fixture
def listing_id(published):
    return published()


def post_lead(client, listing_id, body=None, **headers):
    return client.post(f"/api/public/v1/listings/{listing_id}/leads", json=body or LEAD,
                       headers={"User-Agent": "pytest-browser/1.0", **headers})


def test_lead_answers_ids_at_once_and_publishes_the_event(client, listing_id, outbox):
    res = post_lead(client, listing_id)
    assert res.status_code == 201
    lead_id, case_id = uuid.UUID(res.json["leadId"]), uuid.UUID(res.json["caseId"])
    [event] = outbox("portal.lead_submitted")
    p = event.payload
    assert event.org_id == ORG and (p["leadId"], p["caseId"]) == (str(lead_id), str(case_id))
    assert p["listingId"] == listing_id and p["listingTitle"] == "Appartement vue mer à Tanger"
    assert p["phone"] == "+212661234567" and p["phoneRaw"] == LEAD["phone"]
    assert p["contactChannelPreferred"] == "WHATSAPP" and p["email"] == LEAD["email"]
    assert p["consent"]["granted"] is True and p["consent"]["userAgent"] == "pytest-browser/1.0"
    assert p["consent"]["ip"] == "127.0.0.1" and p["consent"]["text"]


@pytest.mark.parametrize("consent", [False, None, "missing"])
def test_lead_without_consent_is_refused_and_nothing_leaves(client, listing_id, outbox, consent):
    body = {k: v for k, v in LEAD.items() if k != "consentContact"}
    if consent != "missing":
        body["consentContact"] = consent
    res = post_lead(client, listing_id, body)
    assert res.status_code == 400 and res.json["code"] == "CONSENT_REQUIRED"
    assert outbox("portal.lead_submitted") == []


def test_invalid_leads_are_explained_per_field(client, listing_id, outbox):
    res = post_lead(client, listing_id, {**LEAD, "phone": "12345"})
    assert res.status_code == 400 and "phone" in res.json["details"]
    res = post_lead(client, listing_id, {**LEAD, "email": "nope", "fullName": "", "orgId": ORG})
    assert res.status_code == 400 and set(res.json["details"]) == {"email", "fullName", "orgId"}
    assert post_lead(client, str(uuid.uuid4())).json["code"] == "LISTING_NOT_FOUND"
    assert outbox("portal.lead_submitted") == []


def test_suspended_listing_takes_no_lead(client, published, outbox):
    listing_id = published()
    published(id=listing_id, version=3, status="ANN_SUSPENDED")
    res = post_lead(client, listing_id)
    assert res.status_code == 404 and res.json["code"] == "LISTING_NOT_FOUND"
    assert outbox("portal.lead_submitted") == []


def test_resubmission_and_idempotency_key_return_the_first_answer(client, listing_id, outbox):
    first = post_lead(client, listing_id).json
    assert post_lead(client, listing_id).json == first                       # reload / double click
    assert post_lead(client, listing_id, {**LEAD, "phone": "+212661234567"}).json == first  # same phone
    other = post_lead(client, listing_id, {**LEAD, "message": "Autre question"}).json
    assert other != first
    keyed = post_lead(client, listing_id, {**LEAD, "message": "Visite samedi ?"}, **{"Idempotency-Key": "k-1"})
    again = post_lead(client, listing_id, {**LEAD, "message": "Visite dimanche ?"}, **{"Idempotency-Key": "k-1"})
    assert keyed.json == again.json
    assert len(outbox("portal.lead_submitted")) == 3


def test_honeypot_gets_a_fake_success_and_publishes_nothing(client, listing_id, outbox):
    res = post_lead(client, listing_id, {**LEAD, "website": "http://spam.example"})
    assert res.status_code == 201 and uuid.UUID(res.json["caseId"])
    assert outbox("portal.lead_submitted") == []


def test_report_and_click_event(client, listing_id, outbox):
    url = f"/api/public/v1/listings/{listing_id}"
    res = client.post(f"{url}/reports", json={"reasonCode": "REPORT_FRAUD", "comment": "Acompte demandé",
                                              "reporterContact": "a@b.ma"})
    assert res.status_code == 201
    [report] = outbox("portal.report_submitted")
    assert report.org_id == ORG and report.payload["reportId"] == res.json["reportId"]
    assert report.payload["reasonCode"] == "REPORT_FRAUD" and report.payload["comment"] == "Acompte demandé"
    assert client.post(f"{url}/reports", json={"reasonCode": "REPORT_FRAUD", "comment": "Acompte demandé",
                                               "reporterContact": "a@b.ma"}).json == res.json
    assert client.post(f"{url}/reports", json={"reasonCode": "BAD"}).status_code == 400
    click = client.post(f"{url}/events", json={"eventType": "WHATSAPP_CLICKED", "meta": {"from": "detail"}})
    assert click.status_code == 204 and click.data == b""
    [event] = outbox("portal.listing_event_recorded")
    assert event.payload["eventType"] == "WHATSAPP_CLICKED" and event.payload["meta"] == {"from": "detail"}
    assert client.post(f"{url}/events", json={"eventType": "HACKED"}).status_code == 400
    assert client.post(f"{url}/events", json={"eventType": "PHONE_CLICKED",
                                              "meta": {"x": {"deep": 1}}}).status_code == 400


def test_demo_request_goes_to_the_platform_org(client, outbox):
    body = {"fullName": "Youssef Alami", "email": "y.alami@agence.ma", "phone": "0522123456",
            "company": "Agence Alami", "actorType": "AGENCY", "city": "Casablanca", "teamSizeBucket": "5-10",
            "listingVolumeBucket": "50-200", "needs": ["CRM", "PORTAL"], "desiredPlanKey": "PRO",
            "message": "Démo la semaine prochaine ?", "consentContact": True, "utm": {"source": "google"}}
    res = client.post("/api/public/v1/biz/demo-leads", json=body)
    assert res.status_code == 201
    [event] = outbox("portal.demo_requested")
    assert event.org_id == DEMO_ORG_ID and event.payload["caseId"] == res.json["caseId"]
    assert event.payload["phone"] == "+212522123456" and event.payload["needs"] == ["CRM", "PORTAL"]
    assert client.post("/api/public/v1/biz/demo-leads", json=body).json == res.json
    refused = client.post("/api/public/v1/biz/demo-leads", json={**body, "consentContact": False})
    assert refused.status_code == 400 and refused.json["code"] == "CONSENT_REQUIRED"
