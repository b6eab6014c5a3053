"""The dashboard: headline numbers (the fixed October of test_reports.py) and the work waiting now."""

import pytest

from atlas_crm.insights_testing import october

OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest.fixture
def month(api, other_org, container):
    return october(container, api.org, other_org.org)


def dashboard(api, path="", headers=None, **query):
    res = api.call("GET", f"/api/v1/dashboard{path}", headers or api.manager, query_string=query)
    assert res.status_code == 200, res.json
    return res.json


def test_headline_numbers_of_the_month(api, month):
    body = dashboard(api, **OCTOBER)
    assert body == {
        "from": "2026-10-01T00:00:00+00:00", "to": "2026-11-01T00:00:00+00:00", "leads": 5, "qualified": 4,
        "won": 1, "lost": 1, "conversionRate": 0.2,
        "firstResponse": {"avgSeconds": 3300.0, "medianSeconds": 2700.0, "unanswered": 1},
        "appointments": {"total": 4, "showRate": 0.5}, "messages": {"inbound": 2, "outbound": 5},
        "toHandle": {"total": 3, "unanswered": 1, "stale": 3, "overdueTasks": 1}}


def test_open_dossiers_to_handle_with_their_reasons_idle_longest_first(api, month):
    fresh = api.dossier(contactName="Nouveau lead")  # created now, nobody answered yet
    answered = api.dossier(contactName="Déjà rappelé", phone="0612345678")
    api.call("POST", "/api/v1/messages", json={"dossierId": answered["id"], "direction": "OUTBOUND",
                                               "channel": "PHONE", "content": "Appel, rappeler lundi"})
    body = dashboard(api, "/to-handle")
    assert body["counts"] == {"total": 4, "unanswered": 2, "stale": 3, "overdueTasks": 1}
    assert [(i["id"], i["reasons"]) for i in body["items"]] == [
        (str(month["d3"].id), ["STALE"]), (str(month["d4"].id), ["UNANSWERED", "STALE"]),
        (str(month["d7"].id), ["STALE", "OVERDUE_TASK"]), (fresh["id"], ["UNANSWERED"])]
    assert body["items"][0]["status"] == "CRM_QUALIFIED" and body["total"] == 4
    page = dashboard(api, "/to-handle", size=2, page=2)
    assert [i["id"] for i in page["items"]] == [str(month["d7"].id), fresh["id"]]
    assert page["counts"] == body["counts"] and page["total"] == 4
    beyond = dashboard(api, "/to-handle", size=2, page=3)  # no row to read the counts from
    assert (beyond["items"], beyond["counts"], beyond["total"]) == ([], body["counts"], 4)
    relaxed = dashboard(api, "/to-handle", staleDays=365)
    assert relaxed["counts"] == {"total": 3, "unanswered": 2, "stale": 0, "overdueTasks": 1}


def test_an_agent_sees_their_own_dashboard(api, month):
    agent = api.as_("AGENT", "agent-2")
    body = dashboard(api, headers=agent, **OCTOBER)
    assert (body["leads"], body["qualified"], body["won"], body["appointments"]["total"]) == (2, 1, 0, 1)
    waiting = dashboard(api, "/to-handle", agent)
    assert [i["id"] for i in waiting["items"]] == [str(month["d3"].id), str(month["d4"].id)]
    res = api.call("GET", "/api/v1/dashboard/to-handle", agent, query_string={"assignedTo": "agent-1"})
    assert res.status_code == 403


def test_tenants_do_not_see_each_other(api, other_org, month):
    body = dashboard(other_org, headers=other_org.manager, **OCTOBER)
    assert (body["leads"], body["won"], body["messages"], body["toHandle"]["total"]) == (
        1, 1, {"inbound": 0, "outbound": 0}, 0)
    assert dashboard(other_org, "/to-handle", other_org.manager)["items"] == []


def test_bad_queries_and_roles_are_refused(api):
    for query in ({"staleDays": 0}, {"size": 101}, {"from": "2026-13-01"}):
        path = "/to-handle" if "from" not in query else ""
        res = api.call("GET", f"/api/v1/dashboard{path}", api.manager, query_string=query)
        assert res.status_code == 400 and res.json["code"] == "VALIDATION_ERROR", query
    for role in ("MODERATOR", "OWNER"):
        assert api.call("GET", "/api/v1/dashboard", api.as_(role)).status_code == 403
        assert api.call("GET", "/api/v1/dashboard/to-handle", api.as_(role)).status_code == 403
