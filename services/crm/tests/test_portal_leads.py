"""Leads from the public portal and the Biz site become dossiers, once, whatever the redeliveries."""

import uuid

import pytest

from atlas_crm.entrypoints.consumers import subscriptions
from atlas_shared.events import Event
from atlas_shared.messaging.consumer import EventConsumer, Outcome

LISTING = str(uuid.uuid4())


@pytest.fixture
def deliver(container):
    consumers = {sub.name: EventConsumer(container.platform.db, container.platform.broker, sub)
                 for sub in subscriptions()}

    def deliver(event_type, payload, org, event_id=None, consumer="portal-leads"):
        return consumers[consumer].process(Event(type=event_type, payload=payload, org_id=org,
                                                 actor="public-portal", id=event_id or str(uuid.uuid4())))
    return deliver


def lead(**extra):
    return {"leadId": str(uuid.uuid4()), "caseId": str(uuid.uuid4()), "listingId": LISTING,
            "listingTitle": "Villa avec piscine à Marrakech", "fullName": "Leïla Benjelloun",
            "phone": "+212612345678", "phoneRaw": "06 12 34 56 78", "email": "leila@example.ma",
            "message": "Est-elle encore disponible ?", "contactChannelPreferred": "WHATSAPP",
            "consent": {"granted": True, "text": "J'accepte d'être contacté(e) au sujet de cette annonce.",
                        "capturedAt": "2026-11-20T10:15:00Z", "ip": "196.200.1.2", "userAgent": "Firefox"},
            "submittedAt": "2026-11-20T10:15:02Z", **extra}


def test_a_portal_lead_becomes_a_dossier_with_its_message_and_consent(api, deliver):
    submitted = lead()
    assert deliver("portal.lead_submitted", submitted, api.org) == Outcome.HANDLED
    dossier = api.call("GET", f"/api/v1/dossiers/{submitted['caseId']}").json
    assert (dossier["id"], dossier["caseType"], dossier["status"], dossier["source"]) == (
        submitted["caseId"], "CRM_LEAD", "CRM_NEW", "LEAD_SOURCE_PORTAL")
    assert (dossier["phone"], dossier["phoneRaw"], dossier["annonceId"]) == ("+212612345678", "06 12 34 56 78",
                                                                               LISTING)
    assert dossier["payload"]["leadId"] == submitted["leadId"]
    [message] = api.call("GET", f"/api/v1/messages?dossierId={dossier['id']}").json["items"]
    assert (message["direction"], message["channel"], message["content"]) == ("INBOUND", "WEB",
                                                                              submitted["message"])
    assert message["occurredAt"] == "2026-11-20T10:15:02+00:00"
    consents = api.call("GET", f"/api/v1/consentements?dossierId={dossier['id']}").json["items"]
    assert {(c["channel"], c["status"], c["source"]) for c in consents} == {
        ("WHATSAPP", "GRANTED", "CONSENT_SRC_FORM"), ("SMS", "GRANTED", "CONSENT_SRC_FORM"),
        ("EMAIL", "GRANTED", "CONSENT_SRC_FORM")}
    proof = consents[0]["proof"]
    assert proof["text"].startswith("J'accepte") and proof["ip"] == "196.200.1.2"
    assert proof["capturedAt"] == "2026-11-20T10:15:00+00:00"
    assert len(api.events("consent.changed")) == 3 and len(api.events("dossier.created")) == 1
    agent_reply = api.call("POST", "/api/v1/messages", json={"dossierId": dossier["id"], "direction": "OUTBOUND",
                                                             "channel": "WHATSAPP", "content": "Oui !"})
    assert agent_reply.status_code == 201


def test_redelivery_and_resubmission_have_no_second_effect(api, deliver):
    submitted = lead()
    event_id = str(uuid.uuid4())
    assert deliver("portal.lead_submitted", submitted, api.org, event_id) == Outcome.HANDLED
    assert deliver("portal.lead_submitted", submitted, api.org, event_id) == Outcome.DUPLICATE
    assert deliver("portal.lead_submitted", submitted, api.org) == Outcome.HANDLED  # same leadId, new event
    assert api.call("GET", "/api/v1/dossiers").json["total"] == 1
    assert api.call("GET", f"/api/v1/messages?dossierId={submitted['caseId']}").json["total"] == 1
    assert len(api.events("consent.changed")) == 3


def test_a_lead_from_a_known_contact_links_to_the_open_dossier(api, deliver):
    existing = api.dossier(phone="0612345678", annonceId=LISTING)
    submitted = lead()
    deliver("portal.lead_submitted", submitted, api.org)
    assert api.call("GET", "/api/v1/dossiers").json["total"] == 1
    by_case_id = api.call("GET", f"/api/v1/dossiers/{submitted['caseId']}")
    assert by_case_id.status_code == 200 and by_case_id.json["id"] == existing["id"]
    assert api.call("GET", f"/api/v1/messages?dossierId={submitted['caseId']}").json["total"] == 1
    [merged] = api.activities(existing["id"], "ACT_SYSTEM")[:1]
    assert merged.content == "Duplicate lead merged"


def test_without_consent_or_valid_phone_nothing_is_lost(api, deliver):
    submitted = lead(phone=None, phoneRaw="0000", email=None, consent={"granted": False})
    deliver("portal.lead_submitted", submitted, api.org)
    dossier = api.call("GET", f"/api/v1/dossiers/{submitted['caseId']}").json
    assert dossier["phone"] is None and dossier["payload"]["phoneRaw"] == "0000"
    assert api.call("GET", f"/api/v1/consentements?dossierId={dossier['id']}").json["total"] == 0


def test_a_biz_demo_request_opens_a_b2b_case(api, deliver):
    case_id = str(uuid.uuid4())
    demo = {"caseId": case_id, "fullName": "Omar Chraibi", "email": "omar@agence.ma", "phone": "+212522000111",
            "phoneRaw": "0522000111", "company": "Agence Chraibi", "actorType": "AGENCY", "city": "Tanger",
            "teamSizeBucket": "6-20", "listingVolumeBucket": "50-200", "needs": ["CRM", "PORTAL"],
            "desiredPlanKey": "pro", "message": "Démo la semaine prochaine ?",
            "consent": {"granted": True, "text": "J'accepte d'être contacté.", "capturedAt": "2026-11-21T08:00:00Z"},
            "utm": {"source": "google"}, "submittedAt": "2026-11-21T08:00:01Z"}
    assert deliver("portal.demo_requested", demo, api.org) == Outcome.HANDLED
    assert deliver("portal.demo_requested", demo, api.org) == Outcome.HANDLED  # resubmitted: no effect
    dossier = api.call("GET", f"/api/v1/dossiers/{case_id}").json
    assert (dossier["caseType"], dossier["status"], dossier["source"]) == (
        "CRM_LEAD_B2B_DEMO", "B2B_NEW", "LEAD_SOURCE_BIZ_DEMO_FORM")
    assert dossier["payload"]["company"] == "Agence Chraibi" and dossier["payload"]["needs"] == ["CRM", "PORTAL"]
    assert api.call("GET", "/api/v1/dossiers").json["total"] == 1
    assert api.call("GET", f"/api/v1/messages?dossierId={case_id}").json["total"] == 1


def test_delivery_news_from_outbound_updates_the_message(api, deliver):
    dossier = api.dossier(phone="0612345678")
    api.call("POST", "/api/v1/consentements", json={"dossierId": dossier["id"], "channel": "WHATSAPP",
                                                    "type": "CONSENT_CONTACT", "status": "GRANTED", "proof": "oui"})
    message = api.call("POST", "/api/v1/messages", json={"dossierId": dossier["id"], "direction": "OUTBOUND",
                                                         "channel": "WHATSAPP", "content": "Bonjour"}).json

    def news(status, version, **extra):
        return {"messageId": str(uuid.uuid4()), "crmMessageId": message["id"], "dossierId": dossier["id"],
                "channel": "WHATSAPP", "status": status, "providerMessageId": "wamid.X", "error": None,
                "occurredAt": "2026-11-21T08:00:00Z", "version": version, **extra}
    deliver("outbound.status_changed", news("DELIVERED", 3), api.org, consumer="outbound-status")
    deliver("outbound.status_changed", news("SENT", 2), api.org, consumer="outbound-status")  # late, ignored
    body = api.call("GET", f"/api/v1/messages/{message['id']}").json
    assert (body["deliveryStatus"], body["providerMessageId"]) == ("DELIVERED", "wamid.X")
    logs = [a.content for a in api.activities(dossier["id"], "ACT_MESSAGE_LOG")]
    assert logs == ["OUTBOUND WHATSAPP message", "WHATSAPP message DELIVERED"]
