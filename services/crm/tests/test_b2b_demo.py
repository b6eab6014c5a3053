"""The B2B demo pipeline: transition codes, required fields, manager-only moves, and the demo
appointment that scheduling creates, rescheduling moves, marking done requires and losing cancels."""

import pytest


@pytest.fixture
def demo(api):
    return api.dossier(caseType="CRM_LEAD_B2B_DEMO", source="LEAD_SOURCE_BIZ_DEMO_FORM", contactName="Agence Atlas",
                       assignedTo="agent-1")


def appointments(api, dossier_id):
    return api.call("GET", f"/api/v1/appointments?dossierId={dossier_id}").json["items"]


def qualify_and_schedule(api, demo, when):
    api.move(demo["id"], transitionCode="B2B_T_QUALIFY", payload={"qualificationNotes": "10 agents, Rabat"})
    res = api.move(demo["id"], transitionCode="B2B_T_SCHEDULE",
                   payload={"appointment": {"startsAt": when(0), "endsAt": when(1), "location": "Visio"}})
    assert res.status_code == 200, res.json
    return res


def test_qualify_needs_notes_and_keeps_them(api, demo):
    assert demo["status"] == "B2B_NEW"
    res = api.move(demo["id"], transitionCode="B2B_T_QUALIFY")
    assert res.status_code == 400 and set(res.json["details"]) == {"qualificationNotes"}
    res = api.move(demo["id"], "B2B_QUALIFIED", payload={"qualificationNotes": "Besoin: multi-agences"})
    assert res.status_code == 200 and res.json["payload"]["qualificationNotes"] == "Besoin: multi-agences"
    assert api.history(demo["id"])[-1].transition_code == "B2B_T_QUALIFY"


def test_scheduling_creates_the_demo_appointment(api, demo, when):
    api.move(demo["id"], transitionCode="B2B_T_QUALIFY", payload={"qualificationNotes": "ok"})
    no_slot = api.move(demo["id"], transitionCode="B2B_T_SCHEDULE")
    assert no_slot.status_code == 400 and "appointment" in no_slot.json["details"]
    bad = api.move(demo["id"], transitionCode="B2B_T_SCHEDULE", payload={"appointment": {"startsAt": "soon"}})
    assert bad.status_code == 400 and "appointment.startsAt" in bad.json["details"]
    assert appointments(api, demo["id"]) == [] and api.call(
        "GET", f"/api/v1/dossiers/{demo['id']}").json["status"] == "B2B_QUALIFIED"
    res = api.move(demo["id"], transitionCode="B2B_T_SCHEDULE", payload={"appointment": {"startsAt": when(0)}})
    assert res.status_code == 200 and res.json["status"] == "B2B_SCHEDULED"
    [appointment] = appointments(api, demo["id"])
    assert appointment["type"] == "APPOINT_DEMO" and appointment["status"] == "APPOINT_SCHEDULED"
    assert appointment["assignedTo"] == "agent-1" and appointment["endsAt"] == when(1)
    assert len(api.activities(demo["id"], "ACT_APPOINTMENT_LOG")) == 1


def test_reschedule_moves_the_appointment_and_keeps_the_status(api, demo, when):
    qualify_and_schedule(api, demo, when)
    [appointment] = appointments(api, demo["id"])
    res = api.move(demo["id"], transitionCode="B2B_T_RESCHEDULE",
                   payload={"appointmentId": appointment["id"], "startsAt": when(24)})
    assert res.status_code == 200 and res.json["status"] == "B2B_SCHEDULED"
    [moved] = appointments(api, demo["id"])
    assert (moved["startsAt"], moved["endsAt"]) == (when(24), when(25))
    wrong = api.move(demo["id"], transitionCode="B2B_T_RESCHEDULE",
                     payload={"appointmentId": demo["id"], "startsAt": when(30)})
    assert wrong.status_code == 400 and "appointmentId" in wrong.json["details"]


def test_mark_done_waits_for_the_appointment_then_win_is_final(api, demo, when):
    qualify_and_schedule(api, demo, when)
    early = api.move(demo["id"], transitionCode="B2B_T_MARK_DONE")
    assert early.status_code == 409 and early.json["details"]["guard"] == "APPOINTMENT_DONE"
    assert "APPOINT_SCHEDULED" in early.json["message"]
    [appointment] = appointments(api, demo["id"])
    api.call("PUT", f"/api/v1/appointments/{appointment['id']}", json={"status": "APPOINT_DONE"})
    assert api.move(demo["id"], transitionCode="B2B_T_MARK_DONE").json["status"] == "B2B_DONE"
    won = api.move(demo["id"], transitionCode="B2B_T_WIN", payload={"dealValue": 12000})
    assert won.status_code == 200 and won.json["status"] == "B2B_WON" and won.json["closedAt"]
    assert won.json["payload"]["dealValue"] == "12000"
    assert api.move(demo["id"], transitionCode="B2B_T_LOSE", lossReason="B2B_LOST_TIMING").status_code == 409


def test_losing_a_scheduled_demo_needs_a_b2b_reason_and_cancels_the_appointment(api, demo, when):
    qualify_and_schedule(api, demo, when)
    res = api.move(demo["id"], transitionCode="B2B_T_LOSE", lossReason="PRICE_TOO_HIGH")
    assert res.status_code == 400 and "B2B_LOST_NO_BUDGET" in res.json["details"]["lossReason"][0]
    lost = api.move(demo["id"], transitionCode="B2B_T_LOSE", lossReason="B2B_LOST_NO_BUDGET")
    assert lost.status_code == 200 and lost.json["status"] == "B2B_LOST"
    assert lost.json["lossReason"] == "B2B_LOST_NO_BUDGET"
    assert [a["status"] for a in appointments(api, demo["id"])] == ["APPOINT_CANCELLED"]


def test_reopen_and_redo_are_manager_moves_with_a_justification(api, demo, when):
    agent = api.as_("AGENT", "agent-1")
    api.move(demo["id"], transitionCode="B2B_T_QUALIFY", payload={"qualificationNotes": "ok"}, headers=agent)
    options = api.call("GET", f"/api/v1/dossiers/{demo['id']}/available-transitions", agent).json["transitions"]
    assert {t["code"] for t in options} == {"B2B_T_SCHEDULE", "B2B_T_LOSE"}
    refused = api.move(demo["id"], transitionCode="B2B_T_REOPEN", reason="erreur", headers=agent)
    assert refused.status_code == 403 and refused.json["details"]["requiredRoles"] == ["ADMIN_ORG", "MANAGER"]
    assert api.move(demo["id"], transitionCode="B2B_T_REOPEN", headers=api.manager).status_code == 400
    reopened = api.move(demo["id"], "B2B_NEW", reason="qualifié trop tôt", headers=api.manager)
    assert reopened.status_code == 200 and reopened.json["status"] == "B2B_NEW"
    qualify_and_schedule(api, demo, when)
    [first] = appointments(api, demo["id"])
    api.call("PUT", f"/api/v1/appointments/{first['id']}", json={"status": "APPOINT_DONE"})
    api.move(demo["id"], transitionCode="B2B_T_MARK_DONE")
    redo = api.move(demo["id"], transitionCode="B2B_T_REDO_DEMO", headers=api.manager,
                    reason="décideur absent", payload={"appointment": {"startsAt": when(48)}})
    assert redo.status_code == 200 and redo.json["status"] == "B2B_SCHEDULED"
    assert len(appointments(api, demo["id"])) == 2
    assert api.move(demo["id"], transitionCode="B2B_T_MARK_DONE").status_code == 409  # the new one is not done
