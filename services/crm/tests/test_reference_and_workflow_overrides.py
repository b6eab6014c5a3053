"""Dictionaries and workflows are data: global defaults, which one organisation may override."""

import uuid

import pytest

from atlas_crm.adapters.orm import ReferenceEntry
from atlas_crm.domain.workflow_templates import build_definitions
from atlas_crm.service_layer.workflows import put_workflow
from atlas_shared.context import RequestContext
from atlas_shared.errors import Forbidden, ValidationFailed


def add_entry(container, org, dict_type, code, active=True):
    with container.platform.db.session(tenant_bypass=True) as s:
        s.add(ReferenceEntry(org_id=uuid.UUID(org), dict_type=dict_type, code=code, label_fr=code,
                             sort_order=5, is_active=active, meta={}))
        s.commit()


def ctx(api, role="ADMIN_ORG"):
    return RequestContext(org_id=api.org, user_id="admin-1", roles=frozenset({role}))


def test_a_tenant_can_disable_a_global_code_or_add_its_own(api, other_org, container):
    add_entry(container, api.org, "LEAD_SOURCE", "LEAD_SOURCE_WALK_IN", active=False)
    add_entry(container, api.org, "LEAD_SOURCE", "LEAD_SOURCE_SALON_IMMO")
    refused = api.call("POST", "/api/v1/dossiers", json={"source": "LEAD_SOURCE_WALK_IN"})
    assert refused.status_code == 400 and "LEAD_SOURCE_SALON_IMMO" in refused.json["details"]["source"][0]
    assert api.dossier(source="LEAD_SOURCE_SALON_IMMO")["source"] == "LEAD_SOURCE_SALON_IMMO"
    assert other_org.dossier(headers=other_org.admin, source="LEAD_SOURCE_WALK_IN")["source"] == \
        "LEAD_SOURCE_WALK_IN"
    assert api.call("POST", "/api/v1/dossiers", other_org.admin,
                    json={"source": "LEAD_SOURCE_SALON_IMMO"}).status_code == 400


def test_a_disabled_loss_reason_is_no_longer_accepted(api, container):
    add_entry(container, api.org, "LOSS_REASON", "FRAUD_RISK", active=False)
    dossier = api.dossier()
    res = api.move(dossier["id"], "CRM_CLOSED_LOST", lossReason="FRAUD_RISK")
    assert res.status_code == 400 and "FRAUD_RISK" not in res.json["details"]["lossReason"][0].split(": ")[1]


def short_buy_workflow():
    d = build_definitions()["CRM_LEAD_BUY"].to_dict()
    d["states"] = [s for s in d["states"] if s["code"] in {"CRM_NEW", "CRM_QUALIFIED", "CRM_CLOSED_WON",
                                                            "CRM_CLOSED_LOST"}]
    d["transitions"] = [{"from": "CRM_NEW", "to": "CRM_QUALIFIED"},
                        {"from": "CRM_QUALIFIED", "to": "CRM_CLOSED_WON", "reasonType": "WON_REASON"},
                        {"from": "CRM_NEW", "to": "CRM_CLOSED_LOST", "reasonType": "LOSS_REASON"},
                        {"from": "CRM_QUALIFIED", "to": "CRM_CLOSED_LOST", "reasonType": "LOSS_REASON",
                         "roles": ["MANAGER"]}]
    return d


def test_a_tenant_override_is_a_new_version_used_by_that_tenant_only(api, other_org, container):
    stored = put_workflow(container.platform.uow(ctx(api)), "CRM_LEAD_BUY", short_buy_workflow(), comment="plus court")
    assert stored["version"] == 2
    [event] = api.events("workflow.changed")
    assert event["payload"]["caseType"] == "CRM_LEAD_BUY" and event["payload"]["orgId"] == api.org
    assert api.audit(stored["id"], "WORKFLOW_CHANGED")
    mine = api.dossier(caseType="CRM_LEAD_BUY", assignedTo="agent-1")
    assert mine["workflowVersion"] == 2
    assert api.move(mine["id"], "CRM_QUALIFIED").status_code == 200  # skips CONTACTED
    options = api.call("GET", f"/api/v1/dossiers/{mine['id']}/available-transitions",
                       api.as_("AGENT")).json["transitions"]
    assert [t["to"] for t in options] == ["CRM_CLOSED_WON"]  # losing from QUALIFIED is for managers here
    theirs = other_org.dossier(headers=other_org.admin, caseType="CRM_LEAD_BUY")
    assert theirs["workflowVersion"] == 1
    assert api.move(theirs["id"], "CRM_QUALIFIED", headers=other_org.admin).status_code == 409
    again = put_workflow(container.platform.uow(ctx(api)), "CRM_LEAD_BUY", short_buy_workflow())
    assert again["version"] == 3


def test_an_invalid_override_is_refused_with_every_problem(api, container):
    broken = short_buy_workflow()
    broken["states"].append({"code": "CRM_PAUSED"})
    broken["transitions"].append({"from": "CRM_CLOSED_WON", "to": "CRM_NEW"})
    broken["transitions"].append({"from": "CRM_NEW", "to": "CRM_DREAMING"})
    with pytest.raises(ValidationFailed) as err:
        put_workflow(container.platform.uow(ctx(api)), "CRM_LEAD_BUY", broken)
    problems = " ".join(m for messages in err.value.details.values() for m in messages)
    for code in ("UNREACHABLE_STATE", "DEAD_END", "TERMINAL_HAS_OUTGOING", "UNDECLARED_STATE"):
        assert code in problems
    with pytest.raises(Forbidden):
        put_workflow(container.platform.uow(ctx(api, "MANAGER")), "CRM_LEAD_BUY", short_buy_workflow())
    assert api.dossier(caseType="CRM_LEAD_BUY")["workflowVersion"] == 1
