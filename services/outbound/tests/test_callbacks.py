"""Delivery statuses: signed, deduplicated, applied monotonically, whatever order they come in."""

import time
import uuid

from sqlalchemy import select

from atlas_outbound.adapters.orm import StatusCallback
from atlas_outbound.testing import meta_status_body, outbox, signed, template_message

HOOK = "/api/v1/webhooks/whatsapp/status"


def sent_message(org, send_due):
    dossier = str(uuid.uuid4())
    org.configure_whatsapp()
    org.template()
    org.grant(dossier)
    mid = org.send(template_message(dossier)).json["id"]
    send_due()
    return mid, org.get(mid)["providerMessageId"]


def post(client, statuses):
    body = meta_status_body(statuses)
    return client.post(HOOK, data=body, headers=signed(body))


def test_signature_is_required_and_a_bad_one_stores_nothing(org, client, container, send_due):
    mid, wamid = sent_message(org, send_due)
    body = meta_status_body([{"id": wamid, "status": "delivered"}])
    missing = client.post(HOOK, data=body, headers={"Content-Type": "application/json"})
    assert missing.status_code == 401 and missing.json["code"] == "SIGNATURE_MISSING"
    wrong = client.post(HOOK, data=body, headers=signed(body, "not-the-secret"))
    assert wrong.status_code == 403 and wrong.json["code"] == "SIGNATURE_INVALID"
    with container.platform.db.session(tenant_bypass=True) as s:
        assert s.scalars(select(StatusCallback)).all() == []
    assert org.get(mid)["status"] == "SENT"


def test_replayed_and_reordered_callbacks_end_in_the_right_state(org, client, send_due, container):
    mid, wamid = sent_message(org, send_due)
    order = ["read", "sent", "delivered", "read", "delivered", "sent", "read"]
    for status in order:
        assert post(client, [{"id": wamid, "status": status}]).status_code == 200
    for _ in range(3):  # Meta redelivers the whole batch for days
        res = post(client, [{"id": wamid, "status": s} for s in ("delivered", "read", "sent")])
        assert res.json["outcomes"] == {"duplicate": 3}
    m = org.get(mid)
    assert m["status"] == "READ" and m["readAt"] and m["deliveredAt"]
    assert [e["status"] for e in outbox(container, "outbound.status_changed")] == ["QUEUED", "SENT", "READ"]
    versions = [e["version"] for e in outbox(container, "outbound.status_changed")]
    assert versions == sorted(versions)


def test_failed_is_final_and_late_failures_after_delivery_are_stale(org, client, send_due):
    mid, wamid = sent_message(org, send_due)
    errors = [{"code": 131026, "title": "Message undeliverable"}]
    assert post(client, [{"id": wamid, "status": "failed", "errors": errors}]).json["outcomes"] == {"applied": 1}
    post(client, [{"id": wamid, "status": "delivered"}, {"id": wamid, "status": "read"}])
    m = org.get(mid)
    assert m["status"] == "FAILED" and m["error"] == {"code": "131026", "message": "Message undeliverable"}
    retry = org.client.post(f"/api/v1/outbound/messages/{mid}/retry", headers=org.headers)
    assert retry.status_code == 409  # the provider has it: never sent a second time
    other, other_wamid = sent_message(org, send_due)
    post(client, [{"id": other_wamid, "status": "delivered"}])
    post(client, [{"id": other_wamid, "status": "failed", "errors": errors}])
    assert org.get(other)["status"] == "DELIVERED"


def test_a_callback_before_the_worker_committed_is_applied_at_commit(org, client, container):
    from atlas_outbound.entrypoints.sender import Sender
    from atlas_outbound.service_layer import sending
    dossier = str(uuid.uuid4())
    org.configure_whatsapp()
    org.template()
    org.grant(dossier)
    mid = org.send(template_message(dossier)).json["id"]
    [c] = sending.claim(container.platform.db, "w", container.clock(), 120, 5)
    accepted = container.providers["WHATSAPP"].send(c.request, container.accounts.get(c.org_id, "WHATSAPP"))
    # The provider is fast: its callbacks arrive before the worker commits the wamid.
    early = post(client, [{"id": accepted.provider_message_id, "status": "delivered"},
                          {"id": accepted.provider_message_id, "status": "sent"}])
    assert early.json["outcomes"] == {"pending": 2}
    sending.record_sent(Sender(container).uow(c.org_id), c, accepted, "w", container.clock(), container.clock())
    m = org.get(mid)
    assert m["status"] == "DELIVERED" and m["providerMessageId"] == accepted.provider_message_id
    assert [e["status"] for e in outbox(container, "outbound.status_changed")] == ["QUEUED", "SENT", "DELIVERED"]


def test_the_sweeper_applies_what_arrived_in_between(org, client, container, send_due):
    from atlas_outbound.entrypoints.sender import Sender
    from atlas_outbound.service_layer import callbacks
    mid, wamid = sent_message(org, send_due)
    with container.platform.db.session(tenant_bypass=True) as s, s.begin():
        s.add(StatusCallback(provider_message_id=wamid, status="DELIVERED", occurred_at=container.clock(),
                             errors=[], source="test", received_at=container.clock()))
    sender = Sender(container)
    assert callbacks.sweep(lambda: container.platform.db.session(tenant_bypass=True), sender.uow,
                           container.clock()) == 1
    assert org.get(mid)["status"] == "DELIVERED"


def test_statuses_from_the_crm_event_follow_the_same_rules(org, send_due, container):
    mid, wamid = sent_message(org, send_due)
    payload = {"providerMessageId": wamid, "status": "delivered", "timestamp": "1772442000",
               "recipientId": "212612345678", "errors": []}
    assert org.event("delivery-statuses", "whatsapp.status_received", payload) == "handled"
    assert org.event("delivery-statuses", "whatsapp.status_received", payload) == "handled"  # new event id
    assert org.get(mid)["status"] == "DELIVERED"
    with container.platform.db.session(tenant_bypass=True) as s:
        assert len(s.scalars(select(StatusCallback)).all()) == 1


def test_the_simulator_sends_shuffled_duplicated_signed_callbacks(org, simulator, live_url, send_due):
    simulator.control("callbacks", {"url": f"{live_url}{HOOK}", "shuffle": True, "duplicates": 2,
                                    "delayMs": 1})
    mids = [sent_message(org, send_due)[0] for _ in range(5)]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(org.get(m)["status"] != "READ" for m in mids):
        time.sleep(0.1)
    assert [org.get(m)["status"] for m in mids] == ["READ"] * 5
    assert simulator.calls()["callbackErrors"] == 0


def test_handshake(client):
    ok = client.get(f"{HOOK}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42")
    assert ok.status_code == 200 and ok.data == b"42"
    assert client.get(f"{HOOK}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=42").status_code == 403
