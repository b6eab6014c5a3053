"""Projects through COOP_PROJECT with milestones; lots unique per project, listed in natural order."""

import uuid


def test_project_lifecycle_and_milestones(coop, outbox):
    group = coop.group()
    coop.member(group["id"], "Amina")
    project = coop.ok("POST", f"/groups/{group['id']}/projects",
                      {"name": "Résidence Al Amal", "budgetTotal": "12500000.00"}, status=201)
    assert (project["status"], project["budgetTotal"]) == ("COOP_PROJECT_LAND_SECURED", "12500000.00")
    skipped = coop.call("PATCH", f"/projects/{project['id']}", {"status": "COOP_PROJECT_BUILDING"})
    assert skipped.status_code == 409 and skipped.json["code"] == "TRANSITION_NOT_ALLOWED"
    moved = coop.ok("PATCH", f"/projects/{project['id']}", {"status": "COOP_PROJECT_PERMITS", "milestoneDate":
                                                           "2026-03-01", "comment": "Permis déposé"})
    assert moved["milestones"][-1]["label"] == "COOP_PROJECT_PERMITS"
    assert (moved["milestones"][-1]["date"], moved["milestones"][-1]["note"]) == ("2026-03-01", "Permis déposé")
    noted = coop.ok("PATCH", f"/projects/{project['id']}", {"milestone": {"label": "Étude de sol", "note": "RAS"}})
    assert [m["label"] for m in noted["milestones"]] == ["COOP_PROJECT_LAND_SECURED", "COOP_PROJECT_PERMITS",
                                                         "Étude de sol"]
    milestone = [e for e in outbox("notification.requested") if e["templateCode"] == "EVT_COOP_PROJECT_MILESTONE"]
    assert [e["variables"]["milestone"] for e in milestone] == ["COOP_PROJECT_PERMITS"]


def test_lots_unique_per_project_in_natural_order(coop):
    group = coop.group()
    project = coop.ok("POST", f"/groups/{group['id']}/projects", {"name": "Résidence"}, status=201)
    for code in ("A10", "A2", "B1"):
        coop.ok("POST", f"/projects/{project['id']}/lots",
                {"code": code, "type": "T3", "surfaceM2": "82.50", "floor": 2, "priceReference": "650000.00"},
                status=201)
    taken = coop.call("POST", f"/projects/{project['id']}/lots",
                      {"code": "A2", "type": "T2", "surfaceM2": "60", "priceReference": "500000"})
    assert taken.status_code == 409 and taken.json["code"] == "LOT_CODE_TAKEN"
    bad = coop.call("POST", f"/projects/{project['id']}/lots", {"code": "A 1", "type": "T2", "surfaceM2": "0",
                                                                "priceReference": "-1"})
    assert bad.status_code == 400 and set(bad.json["details"]) == {"code", "surfaceM2", "priceReference"}
    lots = coop.ok("GET", f"/projects/{project['id']}/lots")
    assert [(lot["code"], lot["status"], lot["surfaceM2"]) for lot in lots] == [
        ("A2", "AVAILABLE", "82.50"), ("A10", "AVAILABLE", "82.50"), ("B1", "AVAILABLE", "82.50")]


def test_project_roles_and_tenancy(coop):
    group = coop.group()
    project = coop.ok("POST", f"/groups/{group['id']}/projects", {"name": "Résidence"}, status=201)
    other = str(uuid.uuid4())
    assert coop.call("GET", f"/projects/{project['id']}", org=other).status_code == 404
    assert coop.call("PATCH", f"/projects/{project['id']}", {"name": "x"}, org=other).status_code == 404
    assert coop.call("GET", f"/projects/{project['id']}/lots", org=other).status_code == 404
    assert coop.call("POST", f"/groups/{group['id']}/projects", {"name": "x"}, org=other).status_code == 404
    assert coop.call("POST", f"/groups/{group['id']}/projects", {"name": "x"}, roles="AUDITOR").status_code == 403
    assert coop.call("POST", f"/projects/{project['id']}/lots", {"code": "A1", "type": "T2", "surfaceM2": "60",
                                                                 "priceReference": "1"}, roles="COOP_MEMBER",
                     user="u").status_code == 403
    assert coop.call("GET", f"/groups/{group['id']}/projects", roles="AUDITOR").status_code == 200
    assert coop.call("GET", f"/projects/{project['id']}", roles="AGENT").status_code == 403
