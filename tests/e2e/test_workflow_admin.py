"""Configurable workflows and dictionaries through the gateway (issue: reference data and workflows per
tenant): an admin's override changes what that tenant may do, in the CRM and — through
``workflow.changed`` on the broker — in the coop service, and nothing for another tenant."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def group_without_on_hold(definition: dict[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy({k: definition[k] for k in ("states", "transitions", "reopenRoles")})
    body["states"] = [s for s in body["states"] if s["code"] != "COOP_GROUP_ON_HOLD"]
    body["transitions"] = [t for t in body["transitions"] if "COOP_GROUP_ON_HOLD" not in (t["from"], t["to"])]
    return body


def put_on_hold(api, org: str, group_id: str):
    return api.request("PATCH", f"/api/v1/coop/groups/{group_id}", org=org, roles="COOP_MANAGER",
                       json={"status": "COOP_GROUP_ON_HOLD", "comment": "pause"})


def test_a_coop_lifecycle_override_reaches_the_coop_service_for_that_tenant_only(api):
    api.require("crm", "coop")
    org, other = str(uuid.uuid4()), str(uuid.uuid4())
    current = api.get("/api/v1/admin/workflows", org=org, params={"caseType": "COOP_GROUP"}).json()
    [group_workflow] = current["items"]
    body = group_without_on_hold(group_workflow["definition"])

    tried = api.put("/api/v1/admin/workflows/COOP_GROUP", org=org, params={"dryRun": "true"}, json=body)
    assert tried.status_code == 200 and tried.json()["saved"] is False, tried.text[:500]
    assert tried.json()["diff"]["statesRemoved"] == ["COOP_GROUP_ON_HOLD"]
    api.assert_error(api.put("/api/v1/admin/workflows/COOP_GROUP", org=org, roles="MANAGER", json=body), 403,
                     "FORBIDDEN")
    saved = api.put("/api/v1/admin/workflows/COOP_GROUP", org=org, json={**body, "comment": "pas de pause"})
    assert saved.status_code == 200 and saved.json()["version"] == 2, saved.text[:500]

    groups = {}
    for tenant in (org, other):
        res = api.post("/api/v1/coop/groups", org=tenant, roles="COOP_MANAGER",
                       json={"name": "Coopérative Atlas", "city": "Rabat"})
        assert res.status_code == 201, res.text[:500]
        groups[tenant] = res.json()["id"]

    def targets(tenant: str) -> set[str]:
        res = api.get(f"/api/v1/coop/groups/{groups[tenant]}", org=tenant, roles="COOP_MANAGER")
        assert res.status_code == 200, res.text[:500]
        return {t["to"] for t in res.json()["availableTransitions"]}

    api.eventually(lambda: "COOP_GROUP_ON_HOLD" not in targets(org) or None,
                   "the coop service applying the tenant's COOP_GROUP version 2")
    api.assert_error(put_on_hold(api, org, groups[org]), 409, "TRANSITION_NOT_ALLOWED")
    assert "COOP_GROUP_ON_HOLD" in targets(other)
    assert put_on_hold(api, other, groups[other]).status_code == 200


def test_a_crm_override_and_a_tenant_dictionary_code_through_the_gateway(api):
    api.require("crm")
    org, other = str(uuid.uuid4()), str(uuid.uuid4())
    res = api.post("/api/v1/admin/reference-data/LEAD_SOURCE", org=org,
                   json={"code": "LEAD_SOURCE_SALON", "labels": {"fr": "Salon de l'immobilier"}})
    assert res.status_code == 201, res.text[:500]
    assert api.post("/api/v1/dossiers", org=org, json={"contactName": "Samir", "source": "LEAD_SOURCE_SALON"}
                    ).status_code == 201
    api.assert_error(api.post("/api/v1/dossiers", org=other,
                              json={"contactName": "Samir", "source": "LEAD_SOURCE_SALON"}), 400, "VALIDATION_ERROR")

    [buy] = api.get("/api/v1/admin/workflows", org=org, params={"caseType": "CRM_LEAD_BUY"}).json()["items"]
    body = {k: buy["definition"][k] for k in ("states", "transitions", "reopenRoles")}
    body["transitions"] = [*body["transitions"], {"from": "CRM_NEW", "to": "CRM_QUALIFIED", "code": "FAST_TRACK",
                                                  "requiredRole": "MANAGER"}]
    broken = {**body, "states": [*body["states"], {"code": "CRM_DREAMING"}]}
    error = api.assert_error(api.put("/api/v1/admin/workflows/CRM_LEAD_BUY", org=org, json=broken), 400,
                             "VALIDATION_ERROR")
    assert "UNKNOWN_STATUS" in str(error["details"])
    assert api.put("/api/v1/admin/workflows/CRM_LEAD_BUY", org=org, json=body).status_code == 200

    for tenant, expected in ((org, 200), (other, 409)):
        dossier = api.post("/api/v1/dossiers", org=tenant, json={"contactName": "Leila", "caseType": "CRM_LEAD_BUY"})
        assert dossier.status_code == 201, dossier.text[:500]
        moved = api.request("PATCH", f"/api/v1/dossiers/{dossier.json()['id']}/status", org=tenant, roles="MANAGER",
                            json={"transitionCode": "FAST_TRACK"})
        assert moved.status_code == expected, (tenant, moved.text[:500])
