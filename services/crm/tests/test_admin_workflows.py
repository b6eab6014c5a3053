"""The workflow admin API: a PUT is validated as a whole, versioned, scoped to the tenant, can be tried
as a dry run, and reports the dossiers left in states it drops (which can still leave them)."""

import copy

import pytest

BASE = "/api/v1/admin/workflows"


def in_force(api, case_type, headers=None):
    res = api.call("GET", BASE, headers, query_string={"caseType": case_type})
    assert res.status_code == 200, res.json
    [item] = res.json["items"]
    return item


def rent_without_triage(api):
    """The rental lead template without CRM_TRIAGED: NEW goes straight to CONTACTED."""
    d = copy.deepcopy(in_force(api, "CRM_LEAD_RENT")["definition"])
    d["states"] = [s for s in d["states"] if s["code"] != "CRM_TRIAGED"]
    d["transitions"] = [t for t in d["transitions"] if "CRM_TRIAGED" not in (t["from"], t["to"])]
    d["transitions"].append({"from": "CRM_NEW", "to": "CRM_CONTACTED"})
    return {k: d[k] for k in ("states", "transitions", "reopenRoles")}


def put(api, case_type, body, headers=None, dry_run=False):
    return api.call("PUT", f"{BASE}/{case_type}", headers, json=body,
                    query_string={"dryRun": "true"} if dry_run else None)


def test_every_case_type_has_a_global_definition_in_force(api):
    res = api.call("GET", BASE, api.manager)
    assert res.status_code == 200
    by_type = {i["caseType"]: i for i in res.json["items"]}
    assert {"CRM_LEAD_RENT", "CRM_LEAD_B2B_DEMO", "COOP_GROUP"} <= set(by_type)
    assert all(i["origin"] == "GLOBAL" and i["version"] == 1 for i in by_type.values())
    assert api.call("GET", BASE, api.as_("AGENT")).status_code == 403
    assert api.call("GET", BASE, query_string={"caseType": "CRM_NOPE"}).json["code"] == "WORKFLOW_NOT_FOUND"


@pytest.mark.parametrize("breakage, path, problem", [
    (lambda d: d["states"].append({"code": "CRM_DREAMING"}), "states[", "UNKNOWN_STATUS"),
    (lambda d: d["transitions"].append({"from": "CRM_CLOSED_WON", "to": "CRM_NEW"}), "transitions[",
     "TERMINAL_HAS_OUTGOING"),
    (lambda d: d["states"].append({"code": "CRM_PAUSED"}), "states[", "UNREACHABLE_STATE"),
    (lambda d: d["transitions"].append({"from": "CRM_NEW", "to": "CRM_ARCHIVED"}), "transitions[",
     "UNDECLARED_STATE"),
    (lambda d: d["states"][1].update(initial=True), "states", "SEVERAL_INITIAL_STATES"),
    (lambda d: d["transitions"].append({"from": "CRM_NEW", "to": "CRM_QUALIFIED", "requiredRole": "BOSS"}),
     "transitions[", "UNKNOWN_ROLE"),
    (lambda d: d["transitions"].append({"from": "CRM_NEW", "to": "CRM_QUALIFIED", "reasonType": "MOOD"}),
     "transitions[", "UNKNOWN_REASON_TYPE"),
])
def test_an_invalid_definition_is_refused_precisely_and_changes_nothing(api, breakage, path, problem):
    body = rent_without_triage(api)
    breakage(body)
    res = put(api, "CRM_LEAD_RENT", body)
    assert res.status_code == 400 and res.json["code"] == "VALIDATION_ERROR", res.json
    assert any(key.startswith(path) and any(problem in m for m in messages)
               for key, messages in res.json["details"].items()), res.json["details"]
    assert in_force(api, "CRM_LEAD_RENT")["version"] == 1
    assert api.events("workflow.changed") == []


def test_a_coop_workflow_may_only_use_coop_statuses(api):
    body = copy.deepcopy(in_force(api, "COOP_GROUP")["definition"])
    body["states"].append({"code": "CRM_ON_HOLD"})
    body["transitions"].append({"from": body["states"][0]["code"], "to": "CRM_ON_HOLD"})
    body["transitions"].append({"from": "CRM_ON_HOLD", "to": body["states"][0]["code"]})
    res = put(api, "COOP_GROUP", {k: body[k] for k in ("states", "transitions")})
    assert res.status_code == 400
    assert any("FOREIGN_STATUS" in m for messages in res.json["details"].values() for m in messages)


def test_only_an_admin_changes_a_workflow(api):
    assert put(api, "CRM_LEAD_RENT", rent_without_triage(api), api.manager).status_code == 403


def test_a_dry_run_shows_the_diff_and_saves_nothing(api):
    res = put(api, "CRM_LEAD_RENT", rent_without_triage(api), dry_run=True)
    assert res.status_code == 200, res.json
    body = res.json
    assert body["dryRun"] and not body["saved"] and body["version"] == 2 and body["previousVersion"] == 1
    assert body["diff"]["statesRemoved"] == ["CRM_TRIAGED"] and body["diff"]["statesAdded"] == []
    assert {"from": "CRM_NEW", "to": "CRM_CONTACTED"}.items() <= body["diff"]["transitionsAdded"][0].items()
    removed = {(t["from"], t["to"]) for t in body["diff"]["transitionsRemoved"]}
    assert ("CRM_NEW", "CRM_TRIAGED") in removed and ("CRM_TRIAGED", "CRM_CONTACTED") in removed
    assert in_force(api, "CRM_LEAD_RENT")["version"] == 1 and api.events("workflow.changed") == []


def test_a_new_version_applies_to_this_tenant_only_and_is_published(api, other_org):
    res = put(api, "CRM_LEAD_RENT", {**rent_without_triage(api), "comment": "pas de tri"})
    assert res.status_code == 200 and res.json["saved"] and res.json["version"] == 2
    current = in_force(api, "CRM_LEAD_RENT")
    assert current["origin"] == "TENANT" and current["comment"] == "pas de tri"
    assert [v["version"] for v in current["versions"]] == [2, 1]
    [event] = api.events("workflow.changed")
    assert event["payload"]["version"] == 2 and event["payload"]["orgId"] == api.org
    assert api.audit(res.json["id"], "WORKFLOW_CHANGED")

    mine = api.dossier(caseType="CRM_LEAD_RENT")
    assert api.move(mine["id"], "CRM_CONTACTED").status_code == 200
    theirs = other_org.dossier(headers=other_org.admin, caseType="CRM_LEAD_RENT")
    refused = other_org.move(theirs["id"], "CRM_CONTACTED", headers=other_org.admin)
    assert refused.status_code == 409 and refused.json["code"] == "TRANSITION_NOT_ALLOWED"
    assert in_force(other_org, "CRM_LEAD_RENT", other_org.admin)["version"] == 1


def test_dossiers_in_a_dropped_state_are_reported_and_can_still_leave_it(api):
    stranded = api.dossier(caseType="CRM_LEAD_RENT", assignedTo="agent-1")
    assert api.move(stranded["id"], "CRM_TRIAGED").status_code == 200
    res = put(api, "CRM_LEAD_RENT", rent_without_triage(api))
    [dropped] = res.json["droppedStates"]
    assert dropped == {"status": "CRM_TRIAGED", "openDossiers": 1, "dossierIds": [stranded["id"]],
                       "exits": ["CRM_CONTACTED", "CRM_CLOSED_LOST"]}
    options = api.call("GET", f"/api/v1/dossiers/{stranded['id']}/available-transitions",
                       api.as_("AGENT")).json
    assert options["status"] == "CRM_TRIAGED"
    assert {t["to"] for t in options["transitions"]} == {"CRM_CONTACTED", "CRM_CLOSED_LOST"}
    res = api.move(stranded["id"], "CRM_CONTACTED", headers=api.as_("AGENT"))
    assert res.status_code == 200 and res.json["workflowVersion"] == 2
    assert api.move(stranded["id"], "CRM_TRIAGED").status_code == 409  # no way back into it


def test_a_disabled_status_cannot_be_used_by_a_new_version(api):
    res = api.call("DELETE", "/api/v1/admin/reference-data/CASE_STATUS/CRM_REASSIGNED")
    assert res.json["action"] == "DISABLED"
    body = rent_without_triage(api)
    body["states"].append({"code": "CRM_REASSIGNED"})
    body["transitions"] += [{"from": "CRM_NEW", "to": "CRM_REASSIGNED"},
                            {"from": "CRM_REASSIGNED", "to": "CRM_CONTACTED"}]
    res = put(api, "CRM_LEAD_RENT", body)
    assert res.status_code == 400 and "UNKNOWN_STATUS" in str(res.json["details"])
    assert api.call("PUT", "/api/v1/admin/reference-data/CASE_STATUS/CRM_REASSIGNED",
                    json={"isActive": True}).status_code == 200
    assert put(api, "CRM_LEAD_RENT", body).status_code == 200


def test_only_configurable_coop_lifecycles_can_be_replaced(api):
    group = in_force(api, "COOP_GROUP")
    assert group["origin"] == "GLOBAL" and group["definition"]["states"][0]["code"] == "COOP_GROUP_FORMATION"
    body = {k: group["definition"][k] for k in ("states", "transitions", "reopenRoles")}
    body["transitions"] = [t for t in body["transitions"] if t["to"] != "COOP_GROUP_ON_HOLD"
                           and t["from"] != "COOP_GROUP_ON_HOLD"]
    body["states"] = [s for s in body["states"] if s["code"] != "COOP_GROUP_ON_HOLD"]
    res = put(api, "COOP_GROUP", body)
    assert res.status_code == 200 and res.json["version"] == 2 and res.json["droppedStates"] == []
    [event] = api.events("workflow.changed")
    assert event["payload"]["caseType"] == "COOP_GROUP" and event["payload"]["definition"] == res.json["definition"]
    fixed = put(api, "COOP_ALLOCATION", body)
    assert fixed.status_code == 400 and "fixed rules" in fixed.json["details"]["caseType"][0]
    project_status = {**body, "states": [*body["states"], {"code": "COOP_PROJECT_BUILDING"}]}
    res = put(api, "COOP_GROUP", project_status)
    assert res.status_code == 400 and "FOREIGN_STATUS" in str(res.json["details"])
    coop_dossier = api.call("POST", "/api/v1/dossiers", json={"contactName": "X", "caseType": "COOP_GROUP"})
    assert coop_dossier.status_code == 400 and "coop module" in coop_dossier.json["details"]["caseType"][0]
