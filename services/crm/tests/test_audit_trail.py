"""The consolidated audit trail: the CRM's own events and those shipped by the other services."""

import csv
import io
import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, update

from atlas_crm.insights_testing import Consumers, foreign_audit
from atlas_shared.db.platform import AuditEvent, AuditImmutable


@pytest.fixture
def consumers(container):
    return Consumers(container)


def trail(api, headers=None, **query):
    res = api.call("GET", "/api/v1/audit-events", headers, query_string=query)
    assert res.status_code == 200, res.json
    return res.json


def test_a_listing_published_in_the_listings_service_shows_up_once_however_often_delivered(api, consumers):
    event = foreign_audit(api.org, entityId="0b0e6f26-42f4-4a35-9f6e-8a2b7e0c1d01")
    assert consumers.deliver(event) == "handled"
    assert consumers.deliver(event) == "duplicate"  # the same envelope again: the inbox absorbs it
    again = foreign_audit(api.org, id=event.payload["id"], entityId=event.payload["entityId"])
    assert consumers.deliver(again) == "handled"  # a new envelope for the same audit event
    body = trail(api, entityType="ANNONCE")
    assert body["total"] == 1
    [row] = body["items"]
    assert row == {"id": event.payload["id"], "service": "listings", "entityType": "ANNONCE",
                   "entityId": event.payload["entityId"], "parentType": None, "parentId": None,
                   "action": "ANNONCE_PUBLISHED", "actor": "agent-7", "diff": event.payload["diff"],
                   "correlationId": "corr-1", "createdAt": "2026-11-20T10:00:00+00:00"}


def test_foreign_events_stay_in_their_org_and_crm_ones_are_not_copied_twice(api, other_org, consumers):
    consumers.deliver(foreign_audit(other_org.org, service="outbound", entityType="OUTBOUND_MESSAGE"))
    dossier = api.dossier()
    [own] = [r for r in trail(api)["items"] if r["entityId"] == dossier["id"]]
    echo = foreign_audit(api.org, service="crm", id=own["id"], entityType="DOSSIER", entityId=dossier["id"])
    consumers.deliver(echo)
    assert trail(api)["total"] == 1
    assert [r["service"] for r in trail(other_org, other_org.admin)["items"]] == ["outbound"]


def test_dossier_filter_covers_the_dossier_and_everything_hanging_off_it(api):
    dossier = api.dossier(phone="0612345678")
    other = api.dossier(contactName="Someone Else", phone="0698765432")
    url = f"/api/v1/dossiers/{dossier['id']}"
    api.call("PUT", url, json={"score": 40})
    assert api.move(dossier["id"], "CRM_CONTACTED").status_code == 200
    stakeholder = api.call("POST", "/api/v1/parties-prenantes", json={
        "dossierId": dossier["id"], "role": "BUYER", "fullName": "Karim B."}).json
    api.call("POST", "/api/v1/activities", json={"dossierId": dossier["id"], "type": "ACT_NOTE",
                                                 "content": "Rappeler lundi"})
    api.call("POST", "/api/v1/consentements", json={
        "dossierId": dossier["id"], "channel": "WHATSAPP", "type": "CONSENT_CONTACT", "status": "GRANTED",
        "proof": "Accord verbal au téléphone"})
    api.call("POST", "/api/v1/messages", json={"dossierId": dossier["id"], "direction": "OUTBOUND",
                                               "channel": "WHATSAPP", "content": "Bonjour"})
    api.call("PUT", f"/api/v1/dossiers/{other['id']}", json={"score": 10})
    body = trail(api, dossierId=dossier["id"], size=100)
    found = {(r["entityType"], r["action"]) for r in body["items"]}
    assert found == {("DOSSIER", "CREATE"), ("DOSSIER", "UPDATE"), ("DOSSIER", "DOSSIER_STATUS_CHANGED"),
                     ("STAKEHOLDER", "CREATE"), ("ACTIVITY", "CREATE"), ("CONSENT", "CONSENT_GRANTED"),
                     ("MESSAGE", "CREATE")}
    assert all(r["entityId"] == dossier["id"] or r["parentId"] == dossier["id"] for r in body["items"])
    one = trail(api, entityType="STAKEHOLDER", entityId=stakeholder["id"])
    assert [r["action"] for r in one["items"]] == ["CREATE"]


def test_filters_by_actor_action_and_date_range_newest_first(api, consumers):
    for day, actor in ((1, "agent-1"), (2, "agent-2"), (3, "agent-1")):
        consumers.deliver(foreign_audit(api.org, actor=actor, createdAt=f"2026-10-0{day}T09:00:00Z"))
    body = trail(api, actor="agent-1")
    assert [r["createdAt"][:10] for r in body["items"]] == ["2026-10-03", "2026-10-01"]
    body = trail(api, **{"from": "2026-10-02", "to": "2026-10-02"})
    assert [r["createdAt"][:10] for r in body["items"]] == ["2026-10-02"]
    body = trail(api, **{"from": "2026-10-01T09:00:00Z", "to": "2026-10-03T09:00:00Z", "sort": "createdAt"})
    assert [r["createdAt"][:10] for r in body["items"]] == ["2026-10-01", "2026-10-02"]
    assert trail(api, action="CREATE")["total"] == 0
    page = trail(api, size=2, page=2)
    assert (page["total"], len(page["items"]), page["page"]) == (3, 1, 2)


def test_bad_filters_are_refused_per_field(api):
    for query, field in (({"from": "yesterday"}, "from"), ({"from": "2026-10-05", "to": "2026-10-01"}, "to"),
                         ({"dossierId": "not-a-uuid"}, "dossierId"), ({"size": 1000}, "size"),
                         ({"sort": "actor"}, "sort")):
        res = api.call("GET", "/api/v1/audit-events", query_string=query)
        assert res.status_code == 400 and res.json["code"] == "VALIDATION_ERROR", res.json
        assert list(res.json["details"]) == [field], res.json


def test_only_managers_and_admins_read_or_export_the_trail(api):
    for role in ("AGENT", "MODERATOR", "OWNER"):
        assert api.call("GET", "/api/v1/audit-events", api.as_(role)).status_code == 403
        res = api.call("GET", "/api/v1/audit-events/export", api.as_(role))
        assert res.status_code == 403 and res.json["code"] == "FORBIDDEN"
    assert api.call("GET", "/api/v1/audit-events", api.manager).status_code == 200
    assert not [r for r in trail(api)["items"] if r["action"] == "AUDIT_EXPORTED"]


def test_export_streams_csv_and_json_and_is_itself_audited(api, consumers):
    for day in (3, 1, 2):
        consumers.deliver(foreign_audit(api.org, createdAt=f"2026-10-0{day}T09:00:00Z",
                                        diff={"after": {"title": f"Villa, jour {day}"}}))
    res = api.call("GET", "/api/v1/audit-events/export", api.manager,
                   query_string={"format": "csv", "entityType": "ANNONCE"})
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert res.headers["Content-Disposition"].startswith('attachment; filename="audit-events-')
    rows = list(csv.DictReader(io.StringIO(res.get_data(as_text=True))))
    assert [r["createdAt"][:10] for r in rows] == ["2026-10-01", "2026-10-02", "2026-10-03"]
    assert json.loads(rows[0]["diff"]) == {"after": {"title": "Villa, jour 1"}}
    res = api.call("GET", "/api/v1/audit-events/export", query_string={"format": "json", "to": "2026-10-02"})
    assert res.mimetype == "application/json"
    assert [r["createdAt"][:10] for r in json.loads(res.get_data())] == ["2026-10-01", "2026-10-02"]
    exports = trail(api, action="AUDIT_EXPORTED")["items"]
    assert [(e["actor"], e["diff"]["context"]["format"], e["diff"]["context"]["rows"]) for e in exports] == [
        ("admin-1", "json", 2), ("manager-1", "csv", 3)]
    assert api.call("GET", "/api/v1/audit-events/export", query_string={"format": "xml"}).status_code == 400


def test_export_walks_more_rows_than_one_batch(api, container):
    same_time = datetime(2026, 10, 1, 9, tzinfo=UTC)  # ties broken by id, never lost at a batch edge
    with container.platform.db.session(api.org) as s:
        s.add_all(AuditEvent(service="listings", actor="agent-7", action="ANNONCE_PUBLISHED", entity_type="ANNONCE",
                             entity_id=str(i), diff={}, created_at=same_time) for i in range(520))
        s.commit()
    res = api.call("GET", "/api/v1/audit-events/export", query_string={"format": "json",
                                                                      "entityType": "ANNONCE"})
    ids = [r["entityId"] for r in json.loads(res.get_data())]
    assert len(ids) == len(set(ids)) == 520


def test_audit_rows_cannot_be_changed_by_any_path(api, container):
    api.dossier()
    [row] = trail(api)["items"]
    with container.platform.db.session(api.org) as s:
        event = s.get(AuditEvent, uuid.UUID(row["id"]))
        event.action = "FORGED"
        with pytest.raises(AuditImmutable):
            s.flush()
    for statement in (update(AuditEvent).values(action="FORGED"), delete(AuditEvent)):
        with container.platform.db.engine.connect() as conn, pytest.raises(Exception, match="immutable"):
            conn.execute(statement)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert api.call(method, f"/api/v1/audit-events/{row['id']}").status_code in (404, 405)
        assert api.call(method, "/api/v1/audit-events").status_code == 405
    assert trail(api)["items"][0]["action"] == "CREATE"
