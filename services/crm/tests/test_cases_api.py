"""The B2B demo pro API (/cases): a case-oriented view over the same dossiers, workflow engine and
side effects as /dossiers — create/list/read, assignment, qualification, transitions, the demo
appointment and the summary."""

from datetime import UTC, datetime, timedelta

import pytest

B2B = "CRM_LEAD_B2B_DEMO"


def new_case(api, headers=None, **body):
    body = {"contact": {"name": "Nadia Bennani", "phone": "0661234567", "email": "nadia@agence.ma",
                        "company": "Agence Horizon"}, **body}
    res = api.call("POST", "/api/v1/cases", headers, json=body)
    assert res.status_code == 201, res.json
    return res.json


def case(api, case_id, headers=None):
    res = api.call("GET", f"/api/v1/cases/{case_id}", headers)
    assert res.status_code == 200, res.json
    return res.json


def transition(api, case_id, code, headers=None, **payload):
    return api.call("POST", f"/api/v1/cases/{case_id}/transitions", headers,
                    json={"transitionCode": code, "payload": payload})


def schedule(api, case_id, when):
    assert transition(api, case_id, "B2B_T_QUALIFY", qualificationNotes="12 agents, Casablanca").status_code == 200
    res = transition(api, case_id, "B2B_T_SCHEDULE", appointment={"startsAt": when(0), "location": "Visio"})
    assert res.status_code == 200, res.json
    return res.json


def test_create_list_and_read_a_case(api):
    created = new_case(api, qualification={"notes": "Veut une démo", "score": 40})
    assert created["caseType"] == B2B and created["status"] == "B2B_NEW" and created["terminal"] is False
    assert created["contact"] == {"name": "Nadia Bennani", "phone": "+212661234567", "phoneRaw": "0661234567",
                                  "email": "nadia@agence.ma", "company": "Agence Horizon"}
    assert created["qualification"] == {"notes": "Veut une démo", "score": 40, "needs": [],
                                        "desiredPlanKey": None}
    assert {t["code"] for t in created["availableTransitions"]} == {"B2B_T_QUALIFY", "B2B_T_LOSE"}
    dossier = api.call("GET", f"/api/v1/dossiers/{created['id']}").json
    assert dossier["source"] == "LEAD_SOURCE_BIZ_DEMO_FORM" and dossier["payload"]["company"] == "Agence Horizon"
    assert api.audit(created["id"], "CREATE") and api.events("dossier.created")

    # the same phone again: the open demo request, 200, the submission on its timeline
    again = api.call("POST", "/api/v1/cases", json={"contact": {"name": "N. Bennani", "phone": "+212 661 23 45 67"}})
    assert again.status_code == 200 and again.json["id"] == created["id"]
    assert any(a["content"] == "Duplicate lead merged" for a in again.json["timeline"])

    other = new_case(api, contact={"name": "Karim Tazi", "email": "karim@immo.ma", "company": "Tazi Immo"},
                     source="LEAD_SOURCE_OTHER")
    api.dossier(contactName="Not a demo", phone="0662000000")
    listed = api.call("GET", "/api/v1/cases").json
    assert listed["total"] == 2 and {c["id"] for c in listed["items"]} == {created["id"], other["id"]}
    assert api.call("GET", "/api/v1/cases?q=tazi imm").json["items"][0]["id"] == other["id"]
    assert api.call("GET", "/api/v1/cases?q=horizon").json["total"] == 1
    assert api.call("GET", "/api/v1/cases?status=B2B_QUALIFIED").json["total"] == 0
    assert api.call("GET", "/api/v1/cases?sort=contactName").json["items"][0]["id"] == other["id"]
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert api.call("GET", "/api/v1/cases", query_string={"createdFrom": tomorrow}).json["total"] == 0

    bad = api.call("POST", "/api/v1/cases", json={"contact": {"name": "X", "phone": "1"}, "source": "NOPE"})
    assert bad.status_code == 400 and {"phone", "source"} <= set(bad.json["details"])
    assert api.call("POST", "/api/v1/cases", json={"contact": {"name": "X"}}).status_code == 400


def test_other_case_types_and_other_orgs_are_not_cases(api, other_org):
    lead = api.dossier(contactName="Acheteur", phone="0663000000")
    theirs = new_case(other_org)
    for case_id in (lead["id"], theirs["id"], "00000000-0000-4000-8000-000000000000", "nope"):
        for method, path, body in (("GET", "", None), ("GET", "/transitions", None),
                                   ("POST", "/transitions", {"transitionCode": "B2B_T_LOSE"}),
                                   ("PATCH", "/qualification", {"notes": "x"})):
            res = api.call(method, f"/api/v1/cases/{case_id}{path}", json=body)
            assert res.status_code == 404 and res.json["code"] == "CASE_NOT_FOUND", (case_id, path, res.json)
    assert api.call("GET", "/api/v1/cases").json["total"] == 0


def test_assign_is_for_managers_and_audited(api):
    created = new_case(api)
    agent = api.as_("AGENT", "agent-1")
    refused = api.call("POST", f"/api/v1/cases/{created['id']}/assign", agent, json={"assignedTo": "agent-1"})
    assert refused.status_code == 403 and refused.json["code"] == "FORBIDDEN"
    assert api.call("GET", f"/api/v1/cases/{created['id']}", agent).json["code"] == "CASE_NOT_FOUND"
    res = api.call("POST", f"/api/v1/cases/{created['id']}/assign", api.manager, json={"assignedTo": "agent-1"})
    assert res.status_code == 200 and res.json["assignedTo"] == "agent-1"
    [audit] = api.audit(created["id"], "DOSSIER_ASSIGNED")
    assert audit.actor == "manager-1" and audit.diff == {"before": {"assignedTo": None},
                                                        "after": {"assignedTo": "agent-1"}}
    assert api.events("dossier.assigned")
    assert case(api, created["id"], agent)["assignedTo"] == "agent-1"
    assert api.call("GET", "/api/v1/cases", agent).json["total"] == 1


def test_qualification_is_validated_stored_audited_and_logged(api):
    created = new_case(api)
    url = f"/api/v1/cases/{created['id']}/qualification"
    for body, field in (({"score": 101}, "score"), ({"needs": ["NEED_TYPE_TELEPORT"]}, "needs"),
                        ({"desiredPlanKey": "PLAN_TYPE_GOLD"}, "desiredPlanKey"), ({"colour": "red"}, "colour")):
        res = api.call("PATCH", url, json=body)
        assert res.status_code == 400 and res.json["code"] == "VALIDATION_ERROR", body
        assert field in res.json["details"], res.json
    assert case(api, created["id"])["version"] == created["version"]  # nothing changed
    assert not api.audit(created["id"], "UPDATE")

    body = {"notes": "Réseau de 3 agences", "score": 80, "needs": ["NEED_TYPE_WHATSAPP", "NEED_TYPE_LISTINGS"],
            "desiredPlanKey": "PLAN_TYPE_AGENCY"}
    res = api.call("PATCH", url, json=body)
    assert res.status_code == 200 and res.json["qualification"] == body, res.json
    assert res.json["version"] == created["version"] + 1
    [audit] = api.audit(created["id"], "UPDATE")
    assert (audit.diff["before"]["score"], audit.diff["after"]["score"]) == (None, 80)
    assert api.events("dossier.updated")[-1]["payload"]["payload"]["desiredPlanKey"] == "PLAN_TYPE_AGENCY"
    assert [a.content for a in api.activities(created["id"], "ACT_SYSTEM")] == [
        "Qualification updated (desiredPlanKey, needs, notes, score)"]

    same = api.call("PATCH", url, json={"score": 80})
    assert same.status_code == 200 and same.json["version"] == res.json["version"]
    assert len(api.audit(created["id"], "UPDATE")) == 1
    cleared = api.call("PATCH", url, json={"desiredPlanKey": None}).json
    assert cleared["qualification"] == {**body, "desiredPlanKey": None}


def test_biz_to_pro_scenario_to_won(api, when):
    created = new_case(api, assignedTo="agent-1")
    agent = api.as_("AGENT", "agent-1")
    options = api.call("GET", f"/api/v1/cases/{created['id']}/transitions", agent).json
    assert options["status"] == "B2B_NEW"
    qualify = next(t for t in options["transitions"] if t["code"] == "B2B_T_QUALIFY")
    assert qualify["requiredFields"] == ["qualificationNotes"] and qualify["to"] == "B2B_QUALIFIED"

    missing = transition(api, created["id"], "B2B_T_QUALIFY", agent)
    assert missing.status_code == 400 and "qualificationNotes" in missing.json["details"]
    assert transition(api, created["id"], "B2B_T_WIN", agent).json["code"] == "TRANSITION_NOT_ALLOWED"
    moved = transition(api, created["id"], "B2B_T_QUALIFY", agent, qualificationNotes="10 agents, Rabat")
    assert moved.status_code == 200 and moved.json["qualification"]["notes"] == "10 agents, Rabat"
    scheduled = transition(api, created["id"], "B2B_T_SCHEDULE", agent,
                           appointment={"startsAt": when(0), "location": "Visio"}).json
    assert scheduled["status"] == "B2B_SCHEDULED"
    [demo] = case(api, created["id"], agent)["appointments"]
    assert (demo["type"], demo["status"], demo["startsAt"], demo["assignedTo"]) == (
        "APPOINT_DEMO", "APPOINT_SCHEDULED", when(0), "agent-1")

    early = transition(api, created["id"], "B2B_T_MARK_DONE", agent)
    assert early.status_code == 409 and early.json["code"] == "TRANSITION_NOT_ALLOWED"
    assert early.json["details"]["guard"] == "APPOINTMENT_DONE"
    wrong = api.call("POST", f"/api/v1/appointments/{demo['id']}/status", agent, json={"status": "APPOINT_LATE"})
    assert wrong.status_code == 400
    done = api.call("POST", f"/api/v1/appointments/{demo['id']}/status", agent,
                    json={"status": "APPOINT_DONE", "comment": "Très intéressés"})
    assert done.status_code == 200 and done.json["status"] == "APPOINT_DONE"
    logged = api.activities(created["id"], "ACT_APPOINTMENT_LOG")[-1]
    assert logged.content == "APPOINT_DEMO now APPOINT_DONE" and logged.details["comment"] == "Très intéressés"
    assert transition(api, created["id"], "B2B_T_MARK_DONE", agent).json["status"] == "B2B_DONE"
    won = transition(api, created["id"], "B2B_T_WIN", agent, dealValue=24000, comment="Plan agence signé")
    assert won.status_code == 200, won.json
    assert won.json["status"] == "B2B_WON" and won.json["terminal"] and won.json["dealValue"] == 24000
    assert won.json["availableTransitions"] == []
    after = transition(api, created["id"], "B2B_T_LOSE", agent, lossReason="B2B_LOST_TIMING")
    assert after.status_code == 409 and after.json["code"] == "TRANSITION_NOT_ALLOWED"

    # the same trail as the dossier API: history, audit, timeline, events
    assert [h.transition_code for h in api.history(created["id"])] == [
        "CREATE", "B2B_T_QUALIFY", "B2B_T_SCHEDULE", "B2B_T_MARK_DONE", "B2B_T_WIN"]
    assert len(api.audit(created["id"], "DOSSIER_STATUS_CHANGED")) == 4
    assert len(api.activities(created["id"], "ACT_STATUS_CHANGE")) == 4
    assert len([e for e in api.events("dossier.status_changed") if e["payload"]["id"] == created["id"]]) == 4
    timeline = case(api, created["id"])["timeline"]
    assert timeline[0]["type"] == "ACT_STATUS_CHANGE" and timeline[0]["content"] == "B2B_DONE → B2B_WON"


def test_lose_needs_a_b2b_reason_and_cancels_the_pending_demo(api, when):
    created = new_case(api)
    schedule(api, created["id"], when)
    res = transition(api, created["id"], "B2B_T_LOSE")
    assert res.status_code == 400 and "lossReason" in res.json["details"]
    res = transition(api, created["id"], "B2B_T_LOSE", lossReason="PRICE_TOO_HIGH")
    assert res.status_code == 400 and "B2B_LOST_NO_BUDGET" in res.json["details"]["lossReason"][0]
    assert case(api, created["id"])["status"] == "B2B_SCHEDULED"
    lost = transition(api, created["id"], "B2B_T_LOSE", lossReason="B2B_LOST_NO_BUDGET", comment="Budget 2027")
    assert lost.status_code == 200, lost.json
    assert lost.json["status"] == "B2B_LOST" and lost.json["terminal"] and lost.json["lostReason"] == "B2B_LOST_NO_BUDGET"
    assert [a["status"] for a in lost.json["appointments"]] == ["APPOINT_CANCELLED"]


def test_reopen_is_a_manager_move_with_a_justification(api):
    created = new_case(api, assignedTo="agent-1")
    agent = api.as_("AGENT", "agent-1")
    transition(api, created["id"], "B2B_T_QUALIFY", agent, qualificationNotes="trop tôt")
    refused = transition(api, created["id"], "B2B_T_REOPEN", agent, reason="erreur")
    assert refused.status_code == 403 and refused.json["code"] == "FORBIDDEN"
    bare = transition(api, created["id"], "B2B_T_REOPEN", api.manager)
    assert bare.status_code == 400 and bare.json["code"] == "VALIDATION_ERROR" and "reason" in bare.json["details"]
    reopened = transition(api, created["id"], "B2B_T_REOPEN", api.manager, reason="qualifié trop tôt")
    assert reopened.status_code == 200 and reopened.json["status"] == "B2B_NEW"
    assert api.history(created["id"])[-1].reason == "qualifié trop tôt"
    unknown = transition(api, created["id"], "B2B_T_TELEPORT")
    assert unknown.status_code == 409 and unknown.json["code"] == "TRANSITION_NOT_ALLOWED"


def test_case_appointments_patch_and_status(api, when):
    created = new_case(api, assignedTo="agent-1")
    res = api.call("POST", f"/api/v1/cases/{created['id']}/appointments",
                   json={"startsAt": when(2), "location": "Agence", "notes": "Apporter la démo mobile"})
    assert res.status_code == 201, res.json
    demo = res.json
    assert (demo["type"], demo["endsAt"], demo["assignedTo"], demo["comment"]) == (
        "APPOINT_DEMO", when(3), "agent-1", "Apporter la démo mobile")
    moved = api.call("PATCH", f"/api/v1/appointments/{demo['id']}", json={"startsAt": when(4), "location": "Visio"})
    assert moved.status_code == 200 and (moved.json["startsAt"], moved.json["endsAt"]) == (when(4), when(5))
    assert moved.json["location"] == "Visio" and moved.json["comment"] == "Apporter la démo mobile"
    bad = api.call("PATCH", f"/api/v1/appointments/{demo['id']}", json={"endsAt": when(1)})
    assert bad.status_code == 400 and "endsAt" in bad.json["details"]
    assert api.call("PATCH", f"/api/v1/appointments/{demo['id']}", json={"status": "APPOINT_DONE"}).status_code == 400

    # the same overlap rule as PUT: a warning, or 409 when the org blocks overlaps
    other = api.call("POST", f"/api/v1/cases/{created['id']}/appointments", json={"startsAt": when(8)}).json
    clash = api.call("PATCH", f"/api/v1/appointments/{other['id']}", json={"startsAt": when(4, 30)})
    assert clash.status_code == 200 and clash.json["warnings"][0]["appointmentId"] == demo["id"]
    no_show = api.call("POST", f"/api/v1/appointments/{other['id']}/status", json={"status": "APPOINT_NO_SHOW"})
    assert no_show.status_code == 200 and no_show.json["status"] == "APPOINT_NO_SHOW"
    change = api.audit(other["id"], "UPDATE")[-1].diff
    assert (change["before"]["status"], change["after"]["status"]) == ("APPOINT_SCHEDULED", "APPOINT_NO_SHOW")
    api.call("PUT", "/api/v1/admin/org-settings", json={"appointmentOverlapPolicy": "BLOCK"})
    blocked = api.call("PATCH", f"/api/v1/appointments/{demo['id']}", json={"startsAt": when(4, 15)})
    assert blocked.status_code == 409 and blocked.json["code"] == "APPOINTMENT_OVERLAP"

    lead = api.dossier(contactName="Acheteur", phone="0663000000")
    refused = api.call("POST", f"/api/v1/cases/{lead['id']}/appointments", json={"startsAt": when(9)})
    assert refused.status_code == 404 and refused.json["code"] == "CASE_NOT_FOUND"


@pytest.fixture
def summary_cases(api, when):
    def run():
        a = new_case(api, contact={"name": "A", "phone": "0661000001"})["id"]
        schedule(api, a, when)
        demo = case(api, a)["appointments"][0]
        api.call("POST", f"/api/v1/appointments/{demo['id']}/status", json={"status": "APPOINT_DONE"})
        transition(api, a, "B2B_T_MARK_DONE")
        assert transition(api, a, "B2B_T_WIN").status_code == 200
        for phone, reason in (("0661000002", "B2B_LOST_NO_BUDGET"), ("0661000003", "B2B_LOST_NO_BUDGET"),
                              ("0661000004", "B2B_LOST_TIMING")):
            lost = new_case(api, contact={"name": "L", "phone": phone})["id"]
            assert transition(api, lost, "B2B_T_LOSE", lossReason=reason).status_code == 200
        new_case(api, contact={"name": "Open", "phone": "0661000005"})
        api.dossier(contactName="Not a demo", phone="0662000000")
        return a
    return run


def test_summary_counts_converts_and_times(api, other_org, summary_cases):
    won_id = summary_cases()
    new_case(other_org)
    today = datetime.now(UTC).date()
    query = {"from": today.isoformat(), "to": today.isoformat()}
    res = api.call("GET", "/api/v1/reports/b2b-demo/summary", api.manager, query_string=query)
    assert res.status_code == 200, res.json
    body = res.json
    assert body["total"] == 5 and (body["won"], body["lost"], body["open"]) == (1, 3, 1)
    assert body["byStatus"] == {"B2B_NEW": 1, "B2B_QUALIFIED": 0, "B2B_SCHEDULED": 0, "B2B_DONE": 0,
                                "B2B_WON": 1, "B2B_LOST": 3}
    assert body["conversion"] == {"wonOverClosed": 0.25, "wonOverTotal": 0.2}
    assert body["lostReasons"] == [{"reason": "B2B_LOST_NO_BUDGET", "count": 2},
                                   {"reason": "B2B_LOST_TIMING", "count": 1}]
    [created, won] = [h.occurred_at for h in api.history(won_id) if h.to_status in ("B2B_NEW", "B2B_WON")]
    hours = round((won - created).total_seconds() / 3600, 2)
    assert body["timeToWin"] == {"count": 1, "avgHours": hours, "medianHours": hours}

    yesterday = (today - timedelta(days=1)).isoformat()
    empty = api.call("GET", "/api/v1/reports/b2b-demo/summary", query_string={"from": yesterday, "to": yesterday})
    assert empty.json["total"] == 0 and empty.json["conversion"] == {"wonOverClosed": None, "wonOverTotal": None}
    agent = api.call("GET", "/api/v1/reports/b2b-demo/summary", api.as_("AGENT"))
    assert agent.status_code == 403 and agent.json["code"] == "FORBIDDEN"
    backwards = api.call("GET", "/api/v1/reports/b2b-demo/summary", query_string={"from": today.isoformat(),
                                                                                   "to": yesterday})
    assert backwards.status_code == 400
