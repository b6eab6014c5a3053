"""Workers and the provider: what is retried, when, what fails for good, and that nothing is sent twice."""

import threading
import uuid
from datetime import datetime

import pytest
from sqlalchemy import select

from atlas_outbound.adapters.orm import OutboundMessage
from atlas_outbound.domain.retry import Backoff, Failure, classify
from atlas_outbound.service_layer import sending
from atlas_outbound.testing import PHONE, PHONE_2, outbox, template_message

SCHEDULE = (60, 300, 900, 3600, 21600)


def queue(org, count=1, to="06 12 34 56 78"):
    dossier = str(uuid.uuid4())
    org.configure_whatsapp()
    org.template()
    org.grant(dossier, phone=None)
    return [org.send(template_message(dossier, to=to)).json["id"] for _ in range(count)]


def test_sent_with_provider_id_and_the_whatsapp_request_shape(org, simulator, send_due):
    [mid] = queue(org)
    assert send_due() == 1
    m = org.get(mid)
    assert m["status"] == "SENT" and m["providerMessageId"].startswith("wamid.SIM")
    assert [(a["number"], a["status"], a["httpStatus"]) for a in m["attempts"]] == [(1, "SENT", 200)]
    assert simulator.calls()["perMessage"] == {mid: 1}
    assert [e["status"] for e in outbox(org.container, "outbound.status_changed")] == ["QUEUED", "SENT"]
    assert send_due() == 0  # a row with a provider id is never sent again
    assert simulator.calls()["total"] == 1


def test_the_provider_request_carries_the_template_and_our_id(org, container):
    from atlas_outbound.adapters.providers import SendRequest
    whatsapp = container.providers["WHATSAPP"]
    body = whatsapp.body(SendRequest("m-1", "WHATSAPP", PHONE, None, None, "visit_reminder", "fr",
                                     ["Salma", "lundi"]))
    assert body["to"] == "212612345678" and body["biz_opaque_callback_data"] == "m-1"
    assert body["template"] == {"name": "visit_reminder", "language": {"code": "fr"}, "components": [
        {"type": "body", "parameters": [{"type": "text", "text": "Salma"}, {"type": "text", "text": "lundi"}]}]}


@pytest.mark.parametrize("status,code", [(500, None), (503, 2), (429, 130429), (400, 131000), (429, 4),
                                         (502, None)])
def test_transient_errors_are_retried_on_the_schedule(org, simulator, send_due, container, status, code):
    [mid] = queue(org)
    simulator.control("rules", {"rules": [{"status": status, "code": code, "times": 1}]})
    send_due()
    m = org.get(mid)
    assert m["status"] == "QUEUED" and m["attempts"][0]["status"] == "RETRY_SCHEDULED"
    next_at = datetime.fromisoformat(m["attempts"][0]["nextRetryAt"])
    delay = (next_at - container.clock()).total_seconds()
    assert 60 * 0.8 <= delay <= 60 * 1.2, delay  # 1 minute +/- 20 % jitter
    assert m["error"]["code"] == (str(code) if code else f"HTTP_{status}")
    assert send_due() == 0  # not due yet
    container.clock.advance(delay + 1)
    assert send_due() == 1
    assert org.get(mid)["status"] == "SENT" and simulator.calls()["perMessage"][mid] == 2


@pytest.mark.parametrize("status,code", [(400, 131047), (400, 131026), (400, 131048), (400, 131008),
                                         (400, 100), (401, 190), (404, None)])
def test_final_errors_fail_at_once_and_are_dead_lettered(org, simulator, send_due, status, code):
    [mid] = queue(org)
    simulator.control("rules", {"rules": [{"status": status, "code": code, "message": "No way"}]})
    send_due()
    m = org.get(mid)
    assert m["status"] == "FAILED" and [a["status"] for a in m["attempts"]] == ["FAILED"]
    assert m["error"]["code"] == (str(code) if code else f"HTTP_{status}")
    letters = org.client.get("/api/v1/ops/outbound/dead-letters", headers=org.headers).json
    assert [x["messageId"] for x in letters["items"]] == [mid]
    assert [e["status"] for e in outbox(org.container, "outbound.status_changed")] == ["QUEUED", "FAILED"]


def test_every_attempt_used_then_failed_and_retried_by_hand(org, simulator, send_due, container):
    [mid] = queue(org)
    simulator.control("rules", {"rules": [{"status": 503, "code": 2}]})
    for step in SCHEDULE:
        send_due()
        container.clock.advance(step * 1.25)
    send_due()
    m = org.get(mid)
    assert m["status"] == "FAILED" and m["attemptCount"] == 6
    assert [a["status"] for a in m["attempts"]] == ["RETRY_SCHEDULED"] * 5 + ["FAILED"]
    retry = org.client.post(f"/api/v1/outbound/messages/{mid}/retry", headers=org.as_role("AGENT"))
    assert retry.status_code == 403
    simulator.control("rules", {"rules": []})
    retry = org.client.post(f"/api/v1/outbound/messages/{mid}/retry", headers=org.as_role("MANAGER"))
    assert retry.status_code == 200 and retry.json["status"] == "QUEUED"
    assert org.client.get("/api/v1/ops/outbound/dead-letters", headers=org.headers).json["total"] == 0
    send_due()
    assert org.get(mid)["status"] == "SENT"
    again = org.client.post(f"/api/v1/outbound/messages/{mid}/retry", headers=org.headers)
    assert again.status_code == 409 and again.json["code"] == "TRANSITION_NOT_ALLOWED"


def test_pair_rate_limit_delays_that_recipient_only(org, simulator, send_due, container):
    first, second = queue(org, 2)
    dossier = str(uuid.uuid4())
    org.grant(dossier, phone=None)
    other = org.send(template_message(dossier, to=PHONE_2)).json["id"]
    simulator.control("rules", {"rules": [{"to": PHONE, "status": 400, "code": 131056, "times": 1}]})
    send_due()
    statuses = {mid: org.get(mid)["status"] for mid in (first, second, other)}
    assert statuses[other] == "SENT"
    assert sorted([statuses[first], statuses[second]]) == ["QUEUED", "QUEUED"] or \
        sorted([statuses[first], statuses[second]]) == ["QUEUED", "SENT"]
    held = [org.get(mid) for mid in (first, second) if statuses[mid] == "QUEUED"]
    assert all(datetime.fromisoformat(m["nextAttemptAt"]) >= container.clock() for m in held)
    deferred = [a for m in held for a in m["attempts"] if a["status"] == "DEFERRED"]
    assert len(deferred) == 1
    container.clock.advance(61)
    send_due()
    assert all(org.get(mid)["status"] == "SENT" for mid in (first, second))


def test_backoff_is_computed_from_the_injected_random():
    assert Backoff(SCHEDULE, 0.2, rand=lambda: 0.0).delay(1) == pytest.approx(48)
    assert Backoff(SCHEDULE, 0.2, rand=lambda: 1.0).delay(3) == pytest.approx(1080)
    assert Backoff(SCHEDULE, 0.0).delay(5) == 21600 and Backoff(SCHEDULE).delay(6) is None
    assert classify("WHATSAPP", Failure(None, None, "timeout")) == "RETRY"
    assert classify("SMS", Failure(400, "21211", "bad number")) == "FINAL"
    assert classify("EMAIL", Failure(None, "451", "try later")) == "RETRY"
    assert classify("EMAIL", Failure(None, "550", "no such user")) == "FINAL"


def test_a_stale_claim_is_recovered_and_sent_once(org, simulator, send_due, container):
    [mid] = queue(org)
    lost = sending.claim(container.platform.db, "dead-worker", container.clock(), 120, 10)
    assert [c.id for c in lost] == [uuid.UUID(mid)]
    assert send_due() == 0  # leased to the dead worker
    container.clock.advance(121)
    assert send_due() == 1
    m = org.get(mid)
    assert m["status"] == "SENT" and [a["status"] for a in m["attempts"]] == ["LOST", "SENT"]
    assert simulator.calls()["perMessage"][mid] == 1


def test_a_stale_claim_the_provider_confirmed_is_reconciled_not_resent(org, simulator, container, send_due,
                                                                       client):
    from atlas_outbound.entrypoints.sender import Sender
    [mid] = queue(org)
    [claimed] = sending.claim(container.platform.db, "w1", container.clock(), 120, 10)
    provider, account = container.providers["WHATSAPP"], container.accounts.get(claimed.org_id, "WHATSAPP")
    accepted = provider.send(claimed.request, account)
    # ... the worker dies here; Meta's "sent" callback (echoing our id) arrives.
    from atlas_outbound.testing import meta_status_body, signed
    body = meta_status_body([{"id": accepted.provider_message_id, "status": "sent", "ref": mid}])
    assert client.post("/api/v1/webhooks/whatsapp/status", data=body, headers=signed(body)).status_code == 200
    container.clock.advance(121)
    [recovered] = sending.claim(container.platform.db, "w2", container.clock(), 120, 10)
    assert Sender(container).send_one(recovered, "w2") == "reconciled"
    m = org.get(mid)
    assert m["status"] == "SENT" and m["providerMessageId"] == accepted.provider_message_id
    assert [a["status"] for a in m["attempts"]] == ["LOST", "RECONCILED"]
    assert simulator.calls()["perMessage"][mid] == 1


def test_concurrent_claims_never_overlap(org, container):
    queue(org, 30)
    seen: list[uuid.UUID] = []
    lock = threading.Lock()

    def grab(name):
        while True:
            batch = sending.claim(container.platform.db, name, container.clock(), 120, 3)
            if not batch:
                return
            with lock:
                seen.extend(c.id for c in batch)

    threads = [threading.Thread(target=grab, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(seen) == 30 and len(set(seen)) == 30
    with container.platform.db.session(tenant_bypass=True) as s:
        assert set(s.scalars(select(OutboundMessage.status))) == {"SENDING"}


def test_missing_provider_account_fails_without_a_call(org, simulator, send_due):
    [mid] = queue(org)
    assert org.client.delete("/api/v1/admin/outbound/providers/whatsapp", headers=org.headers).status_code == 204
    org.container.accounts._cache.clear()
    send_due()
    m = org.get(mid)
    assert m["status"] == "FAILED" and m["error"]["code"] == "PROVIDER_NOT_CONFIGURED"
    assert simulator.calls()["total"] == 0


def test_a_batch_is_sent_concurrently_and_its_outcomes_recorded_as_before(org, simulator, container):
    """The sender's batch path: concurrent calls, the SENTs of the batch in one transaction — and per
    message the same rows as one by one (attempt, audit, outbox event), failures on their own."""
    from atlas_outbound.entrypoints.sender import Sender
    from atlas_shared.db.platform import AuditEvent
    ids = queue(org, 5) + queue(org, 1, to=PHONE_2)
    simulator.control("rules", {"rules": [{"to": PHONE_2.lstrip("+"), "status": 400, "code": 131026}]})
    batch = sending.claim(container.platform.db, "w", container.clock(), 120, 10)
    assert len(batch) == 6
    Sender(container).send_batch(batch, "w", threading.Event())
    failed = ids[-1]
    for mid in ids[:-1]:
        m = org.get(mid)
        assert m["status"] == "SENT" and m["providerMessageId"].startswith("wamid.SIM")
        assert [(a["number"], a["status"]) for a in m["attempts"]] == [(1, "SENT")]
    assert org.get(failed)["status"] == "FAILED" and org.get(failed)["error"]["code"] == "131026"
    calls = simulator.calls()
    assert calls["total"] == 6 and calls["duplicates"] == {}
    events = outbox(container, "outbound.status_changed")
    assert sorted(e["status"] for e in events) == ["FAILED"] + ["QUEUED"] * 6 + ["SENT"] * 5
    assert all(e["version"] == 2 for e in events if e["status"] == "SENT")
    with container.platform.db.session(tenant_bypass=True) as s:
        audited = s.scalars(select(AuditEvent.entity_id).where(AuditEvent.action == "OUTBOUND_SENT")).all()
    assert sorted(audited) == sorted(ids[:-1])
    shipped = [e["action"] for e in outbox(container, "audit.recorded")]
    assert shipped.count("OUTBOUND_SENT") == 5 and shipped.count("OUTBOUND_FAILED") == 1
    assert sending.claim(container.platform.db, "w", container.clock(), 120, 10) == []  # nothing resent


def test_a_batch_records_a_duplicate_and_applies_early_callbacks(org, simulator, container, client):
    from atlas_outbound.entrypoints.sender import Sender
    from atlas_outbound.testing import meta_status_body, signed
    ids = queue(org, 3)
    batch = sending.claim(container.platform.db, "w", container.clock(), 120, 10)
    sender = Sender(container)
    outcomes = [sender.call(c, sender.account(c)) for c in batch]
    by_id = {str(o.claimed.id): o for o in outcomes}
    early = by_id[ids[0]].accepted.provider_message_id
    body = meta_status_body([{"id": early, "status": "delivered", "ref": ids[0]}])
    assert client.post("/api/v1/webhooks/whatsapp/status", data=body, headers=signed(body)).status_code == 200
    with container.platform.db.session(tenant_bypass=True) as s, s.begin():  # someone else sent ids[1]
        s.get(OutboundMessage, uuid.UUID(ids[1])).provider_message_id = "wamid.OTHER"
    assert sender.record(outcomes, "w") == ["sent"] * 3
    assert org.get(ids[0])["status"] == "DELIVERED"
    second = org.get(ids[1])
    assert second["providerMessageId"] == "wamid.OTHER" and second["status"] == "SENDING"
    assert [a["status"] for a in second["attempts"]] == ["DUPLICATE"]
    assert org.get(ids[2])["status"] == "SENT"


def test_a_stopping_batch_hands_back_what_it_did_not_call(org, simulator, container):
    from atlas_outbound.entrypoints.sender import Sender
    ids = queue(org, 4)
    batch = sending.claim(container.platform.db, "w", container.clock(), 120, 10)
    stop = threading.Event()
    stop.set()
    Sender(container).send_batch(batch, "w", stop)
    assert simulator.calls()["total"] == 0
    assert {org.get(mid)["status"] for mid in ids} == {"QUEUED"}


def test_a_batch_writes_the_rows_one_by_one_recording_writes(org, simulator, container):
    """The batch's SENT rows are built without the ORM: same message columns, attempt, audit row and
    envelopes (in the same order per message) as ``record_sent`` of one message."""
    from atlas_outbound.entrypoints.sender import Sender
    from atlas_shared.db.platform import AuditEvent, OutboxMessage
    ids = queue(org, 3)
    batch = sending.claim(container.platform.db, "w", container.clock(), 120, 10)
    sender = Sender(container)
    outcomes = {str(o.claimed.id): o for o in (sender.call(c, sender.account(c)) for c in batch)}
    single = outcomes[ids[0]]
    assert sending.record_sent(sender.uow(single.claimed.org_id), single.claimed, single.accepted, "w",
                               single.started, container.clock())
    assert sending.record_sent_many(sender.uow(org.id), [outcomes[ids[1]], outcomes[ids[2]]], "w",
                                    container.clock()) == [True, True]

    def written(mid):
        m = org.get(mid)
        with container.platform.db.session(tenant_bypass=True) as s:
            audit = s.scalars(select(AuditEvent).where(AuditEvent.entity_id == mid,
                                                       AuditEvent.action == "OUTBOUND_SENT")).one()
            events = s.scalars(select(OutboxMessage).where(OutboxMessage.aggregate_id == mid)
                               .order_by(OutboxMessage.seq)).all()
            envelopes = [e.envelope for e in events]
        shape = [(e["type"], sorted(e), e["org_id"], e["actor"], e["version"]) for e in envelopes]
        sent = [e["payload"] for e in envelopes if e["type"] == "outbound.status_changed"][-1]
        shipped = [e["payload"] for e in envelopes if e["type"] == "audit.recorded"][-1]
        volatile = ("messageId", "providerMessageId", "occurredAt", "id", "entityId", "createdAt", "correlationId")
        return {
            "message": (m["status"], m["version"], m["error"], m["sentAt"] is not None,
                        m["providerMessageId"] == outcomes[mid].accepted.provider_message_id,
                        [(a["number"], a["status"], a["httpStatus"], a["worker"]) for a in m["attempts"]]),
            "audit": (audit.diff, audit.actor, audit.service, audit.parent_type, audit.parent_id, audit.org_id),
            "events": shape, "sent": {k: v for k, v in sent.items() if k not in volatile},
            "shipped": {k: v for k, v in shipped.items() if k not in volatile},
            "provider": sent["providerMessageId"] == outcomes[mid].accepted.provider_message_id}
    first = written(ids[0])
    assert first["audit"][0] == {"before": {"status": "SENDING"}, "after": {"status": "SENT"}}
    assert written(ids[1]) == first and written(ids[2]) == first
