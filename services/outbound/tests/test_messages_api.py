"""The messages API as a client sees it: idempotency, reading, listing, tenancy, roles."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from atlas_outbound.adapters.orm import IdempotencyKey
from atlas_outbound.testing import PHONE, outbox, template_message
from atlas_shared.db.platform import AuditEvent


def test_first_request_queues_and_replays_return_the_same_message(org):
    dossier = org.ready_dossier()
    first = org.send(template_message(dossier), key="key-1")
    assert first.status_code == 201, first.json
    body = first.json
    assert body["status"] == "QUEUED" and body["to"] == PHONE and body["channel"] == "WHATSAPP"
    assert body["dossierId"] == dossier and body["attempts"] == [] and body["source"] == "API"
    assert body["consentBasis"]["decidedBy"] == "OUTBOUND" and body["consentBasis"]["status"] == "GRANTED"
    replay = org.send(template_message(dossier), key="key-1")
    assert replay.status_code == 200 and replay.json["id"] == body["id"]
    listed = org.client.get(f"/api/v1/outbound/messages?dossierId={dossier}", headers=org.headers).json
    assert listed["total"] == 1
    assert [e["status"] for e in outbox(org.container, "outbound.status_changed")] == ["QUEUED"]


def test_idempotency_key_missing_reused_or_in_flight(org, container):
    dossier = org.ready_dossier()
    missing = org.client.post("/api/v1/outbound/messages", headers=org.headers, json=template_message(dossier))
    assert missing.status_code == 400 and "Idempotency-Key" in missing.json["details"]
    assert org.send(template_message(dossier), key="k").status_code == 201
    other = org.send(template_message(dossier, variables={"name": "Omar", "date": "mardi"}), key="k")
    assert other.status_code == 422 and other.json["code"] == "IDEMPOTENCY_KEY_REUSED"
    # A first request still running (its key row is IN_FLIGHT and its lease not over).
    body = template_message(dossier, variables={"name": "Nadia", "date": "jeudi"})
    from atlas_outbound.domain.idempotency import fingerprint
    with container.platform.db.session(org.id) as s, s.begin():
        s.add(IdempotencyKey(key="busy", request_hash=fingerprint(body), state="IN_FLIGHT",
                             locked_until=container.clock() + timedelta(seconds=20)))
    busy = org.send(body, key="busy")
    assert busy.status_code == 409 and busy.json["code"] == "IDEMPOTENCY_IN_FLIGHT"
    assert busy.headers["Retry-After"] == "1"
    container.clock.advance(31)  # the first request died: its lease ran out, this one takes over
    assert org.send(body, key="busy").status_code == 201
    assert org.client.get("/api/v1/outbound/messages", headers=org.headers).json["total"] == 2


def test_keys_are_scoped_per_org(org, other_org):
    dossier, other_dossier = org.ready_dossier(), other_org.ready_dossier()
    a = org.send(template_message(dossier), key="shared-key")
    b = other_org.send(template_message(other_dossier), key="shared-key")
    assert a.status_code == b.status_code == 201 and a.json["id"] != b.json["id"]


def test_refusal_releases_the_key_and_is_audited(org, container):
    dossier = str(uuid.uuid4())
    org.configure_whatsapp()
    org.template()
    refused = org.send(template_message(dossier), key="k-consent")
    assert refused.status_code == 400 and refused.json["code"] == "CONSENT_REQUIRED"
    with container.platform.db.session(org.id) as s:
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "BLOCKED_BY_POLICY")).all()
    assert len(audit) == 1 and audit[0].parent_id == dossier
    assert audit[0].diff["after"]["code"] == "CONSENT_REQUIRED"
    assert org.client.get("/api/v1/outbound/messages", headers=org.headers).json["total"] == 0
    org.grant(dossier)
    assert org.send(template_message(dossier), key="k-consent").status_code == 201


def test_validation_errors_name_each_field_and_change_nothing(org):
    res = org.send({"channel": "PIGEON", "to": "", "dossierId": "nope", "text": "x", "templateCode": "a",
                    "orgId": str(uuid.uuid4()), "status": "SENT"})
    assert res.status_code == 400 and res.json["code"] == "VALIDATION_ERROR"
    assert {"channel", "to", "dossierId", "orgId", "status"} <= set(res.json["details"])
    both = org.send({"channel": "WHATSAPP", "to": PHONE, "dossierId": str(uuid.uuid4()), "text": "hi",
                     "templateCode": "visit_reminder"})
    assert both.status_code == 400 and "text" in both.json["details"]
    assert org.client.get("/api/v1/outbound/messages", headers=org.headers).json["total"] == 0


def test_other_org_never_sees_a_message(org, other_org):
    dossier = org.ready_dossier()
    message = org.send(template_message(dossier)).json
    url = f"/api/v1/outbound/messages/{message['id']}"
    assert other_org.client.get(url, headers=other_org.headers).status_code == 404
    assert other_org.client.get(url, headers=other_org.headers).json["code"] == "MESSAGE_NOT_FOUND"
    assert other_org.client.post(f"{url}/retry", headers=other_org.headers).status_code == 404
    assert other_org.client.get("/api/v1/outbound/messages", headers=other_org.headers).json["total"] == 0


def test_list_filters_and_roles(org):
    dossier = org.ready_dossier()
    org.send(template_message(dossier))
    org.inbound()
    org.send({"channel": "WHATSAPP", "to": PHONE, "dossierId": dossier, "text": "Bonjour !"})
    query = lambda qs: org.client.get(f"/api/v1/outbound/messages?{qs}", headers=org.headers).json  # noqa: E731
    assert query("channel=CHAN_WHATSAPP&status=QUEUED")["total"] == 2
    assert query(f"dossierId={uuid.uuid4()}")["total"] == 0
    assert query("from=2026-03-02T08:00:00Z&to=2026-03-02T10:00:00Z")["total"] == 2
    assert query("from=2026-03-03T00:00:00Z")["total"] == 0
    assert query("status=SENT")["total"] == 0
    bad = org.client.get("/api/v1/outbound/messages?status=LOST&sort=secret", headers=org.headers)
    assert bad.status_code == 400
    moderator = org.client.get("/api/v1/outbound/messages", headers=org.as_role("MODERATOR"))
    assert moderator.status_code == 403
    agent = org.send(template_message(dossier), headers=org.as_role("AGENT"))
    assert agent.status_code == 201
    owner = org.send(template_message(dossier), headers=org.as_role("OWNER"))
    assert owner.status_code == 403


def test_a_twin_request_running_concurrently_gets_409(org, container):
    """The key is written in the create's own transaction: a twin arriving meanwhile waits on the key's
    unique index and answers 409 IDEMPOTENCY_IN_FLIGHT once the first commits (then a retry replays)."""
    import threading
    import time

    import pytest

    from atlas_outbound.domain.idempotency import fingerprint
    if container.platform.db.dialect != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the twin simply comes after")
    dossier = org.ready_dossier()
    body = template_message(dossier)
    first = container.platform.db.session(org.id)
    first.begin()
    first.add(IdempotencyKey(key="twin", request_hash=fingerprint(body), state="DONE",
                             created_at=container.clock()))
    first.flush()
    answer = {}
    twin = threading.Thread(target=lambda: answer.update(res=org.send(body, key="twin")))
    twin.start()
    time.sleep(0.5)
    assert twin.is_alive()  # waiting on the first one's key
    first.commit()
    first.close()
    twin.join(10)
    assert answer["res"].status_code == 409 and answer["res"].json["code"] == "IDEMPOTENCY_IN_FLIGHT"
    assert org.client.get("/api/v1/outbound/messages", headers=org.headers).json["total"] == 0
