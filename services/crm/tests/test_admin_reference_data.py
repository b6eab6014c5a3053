"""The reference-data admin API: a tenant adapts the dictionaries without touching another tenant's,
codes are checked, used codes are disabled rather than deleted, and every change is audited and
published."""

import pytest

BASE = "/api/v1/admin/reference-data"


def entries(api, dict_type, headers=None, **query):
    res = api.call("GET", f"{BASE}/{dict_type}", headers, query_string=query)
    assert res.status_code == 200, res.json
    return {e["code"]: e for e in res.json["items"]}


def add(api, dict_type, code, headers=None, **body):
    return api.call("POST", f"{BASE}/{dict_type}", headers,
                    json={"code": code, "labels": {"fr": f"Libellé {code}"}, **body})


def test_every_dictionary_is_listed_and_readable_by_the_team(api):
    res = api.call("GET", BASE, api.as_("AGENT"))
    assert res.status_code == 200
    listed = {d["dictType"]: d for d in res.json}
    for dict_type in ("CASE_TYPE", "CASE_STATUS", "LOSS_REASON", "WON_REASON", "LEAD_SOURCE", "APPOINT_TYPE",
                      "APPOINT_STATUS", "ACTIVITY_TYPE", "CHANNEL_TYPE", "CONSENT_TYPE", "CONSENT_SOURCE",
                      "ANN_STATUS", "TX_TYPE", "REPORT_REASON", "REPORT_STATUS", "DOC_TYPE", "PAY_METHOD",
                      "NEED_TYPE", "PLAN_TYPE", "B2B_LOST_REASON"):
        assert listed[dict_type]["active"] > 0, dict_type
    assert listed["ANN_STATUS"]["closed"] and not listed["LEAD_SOURCE"]["closed"]
    sources = entries(api, "LEAD_SOURCE", api.as_("AGENT"))
    assert sources["LEAD_SOURCE_PORTAL"]["origin"] == "GLOBAL" and sources["LEAD_SOURCE_PORTAL"]["locked"]
    assert sources["LEAD_SOURCE_PORTAL"]["labels"] == {"fr": "Portail", "ar": "البوابة", "en": "Portal"}
    assert api.call("GET", f"{BASE}/LEAD_SOURCE", api.as_("MODERATOR")).status_code == 200
    assert api.call("GET", f"{BASE}/NOPE").json["code"] == "DICTIONARY_NOT_FOUND"


def test_a_tenant_addition_is_validated_usable_and_invisible_to_others(api, other_org):
    assert add(api, "LEAD_SOURCE", "LEAD_SOURCE_SALON", api.as_("MANAGER")).status_code == 403
    bad = {("LEAD_SOURCE", "lead_source_salon"): "UPPER_SNAKE", ("LEAD_SOURCE", "LEAD_SOURCE__X"): "UPPER_SNAKE",
           ("LEAD_SOURCE", "SALON_IMMO"): "LEAD_SOURCE_", ("CASE_TYPE", "COOP_VILLAGE"): "CRM_",
           ("CASE_STATUS", "COOP_GROUP_PAUSED"): "CRM_ or B2B_"}
    for (dict_type, code), hint in bad.items():
        res = add(api, dict_type, code)
        assert res.status_code == 400 and hint in res.json["details"]["code"][0], (code, res.json)
    no_label = api.call("POST", f"{BASE}/LEAD_SOURCE", json={"code": "LEAD_SOURCE_SALON", "labels": {}})
    assert no_label.status_code == 400 and "labels" in no_label.json["details"]
    closed = add(api, "ANN_STATUS", "ANN_RESERVED")
    assert closed.status_code == 409 and closed.json["code"] == "REFERENCE_LOCKED"
    elsewhere = add(api, "PAY_METHOD", "PAY_METHOD_MOBILE")
    assert elsewhere.status_code == 409 and "coop service" in elsewhere.json["message"]
    twin = add(api, "LEAD_SOURCE", "LEAD_SOURCE_PORTAL")
    assert twin.status_code == 409 and twin.json["code"] == "REFERENCE_EXISTS"
    assert api.events("reference_data.changed") == []

    res = add(api, "LEAD_SOURCE", "LEAD_SOURCE_SALON", labels={"fr": "Salon de l'immobilier", "en": "Fair"},
              sortOrder=15, metadata={"campaign": "2026"})
    assert res.status_code == 201, res.json
    assert res.json["origin"] == "TENANT" and res.json["metadata"] == {"campaign": "2026"}
    assert add(api, "LEAD_SOURCE", "LEAD_SOURCE_SALON").json["code"] == "REFERENCE_EXISTS"
    assert list(entries(api, "LEAD_SOURCE"))[:2] == ["LEAD_SOURCE_PORTAL", "LEAD_SOURCE_SALON"]
    assert api.dossier(source="LEAD_SOURCE_SALON")["source"] == "LEAD_SOURCE_SALON"

    assert "LEAD_SOURCE_SALON" not in entries(other_org, "LEAD_SOURCE", other_org.admin)
    refused = other_org.call("POST", "/api/v1/dossiers", other_org.admin,
                             json={"contactName": "X", "source": "LEAD_SOURCE_SALON"})
    assert refused.status_code == 400 and "source" in refused.json["details"]
    [event] = api.events("reference_data.changed")
    assert event["payload"]["action"] == "CREATED" and event["payload"]["orgId"] == api.org
    assert event["payload"]["entry"]["code"] == "LEAD_SOURCE_SALON"
    assert api.audit("LEAD_SOURCE:LEAD_SOURCE_SALON", "REFERENCE_CREATED")


def test_overriding_a_global_code_changes_it_for_this_tenant_only(api, other_org):
    res = api.call("PUT", f"{BASE}/LOSS_REASON/COMPETITOR", json={"labels": {"fr": "Parti chez un concurrent"},
                                                                    "sortOrder": 1})
    assert res.status_code == 200 and res.json["origin"] == "OVERRIDE"
    assert res.json["labels"]["fr"] == "Parti chez un concurrent" and res.json["labels"]["en"] == "Went to a competitor"
    assert list(entries(api, "LOSS_REASON"))[0] == "COMPETITOR"
    assert entries(other_org, "LOSS_REASON", other_org.admin)["COMPETITOR"]["labels"]["fr"] != \
        "Parti chez un concurrent"

    res = api.call("PUT", f"{BASE}/LOSS_REASON/COMPETITOR", json={"isActive": False})
    assert res.status_code == 200 and res.json["isActive"] is False
    dossier = api.dossier()
    lost = api.move(dossier["id"], "CRM_CLOSED_LOST", lossReason="COMPETITOR")
    assert lost.status_code == 400 and "lossReason" in lost.json["details"]
    assert other_org.move(other_org.dossier(headers=other_org.admin)["id"], "CRM_CLOSED_LOST",
                          headers=other_org.admin, lossReason="COMPETITOR").status_code == 200
    assert api.call("PUT", f"{BASE}/LOSS_REASON/COMPETITOR", json={"isActive": True}).json["isActive"]
    assert api.move(dossier["id"], "CRM_CLOSED_LOST", lossReason="COMPETITOR").status_code == 200
    actions = [e["payload"]["action"] for e in api.events("reference_data.changed")]
    assert actions == ["UPDATED", "UPDATED", "UPDATED"]
    [first, *_] = api.audit("LOSS_REASON:COMPETITOR", "REFERENCE_UPDATED")
    assert "label_fr" in str(first.diff) or "labels" in str(first.diff)


def test_a_tenant_reason_is_accepted_where_the_crm_checks_reasons(api):
    assert add(api, "LOSS_REASON", "BUDGET_CUT").status_code == 201
    dossier = api.dossier()
    res = api.move(dossier["id"], "CRM_CLOSED_LOST", lossReason="BUDGET_CUT")
    assert res.status_code == 200 and res.json["lossReason"] == "BUDGET_CUT"


def test_delete_removes_only_an_unused_addition_and_disables_anything_else(api):
    add(api, "LEAD_SOURCE", "LEAD_SOURCE_FLYER")
    res = api.call("DELETE", f"{BASE}/LEAD_SOURCE/LEAD_SOURCE_FLYER")
    assert res.status_code == 200 and res.json["action"] == "DELETED"
    assert "LEAD_SOURCE_FLYER" not in entries(api, "LEAD_SOURCE")
    assert api.call("GET", f"{BASE}/LEAD_SOURCE/LEAD_SOURCE_FLYER").json["code"] == "REFERENCE_NOT_FOUND"

    add(api, "LEAD_SOURCE", "LEAD_SOURCE_SALON")
    used = api.dossier(source="LEAD_SOURCE_SALON")
    assert api.call("GET", f"{BASE}/LEAD_SOURCE/LEAD_SOURCE_SALON").json["usage"] == {"dossiers": 1}
    res = api.call("DELETE", f"{BASE}/LEAD_SOURCE/LEAD_SOURCE_SALON")
    assert res.status_code == 200 and res.json["action"] == "DISABLED"
    assert res.json["usage"] == {"dossiers": 1} and "1 dossiers" in res.json["message"]
    assert api.call("GET", f"/api/v1/dossiers/{used['id']}").json["source"] == "LEAD_SOURCE_SALON"
    assert api.call("POST", "/api/v1/dossiers", json={"contactName": "Y", "source": "LEAD_SOURCE_SALON"}
                    ).status_code == 400

    res = api.call("DELETE", f"{BASE}/LEAD_SOURCE/LEAD_SOURCE_EMAIL")
    assert res.json["action"] == "DISABLED" and "global default" in res.json["message"]
    assert entries(api, "LEAD_SOURCE")["LEAD_SOURCE_EMAIL"]["origin"] == "OVERRIDE"

    res = api.call("DELETE", f"{BASE}/NEED_TYPE/NEED_TYPE_WHATSAPP")
    assert res.json["action"] == "DISABLED" and res.json["usage"] is None
    assert [e["payload"]["action"] for e in api.events("reference_data.changed")] == [
        "CREATED", "DELETED", "CREATED", "DISABLED", "DISABLED", "DISABLED"]
    assert api.audit("LEAD_SOURCE:LEAD_SOURCE_FLYER", "REFERENCE_DELETED")


@pytest.mark.parametrize("path", ["LEAD_SOURCE/LEAD_SOURCE_PORTAL", "CHANNEL_TYPE/CHAN_SMS",
                                  "CASE_TYPE/CRM_LEAD_B2B_DEMO", "PAY_METHOD/PAY_METHOD_CASH"])
def test_codes_implemented_by_a_rule_cannot_be_disabled(api, path):
    for res in (api.call("DELETE", f"{BASE}/{path}"), api.call("PUT", f"{BASE}/{path}", json={"isActive": False})):
        assert res.status_code == 409 and res.json["code"] == "REFERENCE_LOCKED"
    assert api.call("PUT", f"{BASE}/{path}", json={"labels": {"ar": "تسمية"}}).status_code == 200


def test_a_status_in_a_workflow_in_force_cannot_be_disabled(api):
    res = api.call("DELETE", f"{BASE}/CASE_STATUS/CRM_TRIAGED")
    assert res.status_code == 409 and res.json["code"] == "REFERENCE_IN_USE"
    assert "CRM_LEAD_RENT v1" in res.json["details"]["workflows"]
    assert entries(api, "CASE_STATUS")["CRM_TRIAGED"]["isActive"] is True
    assert api.events("reference_data.changed") == []
