"""The default permission matrix (domain.md section 2), enforced in the service layer."""

import pytest

from atlas_crm.insights_testing import Consumers, listing
from atlas_shared.testing import auth_headers

READERS = ["ADMIN_ORG", "MANAGER"]
DENIED = ["MODERATOR", "SOMETHING_ELSE"]


@pytest.fixture
def setup(api, when):
    mine = api.dossier(contactName="Mine", phone="0611111111", assignedTo="agent-1")
    theirs = api.dossier(contactName="Theirs", phone="0622222222", assignedTo="agent-2")
    api.call("POST", "/api/v1/activities", json={"dossierId": theirs["id"], "type": "ACT_NOTE", "content": "n"})
    return mine, theirs


def endpoints(dossier_id):
    url = f"/api/v1/dossiers/{dossier_id}"
    return [("GET", url, None), ("PUT", url, {"score": 5}), ("GET", f"{url}/status-history", None),
            ("GET", f"{url}/available-transitions", None),
            ("PATCH", f"{url}/status", {"status": "CRM_CONTACTED"}),
            ("GET", f"/api/v1/activities?dossierId={dossier_id}", None),
            ("GET", f"/api/v1/messages?dossierId={dossier_id}", None),
            ("GET", f"/api/v1/appointments?dossierId={dossier_id}", None),
            ("GET", f"/api/v1/parties-prenantes?dossierId={dossier_id}", None),
            ("GET", f"/api/v1/consentements?dossierId={dossier_id}", None),
            ("POST", "/api/v1/activities", {"dossierId": dossier_id, "type": "ACT_NOTE", "content": "x"}),
            ("POST", "/api/v1/parties-prenantes", {"dossierId": dossier_id, "role": "OTHER", "fullName": "X"}),
            ("POST", "/api/v1/messages", {"dossierId": dossier_id, "direction": "INBOUND", "channel": "SMS",
                                          "content": "x"}),
            ("POST", "/api/v1/appointments", {"dossierId": dossier_id, "type": "APPOINT_CALL",
                                              "startsAt": "2030-01-02T10:00:00Z"}),
            ("POST", "/api/v1/consentements", {"dossierId": dossier_id, "channel": "SMS",
                                               "type": "CONSENT_CONTACT", "status": "DENIED"})]


@pytest.mark.parametrize("role", READERS)
def test_admins_and_managers_work_on_every_dossier(api, setup, role):
    headers = api.as_(role)
    assert api.call("GET", "/api/v1/dossiers", headers).json["total"] == 2
    for method, path, body in endpoints(setup[1]["id"]):
        res = api.call(method, path, headers, json=body)
        assert res.status_code in (200, 201), (role, method, path, res.json)


def test_an_agent_works_on_their_dossiers_and_never_sees_the_others(api, setup):
    mine, theirs = setup
    agent = api.as_("AGENT", "agent-1")
    listed = api.call("GET", "/api/v1/dossiers", agent).json
    assert [d["id"] for d in listed["items"]] == [mine["id"]]
    for method, path, body in endpoints(mine["id"]):
        assert api.call(method, path, agent, json=body).status_code in (200, 201), (method, path)
    for method, path, body in endpoints(theirs["id"]):
        res = api.call(method, path, agent, json=body)
        assert res.status_code == 404 and res.json["code"] == "CASE_NOT_FOUND", (method, path)
    note = api.call("GET", f"/api/v1/activities?dossierId={theirs['id']}").json["items"][0]
    res = api.call("PUT", f"/api/v1/activities/{note['id']}", agent, json={"content": "hijack"})
    assert res.status_code == 404


def test_an_agent_cannot_assign(api, setup):
    mine, _ = setup
    agent = api.as_("AGENT", "agent-1")
    res = api.call("PUT", f"/api/v1/dossiers/{mine['id']}", agent, json={"assignedTo": "agent-2"})
    assert res.status_code == 403
    res = api.call("POST", "/api/v1/dossiers", agent, json={"contactName": "X", "assignedTo": "agent-2"})
    assert res.status_code == 403
    created = api.call("POST", "/api/v1/dossiers", agent, json={"contactName": "Walk-in"})
    assert created.status_code == 201 and created.json["assignedTo"] == "agent-1"


@pytest.mark.parametrize("role", DENIED)
def test_roles_without_crm_access_get_403_everywhere(api, setup, role):
    headers = api.as_(role)
    assert api.call("GET", "/api/v1/dossiers", headers).status_code == 403
    assert api.call("POST", "/api/v1/dossiers", headers, json={"contactName": "x"}).status_code == 403
    for method, path, body in endpoints(setup[0]["id"]):
        res = api.call(method, path, headers, json=body)
        assert res.status_code == 403 and res.json["code"] == "FORBIDDEN", (role, method, path)


def test_no_role_at_all_is_403_and_org_settings_are_for_admins(api):
    none = auth_headers(api.org, [], user_id="nobody")
    assert api.call("GET", "/api/v1/dossiers", none).status_code == 403
    for role in ("MANAGER", "AGENT"):
        assert api.call("GET", "/api/v1/admin/org-settings", api.as_(role)).status_code == 403
        assert api.call("PUT", "/api/v1/admin/org-settings", api.as_(role),
                        json={"dedupePolicy": "OFF"}).status_code == 403


@pytest.fixture
def owned(api, container):
    """A listing of owner-1 (as the CRM learns it from listing events), with a dossier on it, and a
    dossier on someone else's listing."""
    consumers = Consumers(container)
    villa = listing(api.org, title="Villa Anfa", ownerUserId="owner-1")
    other = listing(api.org, title="Riad", ownerUserId="owner-2")
    for snap in (villa, other):
        consumers.event("listing.published", snap, api.org)
    on_villa = api.dossier(contactName="Samir El Alaoui", phone="0611111111", email="samir@example.ma",
                           annonceId=villa["id"], payload={"utm": "fb"})
    on_riad = api.dossier(contactName="Nadia", phone="0622222222", annonceId=other["id"])
    return on_villa, on_riad


def test_an_owner_reads_the_dossiers_on_their_listings_without_the_leads_contact(api, owned):
    on_villa, on_riad = owned
    owner = api.as_("OWNER", "owner-1")
    listed = api.call("GET", "/api/v1/dossiers", owner).json
    assert [d["id"] for d in listed["items"]] == [on_villa["id"]]
    seen = api.call("GET", f"/api/v1/dossiers/{on_villa['id']}", owner).json
    assert (seen["contactName"], seen["phone"], seen["email"], seen["payload"]) == ("S. E. A.", None, None, {})
    assert seen["contactMasked"] is True and seen["status"] == on_villa["status"]
    assert api.call("GET", f"/api/v1/dossiers/{on_villa['id']}/status-history", owner).status_code == 200
    res = api.call("GET", f"/api/v1/dossiers/{on_riad['id']}", owner)
    assert res.status_code == 404 and res.json["code"] == "CASE_NOT_FOUND"
    assert api.call("GET", "/api/v1/dossiers", owner, query_string={"phone": "0611111111"}).status_code == 403
    for method, path, body in endpoints(on_villa["id"]):
        if method == "GET" and (path.endswith(on_villa["id"]) or "status-history" in path
                                or path.startswith("/api/v1/appointments")):
            continue
        res = api.call(method, path, owner, json=body)
        assert res.status_code == 403 and res.json["code"] == "FORBIDDEN", (method, path)
    assert api.call("POST", "/api/v1/dossiers", owner, json={"contactName": "x"}).status_code == 403


def test_what_an_owner_sees_is_the_organisations_choice(api, owned):
    on_villa, _ = owned
    owner = api.as_("OWNER", "owner-1")
    assert api.call("PUT", "/api/v1/admin/org-settings", json={"ownerCaseAccess": "FULL"}).json[
        "ownerCaseAccess"] == "FULL"
    full = api.call("GET", f"/api/v1/dossiers/{on_villa['id']}", owner).json
    assert full["phone"] == "+212611111111" and "contactMasked" not in full
    api.call("PUT", "/api/v1/admin/org-settings", json={"ownerCaseAccess": "NONE"})
    for path in ("/api/v1/dossiers", f"/api/v1/dossiers/{on_villa['id']}"):
        res = api.call("GET", path, owner)
        assert res.status_code == 403 and res.json["code"] == "FORBIDDEN"
    bad = api.call("PUT", "/api/v1/admin/org-settings", json={"ownerCaseAccess": "SOME"})
    assert bad.status_code == 400 and "ownerCaseAccess" in bad.json["details"]


def test_an_owner_sees_the_visits_on_their_property_without_the_agencys_notes(api, owned, when):
    on_villa, on_riad = owned
    for dossier in (on_villa, on_riad):
        res = api.call("POST", "/api/v1/appointments", json={
            "dossierId": dossier["id"], "type": "APPOINT_VISIT", "startsAt": when(0), "location": "Sur place",
            "comment": "Client pressé, budget serré"})
        assert res.status_code == 201, res.json
    owner = api.as_("OWNER", "owner-1")
    [visit] = api.call("GET", f"/api/v1/appointments?dossierId={on_villa['id']}", owner).json["items"]
    assert (visit["type"], visit["startsAt"], visit["location"], visit["comment"]) == (
        "APPOINT_VISIT", when(0), "Sur place", None)
    assert api.call("GET", f"/api/v1/appointments?dossierId={on_riad['id']}", owner).status_code == 404
    api.call("PUT", "/api/v1/admin/org-settings", json={"ownerCaseAccess": "FULL"})
    [visit] = api.call("GET", f"/api/v1/appointments?dossierId={on_villa['id']}", owner).json["items"]
    assert visit["comment"] == "Client pressé, budget serré"
    api.call("PUT", "/api/v1/admin/org-settings", json={"ownerCaseAccess": "NONE"})
    assert api.call("GET", f"/api/v1/appointments?dossierId={on_villa['id']}", owner).status_code == 403
