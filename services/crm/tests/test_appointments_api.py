"""Appointments: scheduling, the overlap rule (warn or block), updates and their trail."""

import pytest


@pytest.fixture
def dossier(api):
    return api.dossier(assignedTo="agent-1")


def book(api, dossier_id, start, end=None, headers=None, **body):
    payload = {"dossierId": dossier_id, "type": "APPOINT_PROPERTY_VISIT", "startsAt": start, **body}
    if end:
        payload["endsAt"] = end
    return api.call("POST", "/api/v1/appointments", headers, json=payload)


def test_schedule_defaults_audit_and_timeline(api, dossier, when):
    res = book(api, dossier["id"], when(0), location="Résidence Les Palmiers, Agadir")
    assert res.status_code == 201, res.json
    body = res.json
    assert (body["status"], body["assignedTo"], body["endsAt"], body["warnings"]) == (
        "APPOINT_SCHEDULED", "agent-1", when(1), [])
    assert [a.action for a in api.audit(body["id"])] == ["CREATE"]
    [log] = api.activities(dossier["id"], "ACT_APPOINTMENT_LOG")
    assert log.related_id == body["id"] and "APPOINT_PROPERTY_VISIT" in log.content


def test_invalid_appointments_change_nothing(api, dossier, when):
    for start, end, extra, field in ((when(2), when(1), {}, "endsAt"), (when(2), when(2), {}, "endsAt"),
                                     (when(0), None, {"type": "APPOINT_PICNIC"}, "type"),
                                     (when(0), None, {"status": "APPOINT_MAYBE"}, "status"),
                                     ("demain", None, {}, "startsAt")):
        res = book(api, dossier["id"], start, end, **extra)
        assert res.status_code == 400 and field in res.json["details"], (start, end, extra, res.json)
    assert api.call("GET", f"/api/v1/appointments?dossierId={dossier['id']}").json["total"] == 0
    assert api.activities(dossier["id"]) == []


def test_an_overlap_for_the_same_assignee_is_a_warning_by_default(api, dossier, when):
    first = book(api, dossier["id"], when(0), when(1)).json
    other = api.dossier(phone="0699000000", assignedTo="agent-1")
    res = book(api, other["id"], when(0, 30), when(1, 30))
    assert res.status_code == 201
    [warning] = res.json["warnings"]
    assert warning["code"] == "APPOINTMENT_OVERLAP" and warning["appointmentId"] == first["id"]
    assert book(api, dossier["id"], when(-1), when(0)).json["warnings"] == []  # back to back is fine
    assert book(api, dossier["id"], when(0), when(1), assignedTo="agent-2").json["warnings"] == []


def test_an_org_can_block_overlaps(api, dossier, when):
    api.call("PUT", "/api/v1/admin/org-settings", json={"appointmentOverlapPolicy": "BLOCK"})
    first = book(api, dossier["id"], when(0), when(1)).json
    res = book(api, dossier["id"], when(0, 15), when(0, 45))
    assert res.status_code == 409 and res.json["code"] == "APPOINTMENT_OVERLAP"
    assert res.json["details"]["overlaps"][0]["appointmentId"] == first["id"]
    assert api.call("GET", f"/api/v1/appointments?dossierId={dossier['id']}").json["total"] == 1
    second = book(api, dossier["id"], when(3), when(4)).json
    moved = api.call("PUT", f"/api/v1/appointments/{second['id']}", json={"startsAt": when(0, 30)})
    assert moved.status_code == 409
    api.call("PUT", f"/api/v1/appointments/{first['id']}", json={"status": "APPOINT_CANCELLED"})
    assert book(api, dossier["id"], when(0, 15), when(0, 45)).status_code == 201  # cancelled frees the slot


def test_update_keeps_the_duration_and_is_traced(api, dossier, when):
    appointment = book(api, dossier["id"], when(0), when(0, 45)).json
    url = f"/api/v1/appointments/{appointment['id']}"
    res = api.call("PUT", url, json={"startsAt": when(2), "comment": "client en retard"})
    assert res.status_code == 200, res.json
    assert (res.json["startsAt"], res.json["endsAt"]) == (when(2), when(2, 45))
    assert api.call("PUT", url, json={"endsAt": when(1)}).status_code == 400
    done = api.call("PUT", url, json={"status": "APPOINT_DONE"}).json
    assert done["status"] == "APPOINT_DONE"
    assert [a.action for a in api.audit(appointment["id"])] == ["CREATE", "UPDATE", "UPDATE"]
    assert len(api.activities(dossier["id"], "ACT_APPOINTMENT_LOG")) == 3


def test_list_delete_and_tenancy(api, dossier, other_org, when):
    appointment = book(api, dossier["id"], when(0)).json
    book(api, dossier["id"], when(5), status="APPOINT_NO_SHOW")
    query = f"/api/v1/appointments?dossierId={dossier['id']}"
    assert [a["startsAt"] for a in api.call("GET", query).json["items"]] == [when(0), when(5)]
    assert api.call("GET", f"{query}&status=APPOINT_NO_SHOW").json["total"] == 1
    url = f"/api/v1/appointments/{appointment['id']}"
    assert api.call("PUT", url, other_org.admin, json={"location": "x"}).status_code == 404
    assert api.call("DELETE", url, api.as_("AGENT", "agent-2")).status_code == 404
    assert api.call("DELETE", url, api.as_("AGENT", "agent-1")).status_code == 204
    assert api.call("GET", query).json["total"] == 1
    assert api.audit(appointment["id"], "DELETE")[0].diff["before"]["startsAt"] == when(0)
