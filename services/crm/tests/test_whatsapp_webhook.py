"""Inbound WhatsApp: signed deliveries in Meta's envelope, stored once, attached to the right dossier."""

import uuid

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from atlas_crm.adapters.orm import Message, WhatsAppDelivery
from atlas_crm.insights_testing import (
    APP_SECRET,
    VERIFY_TOKEN,
    Consumers,
    change,
    envelope,
    signed,
    status,
    text_message,
)

URL = "/api/v1/webhooks/whatsapp"
NUMBER, OTHER_NUMBER = "109876543210001", "109876543210002"
SALMA, YOUSSEF = "212612345678", "212698765432"


@pytest.fixture
def env(atlas_env, monkeypatch):
    monkeypatch.setenv("ATLAS_WHATSAPP_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("ATLAS_WHATSAPP_VERIFY_TOKEN", VERIFY_TOKEN)


@pytest.fixture
def consumers(env, container):
    return Consumers(container)


@pytest.fixture
def agency(env, api):
    res = api.call("PUT", "/api/v1/admin/org-settings", json={"whatsappPhoneNumberId": NUMBER})
    assert res.status_code == 200, res.json
    return api


def post(client, body, headers=None):
    return client.post(URL, data=body, headers=signed(body) if headers is None else headers)


def stored_messages(container):
    with container.platform.db.session(tenant_bypass=True) as s:
        return s.scalars(select(Message).order_by(Message.occurred_at)).all()


def deliveries(container):
    with container.platform.db.session(tenant_bypass=True) as s:
        return s.scalar(select(func.count()).select_from(WhatsAppDelivery))


def rejected():
    return REGISTRY.get_sample_value("atlas_webhook_rejected_total", {"service": "crm", "webhook": "whatsapp"}) or 0


def test_handshake_echoes_the_challenge_only_for_the_right_token(env, client):
    res = client.get(URL, query_string={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
                                        "hub.challenge": "1158201444"})
    assert (res.status_code, res.mimetype, res.get_data(as_text=True)) == (200, "text/plain", "1158201444")
    for query in ({"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
                  {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"}, {}):
        res = client.get(URL, query_string=query)
        assert res.status_code == 403 and res.json["code"] == "VERIFY_TOKEN_MISMATCH"


def test_a_batched_delivery_creates_leads_stores_each_message_once_and_forwards_statuses(agency, client,
                                                                                        container, consumers):
    body = envelope(
        [change(NUMBER, [text_message("wamid.A1", SALMA, "Bonjour, l'appartement est dispo ?", 1772442000),
                         text_message("wamid.A2", SALMA, "Pour une visite samedi", 1772442060)],
                names={SALMA: "Salma"}),
         change(NUMBER, statuses=[status("wamid.OUT1", "delivered"), status("wamid.OUT1", "read")])],
        [change(NUMBER, [text_message("wamid.B1", YOUSSEF, "Prix du terrain ?")], [status("wamid.OUT2", "failed",
                errors=[{"code": 131047, "title": "Re-engagement message"}])])])
    res = post(client, body)
    assert res.status_code == 200 and res.json["stored"] is True
    assert stored_messages(container) == []  # answered before any processing
    consumers.pump()
    messages = stored_messages(container)
    assert sorted((m.provider_message_id, m.direction, m.channel, m.content) for m in messages) == [
        ("wamid.A1", "INBOUND", "WHATSAPP", "Bonjour, l'appartement est dispo ?"),
        ("wamid.A2", "INBOUND", "WHATSAPP", "Pour une visite samedi"),
        ("wamid.B1", "INBOUND", "WHATSAPP", "Prix du terrain ?")]
    leads = agency.call("GET", "/api/v1/dossiers", query_string={"sort": "contactName"}).json["items"]
    assert [(d["contactName"], d["phone"], d["caseType"], d["source"], d["status"]) for d in leads] == [
        ("Contact", "+212698765432", "CRM_LEAD", "LEAD_SOURCE_WHATSAPP", "CRM_NEW"),
        ("Salma", "+212612345678", "CRM_LEAD", "LEAD_SOURCE_WHATSAPP", "CRM_NEW")]
    salma = leads[1]
    thread = agency.call("GET", "/api/v1/messages", query_string={"dossierId": salma["id"]}).json["items"]
    assert [(m["content"], m["occurredAt"], m["deliveryStatus"]) for m in thread] == [
        ("Pour une visite samedi", "2026-03-02T09:01:00+00:00", "RECEIVED"),
        ("Bonjour, l'appartement est dispo ?", "2026-03-02T09:00:00+00:00", "RECEIVED")]
    windows = [e.payload for e in consumers.outbox("contact.inbound_received")]
    assert sorted((w["phone"], w["occurredAt"]) for w in windows) == [
        ("+212612345678", "2026-03-02T09:00:00+00:00"), ("+212612345678", "2026-03-02T09:01:00+00:00"),
        ("+212698765432", "2026-03-02T09:00:00+00:00")]
    news = consumers.outbox("whatsapp.status_received")
    assert {e.org_id for e in news} == {agency.org}
    assert [(e.payload["providerMessageId"], e.payload["status"]) for e in news] == [
        ("wamid.OUT1", "delivered"), ("wamid.OUT1", "read"), ("wamid.OUT2", "failed")]
    assert news[2].payload["errors"] == [{"code": 131047, "title": "Re-engagement message"}]


def test_each_message_lands_on_the_timeline_with_audit_and_a_whatsapp_consent(agency, client, consumers):
    post(client, envelope([change(NUMBER, [text_message("wamid.A1", SALMA, "Bonjour")])]))
    consumers.pump()
    [dossier] = agency.call("GET", "/api/v1/dossiers").json["items"]
    logs = [a for a in agency.activities(dossier["id"]) if a.type == "ACT_MESSAGE_LOG"]
    assert [(a.content, a.details["direction"], a.details["channel"]) for a in logs] == [
        ("INBOUND WHATSAPP message", "INBOUND", "WHATSAPP")]
    trail = agency.call("GET", "/api/v1/audit-events", query_string={"dossierId": dossier["id"]}).json["items"]
    assert {(r["entityType"], r["action"], r["actor"]) for r in trail} == {
        ("DOSSIER", "CREATE", "whatsapp-webhook"), ("MESSAGE", "CREATE", "whatsapp-webhook"),
        ("CONSENT", "CONSENT_GRANTED", "whatsapp-webhook")}
    [consent] = agency.call("GET", "/api/v1/consentements", query_string={"dossierId": dossier["id"]}).json["items"]
    assert (consent["channel"], consent["status"], consent["source"]) == ("WHATSAPP", "GRANTED",
                                                                          "CONSENT_SRC_WHATSAPP_INBOUND")
    assert consent["proof"]["reference"] == "wamid.A1"


def test_replayed_and_rebatched_deliveries_store_every_message_exactly_once(agency, client, container,
                                                                           consumers):
    first = envelope([change(NUMBER, [text_message("wamid.A1", SALMA, "Bonjour"),
                                      text_message("wamid.A2", SALMA, "Vous êtes là ?")])])
    for _ in range(3):
        assert post(client, first).status_code == 200
    assert deliveries(container) == 1  # the exact same body is kept once
    rebatched = envelope([change(NUMBER, [text_message("wamid.A2", SALMA, "Vous êtes là ?")])],
                         [change(NUMBER, [text_message("wamid.A1", SALMA, "Bonjour"),
                                          text_message("wamid.A3", SALMA, "Merci")])])
    assert post(client, rebatched).json["stored"] is True
    consumers.pump()
    for event in consumers.outbox("whatsapp.message_received"):  # the broker redelivers too
        consumers.deliver(event)
    assert sorted(m.provider_message_id for m in stored_messages(container)) == ["wamid.A1", "wamid.A2",
                                                                                 "wamid.A3"]
    assert agency.call("GET", "/api/v1/dossiers").json["total"] == 1


def test_a_message_joins_the_open_dossier_of_the_phone_or_of_a_stakeholder(agency, client, container,
                                                                          consumers):
    salma = agency.dossier(contactName="Salma Idrissi", phone="0612345678")
    owner = agency.dossier(contactName="Famille Tazi")
    agency.call("POST", "/api/v1/parties-prenantes", json={"dossierId": owner["id"], "role": "OWNER",
                                                           "fullName": "Youssef Tazi", "phone": "0698765432"})
    post(client, envelope([change(NUMBER, [text_message("wamid.A1", SALMA, "C'est Salma"),
                                           text_message("wamid.B1", YOUSSEF, "C'est Youssef")])]))
    consumers.pump()
    by_wamid = {m.provider_message_id: str(m.dossier_id) for m in stored_messages(container)}
    assert by_wamid == {"wamid.A1": salma["id"], "wamid.B1": owner["id"]}
    assert agency.call("GET", "/api/v1/dossiers").json["total"] == 2
    windows = {e.payload["phone"]: e.payload["dossierId"] for e in consumers.outbox("contact.inbound_received")}
    assert windows == {"+212612345678": salma["id"], "+212698765432": owner["id"]}
    consents = agency.call("GET", "/api/v1/consentements", query_string={"dossierId": owner["id"]}).json
    assert consents["total"] == 0  # a stakeholder wrote, not the dossier's contact


def test_a_closed_dossier_is_not_reopened_by_a_new_message(agency, client, container, consumers):
    old = agency.dossier(contactName="Salma Idrissi", phone="0612345678")
    assert agency.move(old["id"], "CRM_CLOSED_LOST", lossReason="NO_RESPONSE").status_code == 200
    post(client, envelope([change(NUMBER, [text_message("wamid.A1", SALMA, "Toujours dispo ?")])]))
    consumers.pump()
    [message] = stored_messages(container)
    assert str(message.dossier_id) != old["id"]
    assert agency.call("GET", f"/api/v1/dossiers/{message.dossier_id}").json["source"] == "LEAD_SOURCE_WHATSAPP"


def test_a_revoked_consent_is_not_granted_again_by_a_message(agency, client, consumers):
    dossier = agency.dossier(contactName="Salma Idrissi", phone="0612345678")
    agency.call("POST", "/api/v1/consentements", json={"dossierId": dossier["id"], "channel": "WHATSAPP",
                                                       "type": "CONSENT_CONTACT", "status": "REVOKED"})
    post(client, envelope([change(NUMBER, [text_message("wamid.A1", SALMA, "Bonjour")])]))
    consumers.pump()
    [consent] = agency.call("GET", "/api/v1/consentements", query_string={"dossierId": dossier["id"]}).json["items"]
    assert consent["status"] == "REVOKED"


def test_each_org_receives_only_the_changes_of_its_own_number(agency, other_org, client, container, consumers):
    other_org.call("PUT", "/api/v1/admin/org-settings", other_org.admin, json={"whatsappPhoneNumberId": OTHER_NUMBER})
    post(client, envelope([change(NUMBER, [text_message("wamid.A1", SALMA, "Pour l'agence A")]),
                           change(OTHER_NUMBER, [text_message("wamid.B1", SALMA, "Pour l'agence B")],
                                  [status("wamid.OUT9", "sent")])]))
    consumers.pump()
    assert [d["phone"] for d in agency.call("GET", "/api/v1/dossiers").json["items"]] == ["+212612345678"]
    [theirs] = other_org.call("GET", "/api/v1/dossiers", other_org.admin).json["items"]
    thread = other_org.call("GET", "/api/v1/messages", other_org.admin,
                            query_string={"dossierId": theirs["id"]}).json["items"]
    assert [m["content"] for m in thread] == ["Pour l'agence B"]
    assert [e.org_id for e in consumers.outbox("whatsapp.status_received")] == [other_org.org]


def test_a_missing_or_wrong_signature_is_refused_and_nothing_is_stored(agency, client, container):
    body = envelope([change(NUMBER, [text_message("wamid.A1", SALMA, "Bonjour")])])
    for headers, code in (({"Content-Type": "application/json"}, "SIGNATURE_MISSING"),
                          ({"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=00"}, "SIGNATURE_INVALID"),
                          (signed(b"{}"), "SIGNATURE_INVALID"), (signed(body, secret="another-secret"), "SIGNATURE_INVALID")):
        before = rejected()
        res = post(client, body, headers)
        assert res.status_code == 401 and res.json["code"] == code
        assert rejected() == before + 1
    assert deliveries(container) == 0


def test_a_tampered_body_is_refused(agency, client, container):
    body = envelope([change(NUMBER, [text_message("wamid.A1", SALMA, "Bonjour")])])
    headers = signed(body)
    tampered = body.replace(b"Bonjour", b"Bonsoir")
    assert post(client, tampered, headers).status_code == 401
    assert deliveries(container) == 0
    assert post(client, body, headers).status_code == 200


def test_an_unknown_phone_number_id_is_acknowledged_and_dropped(agency, client, container, consumers):
    res = post(client, envelope([change("999000111", [text_message("wamid.Z1", SALMA, "Bonjour")])]))
    assert res.status_code == 200 and res.json == {"stored": False, "reason": "UNKNOWN_PHONE_NUMBER_ID"}
    assert deliveries(container) == 0 and consumers.pump() == 0
    assert agency.call("GET", "/api/v1/dossiers").json["total"] == 0


def test_a_signed_body_that_is_not_a_webhook_is_refused(agency, client, container):
    for body in (b"not json", b"[1, 2]", b'{"entry": "nope"}'):
        res = post(client, body)
        assert res.status_code == 400 and res.json["code"] == "VALIDATION_ERROR"
    assert deliveries(container) == 0


def test_media_and_other_message_types_are_described(agency, client, container, consumers):
    kinds = [{"type": "image", "image": {"caption": "Façade", "id": "m1"}},
             {"type": "location", "location": {"latitude": 33.58, "longitude": -7.62, "name": "Maarif"}},
             {"type": "interactive", "interactive": {"button_reply": {"id": "b1", "title": "Oui, visite"}}},
             {"type": "audio", "audio": {"id": "a1"}}]
    batch = [{"from": SALMA, "id": f"wamid.K{i}", "timestamp": str(1772442000 + i), **k} for i, k in enumerate(kinds)]
    post(client, envelope([change(NUMBER, batch)]))
    consumers.pump()
    assert [m.content for m in stored_messages(container)] == [
        "[image] Façade", "[location] Maarif (33.58, -7.62)", "Oui, visite", "[audio]"]


def test_the_webhook_needs_no_token_but_other_routes_still_do(agency, client):
    assert client.get("/api/v1/dossiers").status_code == 401
    assert client.get(URL, query_string={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
                                         "hub.challenge": str(uuid.uuid4())}).status_code == 200
