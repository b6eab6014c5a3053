"""Messages, and the consent policy: no outbound WhatsApp/SMS/e-mail without a current contact consent."""

from datetime import UTC, datetime, timedelta

import pytest


@pytest.fixture
def dossier(api):
    return api.dossier(phone="0612345678", email="samir@example.ma")


def grant(api, dossier_id, channel="WHATSAPP", **extra):
    res = api.call("POST", "/api/v1/consentements", json={
        "dossierId": dossier_id, "channel": channel, "type": "CONSENT_CONTACT", "status": "GRANTED",
        "proof": "Accepte d'être recontacté (appel du 12/03)", **extra})
    assert res.status_code == 201, res.json
    return res.json


def send(api, dossier_id, channel="WHATSAPP", **extra):
    return api.call("POST", "/api/v1/messages", json={"dossierId": dossier_id, "direction": "OUTBOUND",
                                                      "channel": channel, "content": "Bonjour !", **extra})


def test_outbound_without_consent_is_refused_and_the_refusal_is_on_record(api, dossier):
    res = send(api, dossier["id"])
    assert res.status_code == 400 and res.json["code"] == "CONSENT_REQUIRED"
    assert res.json["details"]["channel"] == "WHATSAPP"
    assert api.call("GET", f"/api/v1/messages?dossierId={dossier['id']}").json["total"] == 0
    assert api.activities(dossier["id"], "ACT_MESSAGE_LOG") == [] and api.events("message.outbound_requested") == []
    [blocked] = api.audit(action="BLOCKED_BY_POLICY")
    assert blocked.parent_id == dossier["id"] and blocked.diff["after"]["content"] == "Bonjour !"
    assert blocked.diff["context"] == {"policy": "CONSENT_CONTACT_REQUIRED"}


def test_with_consent_the_message_is_stored_logged_audited_and_handed_to_outbound(api, dossier):
    grant(api, dossier["id"])
    res = send(api, dossier["id"], channel="CHAN_WHATSAPP")
    assert res.status_code == 201, res.json
    message = res.json
    assert (message["channel"], message["to"], message["deliveryStatus"]) == ("WHATSAPP", "+212612345678", "QUEUED")
    assert message["occurredAt"]
    [log] = api.activities(dossier["id"], "ACT_MESSAGE_LOG")
    assert log.related_id == message["id"]
    assert [a.action for a in api.audit(message["id"])] == ["CREATE"]
    [event] = api.events("message.outbound_requested")
    assert event["payload"] == {"messageId": message["id"], "dossierId": dossier["id"], "channel": "WHATSAPP",
                                "to": "+212612345678", "content": "Bonjour !", "templateCode": None,
                                "templateLanguage": None, "variables": {},
                                "idempotencyKey": f"crm-message:{message['id']}"}


def test_consent_is_per_channel_and_only_while_granted_and_unexpired(api, dossier):
    grant(api, dossier["id"], channel="SMS")
    assert send(api, dossier["id"], channel="EMAIL").status_code == 400
    assert send(api, dossier["id"], channel="SMS").status_code == 201
    consent = grant(api, dossier["id"], channel="EMAIL",
                    capturedAt=(datetime.now(UTC) - timedelta(days=400)).isoformat(),
                    expiresAt=(datetime.now(UTC) - timedelta(days=35)).isoformat())
    assert consent["effective"] is False
    assert send(api, dossier["id"], channel="EMAIL").status_code == 400
    renewed = api.call("PUT", f"/api/v1/consentements/{consent['id']}", json={
        "status": "GRANTED", "proof": "renouvelé par e-mail",
        "expiresAt": (datetime.now(UTC) + timedelta(days=365)).isoformat()})
    assert renewed.json["effective"] is True
    assert send(api, dossier["id"], channel="EMAIL").json["to"] == "samir@example.ma"
    revoked = api.call("PUT", f"/api/v1/consentements/{consent['id']}", json={"status": "REVOKED"})
    assert revoked.status_code == 200 and revoked.json["effective"] is False
    assert send(api, dossier["id"], channel="EMAIL").status_code == 400
    assert len(api.audit(action="BLOCKED_BY_POLICY")) == 3


def test_inbound_messages_and_phone_calls_need_no_consent(api, dossier):
    inbound = api.call("POST", "/api/v1/messages", json={
        "dossierId": dossier["id"], "direction": "INBOUND", "channel": "whatsapp", "content": "Dispo ?",
        "occurredAt": "2026-03-01T09:30:00+01:00"})
    assert inbound.status_code == 201 and inbound.json["deliveryStatus"] == "RECEIVED"
    assert inbound.json["occurredAt"] == "2026-03-01T08:30:00+00:00"
    [window] = api.events("contact.inbound_received")
    assert window["payload"]["phone"] == "+212612345678"
    call = send(api, dossier["id"], channel="PHONE", content="Appel: rappeler demain")
    assert call.status_code == 201 and call.json["deliveryStatus"] == "LOGGED"
    assert api.events("message.outbound_requested") == []


def test_invalid_messages_are_refused_and_nothing_is_stored(api, dossier):
    bare = api.dossier(contactName="Sans contact", caseType="CRM_LEAD_RENT")
    grant(api, bare["id"])
    for body, field in (({"channel": "PIGEON"}, "channel"), ({"content": "  "}, "content"),
                        ({"to": "12"}, "to"), ({"direction": "SIDEWAYS"}, "direction")):
        res = send(api, dossier["id"], **body)
        assert res.status_code == 400 and field in res.json["details"], body
    assert "to" in send(api, bare["id"]).json["details"]
    assert api.call("GET", f"/api/v1/messages?dossierId={dossier['id']}").json["total"] == 0


def test_read_filter_and_soft_delete(api, dossier, other_org):
    grant(api, dossier["id"])
    sent = send(api, dossier["id"]).json
    api.call("POST", "/api/v1/messages", json={"dossierId": dossier["id"], "direction": "INBOUND",
                                               "channel": "SMS", "content": "ok"})
    url = f"/api/v1/messages/{sent['id']}"
    assert api.call("GET", url).json["content"] == "Bonjour !"
    assert api.call("GET", f"/api/v1/messages?dossierId={dossier['id']}&direction=INBOUND").json["total"] == 1
    assert api.call("GET", f"/api/v1/messages?dossierId={dossier['id']}&channel=CHAN_SMS").json["total"] == 1
    assert api.call("GET", url, other_org.admin).status_code == 404
    assert api.call("DELETE", url, other_org.admin).status_code == 404
    assert api.call("DELETE", url).status_code == 204
    assert api.call("GET", url).status_code == 404
    assert api.call("GET", f"/api/v1/messages?dossierId={dossier['id']}").json["total"] == 1
    [deleted] = api.audit(sent["id"], "DELETE")
    assert deleted.diff["before"]["content"] == "Bonjour !"
    assert api.call("GET", f"/api/v1/messages?dossierId={other_org.org}").status_code == 404
