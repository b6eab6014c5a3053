"""Every id-taking operation, called with another organisation's token: 404 (never 403, never 200);
with a role outside the coop: 403; and nothing changes."""

import uuid

import pytest


@pytest.fixture
def world(coop):
    """One of everything, in the manager's organisation."""
    group, (amina, _) = coop.funded_group(2)
    gid = group["id"]
    row = coop.ledger(gid, memberId=amina["id"])[0]
    doc = coop.pv(gid)
    coop.ok("PATCH", f"/groups/{gid}", {"status": "COOP_GROUP_THRESHOLD_REACHED"})
    coop.ok("PATCH", f"/groups/{gid}", {"status": "COOP_GROUP_FUNDING_CLOSED", "documentId": doc})
    project = coop.ok("POST", f"/groups/{gid}/projects", {"name": "P"}, status=201)
    coop.ok("POST", f"/projects/{project['id']}/lots", {"code": "A1", "type": "T2", "surfaceM2": "50",
                                                        "priceReference": "1"}, status=201)
    coop.ok("PATCH", f"/groups/{gid}", {"status": "COOP_GROUP_ALLOCATION_RUNNING"})
    for r in coop.ledger(gid):
        if r["dueDate"] <= "2026-06-30":
            coop.ok("PATCH", f"/contributions/{r['id']}", {"action": "WAIVE", "reason": "test"})
    run = coop.ok("POST", f"/groups/{gid}/allocations", {"projectId": project["id"]}, status=201)
    return {"group": gid, "member": amina["id"], "contribution": row["id"], "document": doc,
            "project": project["id"], "allocation": run["proposals"][0]["id"]}


def operations(ids):
    g, m, c, d, p, a = (ids[k] for k in ("group", "member", "contribution", "document", "project", "allocation"))
    return [
        ("GET", f"/groups/{g}", None), ("PATCH", f"/groups/{g}", {"name": "x"}),
        ("GET", f"/groups/{g}/timeline", None), ("GET", f"/groups/{g}/notifications", None),
        ("GET", f"/groups/{g}/members", None), ("POST", f"/groups/{g}/members", {"displayName": "x"}),
        ("GET", f"/members/{m}", None), ("PATCH", f"/members/{m}", {"displayName": "x"}),
        ("GET", f"/members/{m}/schedule", None), ("GET", f"/members/{m}/documents", None),
        ("GET", f"/groups/{g}/documents", None), ("GET", f"/documents/{d}", None),
        ("GET", f"/documents/{d}/content", None), ("GET", f"/allocations/{a}/documents", None),
        ("GET", f"/groups/{g}/contribution-plans", None),
        ("GET", f"/groups/{g}/contributions", None), ("GET", f"/groups/{g}/contributions/totals", None),
        ("GET", f"/groups/{g}/contributions/export.csv", None),
        ("POST", f"/groups/{g}/contributions", {"contributionId": c, "amountPaid": "1000.00",
                                                "paidDate": "2026-03-01", "method": "PAY_METHOD_CASH",
                                                "proofDocumentId": d}),
        ("GET", f"/contributions/{c}", None), ("PATCH", f"/contributions/{c}", {"action": "CONFIRM"}),
        ("GET", f"/groups/{g}/projects", None), ("POST", f"/groups/{g}/projects", {"name": "x"}),
        ("GET", f"/projects/{p}", None), ("PATCH", f"/projects/{p}", {"name": "x"}),
        ("GET", f"/projects/{p}/lots", None),
        ("POST", f"/projects/{p}/lots", {"code": "Z9", "type": "T1", "surfaceM2": "9", "priceReference": "1"}),
        ("GET", f"/groups/{g}/allocations", None), ("POST", f"/groups/{g}/allocations", {"projectId": p}),
        ("GET", f"/allocations/{a}", None), ("PATCH", f"/allocations/{a}", {"action": "ASSIGN"}),
    ]


def test_another_organisation_gets_404_everywhere(coop, world):
    other = str(uuid.uuid4())
    before = coop.ok("GET", f"/groups/{world['group']}/timeline", query_string={"size": 100})["total"]
    for method, path, body in operations(world):
        res = coop.call(method, path, body, org=other, roles="ADMIN_ORG")
        assert res.status_code == 404, (method, path, res.status_code, res.json)
        assert res.json["code"].endswith("NOT_FOUND"), (method, path, res.json)
    for kind in ("groups", "members", "allocations"):
        key = {"groups": "group", "members": "member", "allocations": "allocation"}[kind]
        assert coop.upload(f"/{kind}/{world[key]}/documents", "DOC_OTHER", org=other).status_code == 404
    assert coop.ok("GET", f"/groups/{world['group']}/timeline", query_string={"size": 100})["total"] == before


def test_roles_outside_the_coop_get_403_everywhere(coop, world):
    for method, path, body in operations(world):
        res = coop.call(method, path, body, roles="AGENT")
        assert res.status_code == 403 and res.json["code"] == "FORBIDDEN", (method, path, res.status_code)
