"""Messages the CRM and the co-op ask for through events: same path, no second consent decision."""

import uuid
from datetime import datetime

from sqlalchemy import select

from atlas_outbound.testing import PHONE, outbox
from atlas_shared.db.platform import AuditEvent


def crm_request(dossier, **extra):
    return {"messageId": str(uuid.uuid4()), "dossierId": dossier, "channel": "CHAN_WHATSAPP", "to": PHONE,
            "content": None, "templateCode": "visit_reminder", "templateLanguage": "fr",
            "variables": {"name": "Salma", "date": "lundi"}, "idempotencyKey": "crm-k", **extra}


def messages(org, qs=""):
    return org.client.get(f"/api/v1/outbound/messages?{qs}", headers=org.headers).json


def test_crm_request_is_queued_without_a_second_consent_decision(org, send_due):
    org.configure_whatsapp()
    org.template()
    dossier = str(uuid.uuid4())
    payload = crm_request(dossier)
    assert org.event("send-requests", "message.outbound_requested", payload) == "handled"
    [m] = messages(org)["items"]
    assert m["source"] == "CRM" and m["crmMessageId"] == payload["messageId"] and m["status"] == "QUEUED"
    assert m["consentBasis"]["decidedBy"] == "CRM" and m["consentBasis"]["localView"] == "UNKNOWN"
    # Redelivered as a new event (the CRM's relay resent it): still one message.
    assert org.event("send-requests", "message.outbound_requested", payload) == "handled"
    assert messages(org)["total"] == 1
    send_due()
    status = outbox(org.container, "outbound.status_changed")
    assert [(e["status"], e["crmMessageId"]) for e in status] == [("QUEUED", payload["messageId"]),
                                                                  ("SENT", payload["messageId"])]


def test_a_refused_crm_request_is_kept_failed_audited_and_reported(org, container):
    org.configure_whatsapp()
    dossier = str(uuid.uuid4())
    payload = crm_request(dossier, templateCode="unknown_template")
    org.event("send-requests", "message.outbound_requested", payload)
    [m] = messages(org)["items"]
    assert m["status"] == "FAILED" and m["error"]["code"] == "TEMPLATE_NOT_FOUND"
    assert [e["status"] for e in outbox(container, "outbound.status_changed")] == ["QUEUED", "FAILED"]
    letters = org.client.get("/api/v1/ops/outbound/dead-letters", headers=org.headers).json["items"]
    assert letters[0]["reasonCode"] == "TEMPLATE_NOT_FOUND"
    with container.platform.db.session(org.id) as s:
        assert s.scalars(select(AuditEvent.action).where(AuditEvent.action == "BLOCKED_BY_POLICY")).all()
    # Once the template is registered, an operator retries it.
    org.template("unknown_template")
    retry = org.client.post(f"/api/v1/outbound/messages/{m['id']}/retry", headers=org.headers)
    assert retry.status_code == 200 and retry.json["status"] == "QUEUED"


def test_free_text_from_the_crm_still_respects_the_whatsapp_window(org):
    org.configure_whatsapp()
    dossier = str(uuid.uuid4())
    org.event("send-requests", "message.outbound_requested",
              crm_request(dossier, content="Bonjour", templateCode=None, variables={}))
    org.inbound()
    org.event("send-requests", "message.outbound_requested",
              crm_request(dossier, content="Bonjour", templateCode=None, variables={}))
    statuses = sorted((m["status"], (m["error"] or {}).get("code")) for m in messages(org)["items"])
    assert statuses == [("FAILED", "WHATSAPP_WINDOW_CLOSED"), ("QUEUED", None)]


def test_coop_notifications_are_idempotent_on_their_key_and_carry_references(org):
    org.configure_whatsapp()
    org.template("call_for_funds", variables=[{"name": "amount", "required": True}])
    member = str(uuid.uuid4())
    payload = {"notificationKey": f"EVT_COOP_CALL_FOR_FUNDS:contribution:{member}:1", "channel": "WHATSAPP",
               "to": PHONE, "templateCode": "call_for_funds", "templateLanguage": "fr",
               "variables": {"amount": "12 500,00 MAD"}, "subjectType": "COOP_MEMBER", "subjectId": member,
               "entityType": "CONTRIBUTION", "entityId": str(uuid.uuid4()), "planId": str(uuid.uuid4()),
               "planVersion": 2}
    org.event("send-requests", "notification.requested", payload)
    org.event("send-requests", "notification.requested", payload)
    [m] = messages(org)["items"]
    assert m["source"] == "COOP" and m["notificationKey"] == payload["notificationKey"]
    assert m["references"]["planVersion"] == 2 and m["subjectType"] == "COOP_MEMBER"


def test_event_requests_over_the_rate_are_spread_not_refused(org, container):
    from atlas_outbound.service_layer.limits import set_limits
    from atlas_shared.context import RequestContext
    org.configure_whatsapp()
    org.template()
    set_limits(container.platform.uow(RequestContext.system(org_id=org.id)), daily_quota=100, per_minute=2)
    for _ in range(5):
        org.event("send-requests", "message.outbound_requested", crm_request(str(uuid.uuid4())))
    items = messages(org, "sort=createdAt&size=10")["items"]
    assert [m["status"] for m in items] == ["QUEUED"] * 5
    minutes = sorted(int((datetime.fromisoformat(m["nextAttemptAt"])
                          - container.clock()).total_seconds() // 60) for m in items)
    assert minutes == [0, 0, 1, 1, 2]
