"""POST /api/v1/outbound/messages/batch: each item answered as POST /messages would have answered it."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from atlas_outbound.adapters.orm import IdempotencyKey
from atlas_outbound.testing import PHONE, outbox, template_message
from atlas_shared.db.platform import AuditEvent

BATCH = "/api/v1/outbound/messages/batch"


def item(key, dossier, **extra):
    return {"idempotencyKey": key, **template_message(dossier, **extra)}


def post(org, items, headers=None):
    return org.client.post(BATCH, headers=headers or org.headers, json={"messages": items})


def test_a_batch_queues_each_message_as_one_by_one(org, container, send_due):
    dossier = org.ready_dossier()
    res = post(org, [item(f"b-{i}", dossier, variables={"name": f"Client {i}", "date": "lundi"})
                     for i in range(5)])
    assert res.status_code == 200, res.json
    assert (res.json["created"], res.json["replayed"], res.json["refused"]) == (5, 0, 0)
    results = res.json["results"]
    assert [(r["index"], r["idempotencyKey"], r["status"], r["error"]) for r in results] == \
        [(i, f"b-{i}", 201, None) for i in range(5)]
    single = org.send(template_message(dossier, variables={"name": "Client 9", "date": "lundi"})).json
    for r in results:
        m = r["message"]
        assert org.get(m["id"]) == m
        same = {k for k in m if m[k] == single[k]}
        assert set(m) - same == {"id", "payload"}  # every other field as POST /messages gives it
    with container.platform.db.session(org.id) as s:
        audits = s.scalars(select(AuditEvent).where(AuditEvent.action == "CREATE",
                                                    AuditEvent.entity_type == "OUTBOUND_MESSAGE")).all()
    by_entity = {a.entity_id: a for a in audits}
    one, many = by_entity[single["id"]], by_entity[results[0]["message"]["id"]]
    assert (many.diff, many.parent_type, many.parent_id, many.actor) == \
        (one.diff, one.parent_type, one.parent_id, one.actor)
    queued = outbox(container, "outbound.status_changed")
    assert [e["status"] for e in queued] == ["QUEUED"] * 6 and all(e["version"] == 1 for e in queued)
    shipped = [e for e in outbox(container, "audit.recorded")
               if e["action"] == "CREATE" and e["entityType"] == "OUTBOUND_MESSAGE"]
    assert sorted(e["entityId"] for e in shipped) == sorted([single["id"]] + [r["message"]["id"] for r in results])
    assert send_due() == 6
    assert {org.get(r["message"]["id"])["status"] for r in results} == {"SENT"}


def test_per_item_validation_and_policy_errors_do_not_stop_the_others(org, container):
    dossier = org.ready_dossier()
    no_consent = str(uuid.uuid4())
    items = [
        item("ok-1", dossier),
        {"idempotencyKey": "bad-1", "channel": "WHATSAPP", "to": PHONE},             # no dossier, no content
        {**template_message(dossier, variables={"name": "Sans clé", "date": "lundi"})},  # no key
        item("consent", no_consent),
        item("vars", dossier, variables={"name": "x"}),
        item("tpl", dossier, templateCode="unknown_template"),
        {"idempotencyKey": "", **template_message(dossier)},
        item("ok-2", dossier, variables={"name": "Omar", "date": "mardi"}),
    ]
    res = post(org, items)
    assert res.status_code == 200, res.json
    got = [(r["status"], r["error"]["code"] if r["error"] else None) for r in res.json["results"]]
    assert got == [(201, None), (400, "VALIDATION_ERROR"), (400, "VALIDATION_ERROR"), (400, "CONSENT_REQUIRED"),
                   (400, "TEMPLATE_VARIABLES_INVALID"), (422, "TEMPLATE_NOT_FOUND"),
                   (400, "VALIDATION_ERROR"), (201, None)]
    details = res.json["results"]
    assert set(details[1]["error"]["details"]) == {"dossierId", "text"}
    assert "idempotencyKey" in details[2]["error"]["details"]
    assert (res.json["created"], res.json["refused"]) == (2, 6)
    with container.platform.db.session(org.id) as s:
        blocked = s.scalars(select(AuditEvent).where(AuditEvent.action == "BLOCKED_BY_POLICY")).all()
        keys = set(s.scalars(select(IdempotencyKey.key)))
    assert sorted(a.diff["after"]["code"] for a in blocked) == \
        ["CONSENT_REQUIRED", "TEMPLATE_NOT_FOUND", "TEMPLATE_VARIABLES_INVALID"]
    assert keys == {"ok-1", "ok-2"}  # a refused item's key is released
    org.grant(no_consent)
    assert post(org, [item("consent", no_consent)]).json["results"][0]["status"] == 201


def test_replays_reused_keys_and_in_flight_keys_per_item(org, container):
    dossier = org.ready_dossier()
    first = org.send(template_message(dossier), key="single-key")  # the same keys as POST /messages
    assert first.status_code == 201
    body = template_message(dossier, variables={"name": "Nadia", "date": "jeudi"})
    from atlas_outbound.domain.idempotency import fingerprint
    with container.platform.db.session(org.id) as s, s.begin():
        s.add(IdempotencyKey(key="busy", request_hash=fingerprint(body), state="IN_FLIGHT",
                             locked_until=container.clock() + timedelta(seconds=20)))
    items = [item("single-key", dossier), item("single-key", dossier, variables={"name": "Autre", "date": "x"}),
             {"idempotencyKey": "busy", **body}, item("twice", dossier), item("twice", dossier),
             item("twice", dossier, variables={"name": "Autre", "date": "x"})]
    res = post(org, items).json
    got = [(r["status"], r["error"]["code"] if r["error"] else None) for r in res["results"]]
    assert got == [(200, None), (422, "IDEMPOTENCY_KEY_REUSED"), (409, "IDEMPOTENCY_IN_FLIGHT"),
                   (201, None), (200, None), (422, "IDEMPOTENCY_KEY_REUSED")]
    assert res["results"][0]["message"]["id"] == first.json["id"]
    assert res["results"][3]["message"]["id"] == res["results"][4]["message"]["id"]
    again = post(org, items[3:5]).json["results"]  # the whole batch again: replays, nothing new
    assert [r["status"] for r in again] == [200, 200] and again[0]["message"]["id"] == res["results"][3]["message"]["id"]
    assert org.send(template_message(dossier), key="twice").status_code == 200
    container.clock.advance(31)  # the in-flight request died: a batch item takes its key over
    assert post(org, [{"idempotencyKey": "busy", **body}]).json["results"][0]["status"] == 201
    assert org.client.get("/api/v1/outbound/messages", headers=org.headers).json["total"] == 3


def test_quota_and_rate_are_counted_per_item(org, container):
    from atlas_outbound.service_layer.limits import set_limits
    from atlas_shared.context import RequestContext
    dossier = org.ready_dossier()
    set_limits(container.platform.uow(RequestContext.system(org_id=org.id)), daily_quota=5, per_minute=3)
    res = post(org, [item(f"q-{i}", dossier, variables={"name": f"C{i}", "date": "l"}) for i in range(4)]).json
    assert [(r["status"], r["error"]["code"] if r["error"] else None) for r in res["results"]] == \
        [(201, None)] * 3 + [(429, "RATE_LIMITED")]
    container.clock.advance(60)
    res = post(org, [item(f"r-{i}", dossier, variables={"name": f"D{i}", "date": "l"}) for i in range(3)]).json
    assert [r["error"]["code"] if r["error"] else None for r in res["results"]] == \
        [None, None, "QUOTA_EXCEEDED"]
    assert res["results"][2]["error"]["details"]["dailyQuota"] == 5
    usage = org.client.get("/api/v1/admin/outbound/limits", headers=org.headers).json
    assert usage["usedToday"] == 5


def test_a_full_minute_refuses_the_rest_of_a_batch_as_one_by_one(org, container):
    """Minute full before the day: every later item is RATE_LIMITED (refused items do not count)."""
    from atlas_outbound.service_layer.limits import set_limits
    from atlas_shared.context import RequestContext
    dossier = org.ready_dossier()
    set_limits(container.platform.uow(RequestContext.system(org_id=org.id)), daily_quota=4, per_minute=2)
    res = post(org, [item(f"m-{i}", dossier, variables={"name": f"C{i}", "date": "l"}) for i in range(6)]).json
    assert [r["error"]["code"] if r["error"] else None for r in res["results"]] == \
        [None, None] + ["RATE_LIMITED"] * 4
    one_by_one = [org.send(template_message(dossier, variables={"name": f"S{i}", "date": "l"})).json.get("code")
                  for i in range(2)]
    assert one_by_one == ["RATE_LIMITED"] * 2
    assert org.client.get("/api/v1/admin/outbound/limits", headers=org.headers).json["usedToday"] == 2


def test_cross_tenant_and_roles(org, other_org):
    dossier, other_dossier = org.ready_dossier(), other_org.ready_dossier()
    mine = post(org, [item("shared", dossier)]).json["results"][0]
    # The same key in another org is another key; another org's dossier has no consent here.
    theirs = post(other_org, [item("shared", other_dossier), item("x", dossier)]).json["results"]
    assert theirs[0]["status"] == 201 and theirs[0]["message"]["id"] != mine["message"]["id"]
    assert theirs[1]["status"] == 400 and theirs[1]["error"]["code"] == "CONSENT_REQUIRED"
    assert other_org.client.get(f"/api/v1/outbound/messages/{mine['message']['id']}",
                                headers=other_org.headers).status_code == 404
    for role, status in (("AUDITOR", 403), ("MANAGER", 200), ("AGENT", 200)):
        res = post(org, [item(f"role-{role}", dossier)], headers=org.as_role(role))
        assert res.status_code == status, (role, res.json)
    assert post(org, [item("role-AUDITOR", dossier)]).json["results"][0]["status"] == 201  # nothing kept


def test_the_request_itself_must_be_a_batch(org):
    dossier = org.ready_dossier()
    assert post(org, []).status_code == 400
    too_many = post(org, [item(f"k{i}", dossier) for i in range(501)])
    assert too_many.status_code == 400 and too_many.json["code"] == "VALIDATION_ERROR"
    assert org.client.post(BATCH, headers=org.headers, json={"messages": "no"}).status_code == 400
    assert org.client.post(BATCH, headers=org.headers, json={}).status_code == 400
    nothing_valid = post(org, [{"idempotencyKey": "v1", "channel": "FAX"}, {"to": PHONE}])
    assert nothing_valid.status_code == 200 and nothing_valid.json["refused"] == 2
    spec = org.client.get("/openapi.json").json
    assert "post" in spec["paths"]["/api/v1/outbound/messages/batch"]


def test_an_item_whose_key_a_concurrent_request_holds_is_in_flight(org, container):
    import threading
    import time

    import pytest

    from atlas_outbound.domain.idempotency import fingerprint
    if container.platform.db.dialect != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the batch simply comes after")
    dossier = org.ready_dossier()
    body = template_message(dossier)
    first = container.platform.db.session(org.id)  # a POST /messages with key "held", not committed yet
    first.begin()
    first.add(IdempotencyKey(key="held", request_hash=fingerprint(body), state="DONE",
                             created_at=container.clock()))
    first.flush()
    answer = {}
    batch = threading.Thread(target=lambda: answer.update(res=post(org, [
        {"idempotencyKey": "held", **body}, item("free", dossier)])))
    batch.start()
    time.sleep(0.5)
    assert batch.is_alive()
    first.commit()
    first.close()
    batch.join(10)
    results = answer["res"].json["results"]
    assert [(r["status"], r["error"]["code"] if r["error"] else None) for r in results] == \
        [(409, "IDEMPOTENCY_IN_FLIGHT"), (201, None)]
