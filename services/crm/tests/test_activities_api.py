"""The timeline: users write notes and tasks; system entries are part of the record."""

import pytest


@pytest.fixture
def dossier(api):
    return api.dossier(assignedTo="agent-1")


def add(api, dossier_id, headers=None, **body):
    return api.call("POST", "/api/v1/activities", headers, json={"dossierId": dossier_id, **body})


def test_notes_and_tasks(api, dossier):
    note = add(api, dossier["id"], type="ACT_NOTE", content="Cherche un T3 près du tram")
    assert note.status_code == 201 and note.json["actor"] == "admin-1" and note.json["done"] is False
    task = add(api, dossier["id"], type="ACT_TASK", content="Rappeler", dueAt="2026-12-01T09:00:00Z",
               assignee="agent-1").json
    assert task["dueAt"] == "2026-12-01T09:00:00+00:00" and task["assignee"] == "agent-1"
    done = api.call("PUT", f"/api/v1/activities/{task['id']}", api.as_("AGENT", "agent-1"), json={"done": True})
    assert done.status_code == 200 and done.json["done"] is True and done.json["doneAt"]
    undone = api.call("PUT", f"/api/v1/activities/{task['id']}", json={"done": False}).json
    assert undone["doneAt"] is None
    assert [a.action for a in api.audit(task["id"])] == ["CREATE", "UPDATE", "UPDATE"]
    assert api.call("GET", f"/api/v1/activities?dossierId={dossier['id']}&type=ACT_TASK").json["total"] == 1
    assert api.call("GET", f"/api/v1/activities?dossierId={dossier['id']}&done=false").json["total"] == 2


def test_invalid_entries_are_refused(api, dossier):
    for body, field in (({"type": "ACT_STATUS_CHANGE", "content": "fake"}, "type"),
                        ({"type": "ACT_DANCE", "content": "x"}, "type"), ({"type": "ACT_NOTE"}, "content"),
                        ({"type": "ACT_NOTE", "content": "x", "dueAt": "2026-12-01T09:00:00Z"}, "dueAt")):
        res = add(api, dossier["id"], **body)
        assert res.status_code == 400 and field in res.json["details"], body
    assert api.call("GET", f"/api/v1/activities?dossierId={dossier['id']}").json["total"] == 0


def test_system_entries_cannot_be_edited_or_deleted(api, dossier):
    api.move(dossier["id"], "CRM_CONTACTED")
    [entry] = api.call("GET", f"/api/v1/activities?dossierId={dossier['id']}&type=ACT_STATUS_CHANGE").json["items"]
    for method, body in (("PUT", {"content": "rewritten"}), ("DELETE", None)):
        res = api.call(method, f"/api/v1/activities/{entry['id']}", json=body)
        assert res.status_code == 409 and res.json["code"] == "SYSTEM_ACTIVITY_READ_ONLY"
    assert api.call("GET", f"/api/v1/activities?dossierId={dossier['id']}").json["items"][0]["content"] == \
        "CRM_NEW → CRM_CONTACTED"


def test_only_author_assignee_or_manager_may_change_a_note(api, dossier):
    api.call("PUT", f"/api/v1/dossiers/{dossier['id']}", json={"assignedTo": "agent-1"})
    note = add(api, dossier["id"], type="ACT_NOTE", content="confidentiel").json
    agent = api.as_("AGENT", "agent-1")
    res = api.call("PUT", f"/api/v1/activities/{note['id']}", agent, json={"content": "modifié"})
    assert res.status_code == 403
    mine = add(api, dossier["id"], agent, type="ACT_NOTE", content="à moi").json
    assert api.call("PUT", f"/api/v1/activities/{mine['id']}", agent, json={"content": "ok"}).status_code == 200
    assert api.call("DELETE", f"/api/v1/activities/{mine['id']}", agent).status_code == 204
    assert api.call("DELETE", f"/api/v1/activities/{note['id']}", api.manager).status_code == 204
    assert api.audit(note["id"], "DELETE")[0].diff["before"]["content"] == "confidentiel"


def test_another_tenant_gets_404(api, dossier, other_org):
    note = add(api, dossier["id"], type="ACT_NOTE", content="n").json
    url = f"/api/v1/activities/{note['id']}"
    assert api.call("PUT", url, other_org.admin, json={"content": "x"}).status_code == 404
    assert api.call("DELETE", url, other_org.admin).status_code == 404
    assert add(api, dossier["id"], other_org.admin, type="ACT_NOTE", content="x").status_code == 404
    assert api.call("GET", f"/api/v1/activities?dossierId={dossier['id']}", other_org.admin).status_code == 404
