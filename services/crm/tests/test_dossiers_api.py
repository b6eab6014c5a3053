"""Dossiers as a client sees them: create, read, update, list."""

import uuid

from atlas_crm.entrypoints.http.dossiers.schemas import DossierSchema
from atlas_shared.testing import auth_headers
from atlas_shared.web.schemas import page_of

LISTING = str(uuid.uuid4())


def test_create_applies_defaults_normalises_the_phone_and_records_everything(api):
    res = api.call("POST", "/api/v1/dossiers", json={"contactName": "Nadia B.", "phone": "06 61 23 45 67",
                                                     "email": "nadia@example.ma", "budgetMax": 1500000})
    assert res.status_code == 201, res.json
    body = res.json
    assert body["caseType"] == "CRM_LEAD" and body["status"] == "CRM_NEW"
    assert body["source"] == "LEAD_SOURCE_OTHER"
    assert (body["phone"], body["phoneRaw"]) == ("+212661234567", "06 61 23 45 67")
    assert body["version"] == 1 and body["orgId"] == api.org and res.headers["ETag"] == '"1"'
    [created] = api.audit(body["id"], "CREATE")
    assert created.entity_type == "DOSSIER" and created.actor == "admin-1"
    [event] = api.events("dossier.created")
    assert event["payload"]["id"] == body["id"] and event["payload"]["version"] == 1
    [first] = api.history(body["id"])
    assert (first.from_status, first.to_status, first.transition_code) == (None, "CRM_NEW", "CREATE")


def test_create_takes_case_type_and_source_from_the_dictionaries(api):
    body = api.dossier(caseType="CRM_PROJECT_RENOVATION", source="LEAD_SOURCE_REFERRAL")
    assert (body["caseType"], body["status"], body["source"]) == ("CRM_PROJECT_RENOVATION", "CRM_IDEA",
                                                                  "LEAD_SOURCE_REFERRAL")


def test_invalid_input_is_refused_per_field_and_stores_nothing(api):
    res = api.call("POST", "/api/v1/dossiers", json={
        "phone": "12", "source": "LEAD_SOURCE_PIGEON", "caseType": "CRM_ALIEN", "score": 101})
    assert res.status_code == 400 and res.json["code"] == "VALIDATION_ERROR"
    assert set(res.json["details"]) == {"score"}  # the schema answers first
    res = api.call("POST", "/api/v1/dossiers", json={"phone": "12", "source": "LEAD_SOURCE_PIGEON",
                                                     "caseType": "CRM_ALIEN"})
    assert res.status_code == 400 and set(res.json["details"]) == {"phone", "source", "caseType"}
    assert "LEAD_SOURCE_PORTAL" in res.json["details"]["source"][0]
    for body in ({"orgId": api.org}, {"status": "CRM_CLOSED_WON"}, {"budgetMin": 10, "budgetMax": 5},
                 {"caseType": "COOP_GROUP"}):
        assert api.call("POST", "/api/v1/dossiers", json=body).status_code == 400, body
    assert api.call("GET", "/api/v1/dossiers").json["total"] == 0
    assert api.events() == [] and api.audit() == []


def test_update_changes_fields_bumps_the_version_and_publishes(api):
    dossier = api.dossier(phone="0612345678")
    url = f"/api/v1/dossiers/{dossier['id']}"
    res = api.call("PUT", url, json={"score": 80, "scoreReason": "budget validé", "phone": "+212 700 112233",
                                     "payload": {"needs": ["3 chambres"]}})
    assert res.status_code == 200, res.json
    body = res.json
    assert body["score"] == 80 and body["phone"] == "+212700112233" and body["version"] == 2
    assert body["payload"] == {"needs": ["3 chambres"]} and body["contactName"] == "Samir Alaoui"
    [update] = api.audit(dossier["id"], "UPDATE")
    assert update.diff["before"]["score"] is None and update.diff["after"]["score"] == 80
    assert [e["payload"]["version"] for e in api.events("dossier.updated")] == [2]
    again = api.call("PUT", url, json={"score": 80})
    assert again.json["version"] == 2 and len(api.events("dossier.updated")) == 1


def test_update_refuses_status_and_bad_values_without_changing_anything(api):
    dossier = api.dossier()
    url = f"/api/v1/dossiers/{dossier['id']}"
    res = api.call("PUT", url, json={"status": "CRM_CLOSED_WON"})
    assert res.status_code == 400 and "PATCH" in res.json["details"]["status"][0]
    assert api.call("PUT", url, json={"budgetMin": 900}).status_code == 200
    res = api.call("PUT", url, json={"budgetMax": 100, "source": "NOPE_NOPE"})
    assert res.status_code == 400 and set(res.json["details"]) == {"budgetMax", "source"}
    assert api.call("GET", url).json["version"] == 2


def test_if_match_protects_against_lost_updates(api):
    dossier = api.dossier()
    url = f"/api/v1/dossiers/{dossier['id']}"
    etag = api.call("GET", url).headers["ETag"]
    assert api.call("PUT", url, json={"score": 10}, headers={**api.admin, "If-Match": etag}).status_code == 200
    stale = api.call("PUT", url, json={"score": 20}, headers={**api.admin, "If-Match": etag})
    assert stale.status_code == 412 and stale.json["code"] == "PRECONDITION_FAILED"
    moved = api.move(dossier["id"], "CRM_CONTACTED", headers={**api.admin, "If-Match": etag})
    assert moved.status_code == 412
    assert api.call("GET", url).json["score"] == 10


def test_assignment_is_for_managers_audited_and_published(api):
    dossier = api.dossier()
    url = f"/api/v1/dossiers/{dossier['id']}"
    res = api.call("PUT", url, json={"assignedTo": "agent-7"}, headers=api.manager)
    assert res.status_code == 200 and res.json["assignedTo"] == "agent-7"
    [assigned] = api.audit(dossier["id"], "DOSSIER_ASSIGNED")
    assert assigned.diff == {"before": {"assignedTo": None}, "after": {"assignedTo": "agent-7"}}
    [event] = api.events("dossier.assigned")
    assert event["payload"]["assignedTo"] == "agent-7" and event["payload"]["previousAssignedTo"] is None
    assert api.events("dossier.updated") == []
    agent = api.as_("AGENT", "agent-7")
    res = api.call("PUT", url, json={"assignedTo": "agent-8"}, headers=agent)
    assert res.status_code == 403 and res.json["code"] == "FORBIDDEN"
    assert api.call("GET", url).json["assignedTo"] == "agent-7"


def test_list_filters_paginates_and_sorts(api):
    api.dossier(contactName="Amine", phone="0612000001", source="LEAD_SOURCE_PHONE", annonceId=LISTING)
    api.dossier(contactName="Bouchra", phone="0612000002", caseType="CRM_LEAD_RENT", email="b@x.ma")
    third = api.dossier(contactName="Chafik", phone="0612000003", assignedTo="agent-1")
    api.move(third["id"], "CRM_CONTACTED")

    def total(qs):
        res = api.call("GET", f"/api/v1/dossiers?{qs}")
        assert res.status_code == 200, res.json
        return res.json["total"]
    assert total("") == 3
    assert total("status=CRM_CONTACTED") == 1 and total("caseType=CRM_LEAD_RENT") == 1
    assert total("source=LEAD_SOURCE_PHONE") == 1 and total(f"annonceId={LISTING}") == 1
    assert total("assignedTo=agent-1") == 1 and total("phone=%2B212612000002") == 1
    assert total("phone=06 12 00 00 02") == 1 and total("q=bouch") == 1 and total("q=b@x") == 1
    assert total("createdFrom=2000-01-01T00:00:00Z") == 3 and total("createdTo=2000-01-01T00:00:00") == 0
    page = api.call("GET", "/api/v1/dossiers?sort=contactName&size=1&page=2").json
    assert page["items"][0]["contactName"] == "Bouchra" and (page["page"], page["size"]) == (2, 1)
    assert (page["total"], page["totalExact"]) == (3, True)  # estimated only beyond 1,000 matches
    # The list answers the service layer's views as built: exactly what its documented schema dumps.
    everything = api.call("GET", "/api/v1/dossiers").json
    assert page_of(DossierSchema)().dump(everything) == everything
    bad = api.call("GET", "/api/v1/dossiers?sort=secret")
    assert bad.status_code == 400 and "sort" in bad.json["details"]
    assert api.call("GET", "/api/v1/dossiers?phone=12").status_code == 400


def test_another_tenant_gets_404_everywhere_and_sees_nothing(api, other_org):
    dossier = api.dossier()
    b, url = other_org.admin, f"/api/v1/dossiers/{dossier['id']}"
    for method, path, body in (("GET", url, None), ("PUT", url, {"score": 1}),
                               ("PATCH", f"{url}/status", {"status": "CRM_CONTACTED"}),
                               ("GET", f"{url}/status-history", None),
                               ("GET", f"{url}/available-transitions", None)):
        res = api.call(method, path, b, json=body)
        assert res.status_code == 404 and res.json["code"] == "CASE_NOT_FOUND", (method, path)
    assert api.call("GET", "/api/v1/dossiers", b).json["total"] == 0
    assert api.call("GET", "/api/v1/dossiers/not-a-uuid").json["code"] == "CASE_NOT_FOUND"


def test_a_token_for_another_org_is_refused(api, other_org):
    headers = auth_headers(api.org, "ADMIN_ORG", token_orgs=[other_org.org])
    assert api.call("GET", "/api/v1/dossiers", headers).status_code == 403
