"""Allocation through the API: FIFO proposals with reasons for the skipped, validation with a PV,
assignment, signature, rejection freeing the lot, delivery; one live allocation per lot (database)."""

import uuid
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError


def _ready(coop, preferences=None):
    """A group in ALLOCATION_RUNNING: Amina (rank 1) and Karim (rank 2) settled, Salma late, Omar no KYC."""
    group = coop.group()
    gid = group["id"]
    people = {n: coop.member(gid, n, userId=n.lower(), lotPreferences=(preferences or {}).get(n, []))
              for n in ("Amina", "Karim", "Salma", "Omar")}
    for name in ("Amina", "Karim", "Salma"):
        coop.activate(people[name]["id"])
    coop.plan(gid, instalments=[{"dueDate": "2026-02-01", "amount": "1000.00"}])
    coop.open_funding(gid)
    for row in coop.ledger(gid):
        member = next(p for p in people.values() if p["id"] == row["memberId"])
        if member["displayName"] == "Salma":
            coop.ok("PATCH", f"/contributions/{row['id']}", {"action": "MARK_LATE"})
        elif member["displayName"] != "Omar":
            coop.ok("PATCH", f"/contributions/{row['id']}", {"action": "WAIVE", "reason": "Apport en nature"})
    coop.ok("PATCH", f"/groups/{gid}", {"status": "COOP_GROUP_THRESHOLD_REACHED"})
    coop.ok("PATCH", f"/groups/{gid}", {"status": "COOP_GROUP_FUNDING_CLOSED", "documentId": coop.pv(gid)})
    project = coop.ok("POST", f"/groups/{gid}/projects", {"name": "Résidence Al Amal"}, status=201)
    for code in ("A1", "A2", "A10"):
        coop.ok("POST", f"/projects/{project['id']}/lots",
                {"code": code, "type": "T3", "surfaceM2": "80", "priceReference": "600000"}, status=201)
    coop.ok("PATCH", f"/groups/{gid}", {"status": "COOP_GROUP_ALLOCATION_RUNNING"})
    return gid, project, people


def _propose(coop, gid, project):
    return coop.ok("POST", f"/groups/{gid}/allocations", {"projectId": project["id"]}, status=201)


def test_proposals_follow_fifo_and_list_the_skipped_with_reasons(coop):
    gid, project, people = _ready(coop, {"Karim": ["A10", "A1"]})
    run = _propose(coop, gid, project)
    assert [(p["memberId"], p["lotCode"], p["fifoRank"]) for p in run["proposals"]] == [
        (people["Amina"]["id"], "A1", 1), (people["Karim"]["id"], "A10", 2)]
    assert run["proposals"][0]["explanation"]["basis"] == "NEXT_AVAILABLE"
    assert "préférence n°1" in run["proposals"][1]["explanation"]["text"]
    skipped = {s["memberId"]: [r["code"] for r in s["reasons"]] for s in run["skipped"]}
    assert skipped == {people["Salma"]["id"]: ["MEMBER_NOT_ACTIVE", "INSTALMENTS_NOT_SETTLED"],
                       people["Omar"]["id"]: ["MEMBER_NOT_ACTIVE", "INSTALMENTS_NOT_SETTLED"]}
    assert run["cutoffDate"] == "2026-06-30"
    lots = {lot["code"]: lot["status"] for lot in coop.ok("GET", f"/projects/{project['id']}/lots")}
    assert lots == {"A1": "RESERVED", "A2": "AVAILABLE", "A10": "RESERVED"}


def test_allocation_only_while_running(coop):
    group = coop.group()
    project = coop.ok("POST", f"/groups/{group['id']}/projects", {"name": "P"}, status=201)
    res = coop.call("POST", f"/groups/{group['id']}/allocations", {"projectId": project["id"]})
    assert res.status_code == 409 and res.json["code"] == "ALLOCATION_NOT_RUNNING"


def test_validate_needs_a_pv_then_assign_sign_and_delivery(coop, audit, outbox):
    gid, project, people = _ready(coop)
    allocation = _propose(coop, gid, project)["proposals"][0]
    aid = allocation["id"]
    res = coop.call("PATCH", f"/allocations/{aid}", {"action": "VALIDATE"})
    assert res.status_code == 409 and "DOC_PV" in res.json["message"]
    assert coop.call("PATCH", f"/allocations/{aid}", {"action": "ASSIGN"}).status_code == 409
    pv = coop.upload(f"/allocations/{aid}/documents", "DOC_PV").json["id"]
    validated = coop.ok("PATCH", f"/allocations/{aid}", {"action": "VALIDATE"})
    assert (validated["status"], validated["decisionDocumentId"]) == ("COOP_ALLOC_APPROVED", pv)
    assert [e.diff["context"]["documentId"] for e in audit(aid) if e.action == "COOP_ALLOCATION_VALIDATED"] == [pv]
    assert coop.ok("PATCH", f"/allocations/{aid}", {"action": "ASSIGN"})["status"] == "COOP_ALLOC_ASSIGNED"
    assert coop.call("PATCH", f"/allocations/{aid}", {"action": "SIGN"}).status_code == 409
    coop.upload(f"/allocations/{aid}/documents", "DOC_CONTRACT", name="contrat.pdf")
    assert coop.ok("PATCH", f"/allocations/{aid}", {"action": "SIGN"})["status"] == "COOP_ALLOC_SIGNED"
    for status in ("COOP_PROJECT_PERMITS", "COOP_PROJECT_CONTRACTING", "COOP_PROJECT_BUILDING",
                   "COOP_PROJECT_DELIVERY"):
        coop.ok("PATCH", f"/projects/{project['id']}", {"status": status})
    lots = {lot["code"]: lot["status"] for lot in coop.ok("GET", f"/projects/{project['id']}/lots")}
    assert lots["A1"] == "DELIVERED"
    templates = [(e["templateCode"], e["subjectId"]) for e in outbox("notification.requested")]
    assert (("EVT_COOP_ALLOCATION_ASSIGNED", people["Amina"]["id"]) in templates
            and ("EVT_COOP_ALLOCATION_PROPOSED", people["Amina"]["id"]) in templates)
    delivery = [e for e in outbox("notification.requested") if e["templateCode"] == "EVT_COOP_PROJECT_MILESTONE"
                and e["variables"]["milestone"] == "COOP_PROJECT_DELIVERY"]
    assert {e["subjectId"]: e["variables"].get("lot_code") for e in delivery}[people["Amina"]["id"]] == "A1"


def test_validation_rechecks_eligibility(coop):
    gid, project, people = _ready(coop)
    allocation = _propose(coop, gid, project)["proposals"][0]
    coop.ok("PATCH", f"/members/{people['Amina']['id']}", {"inDispute": True, "comment": "Contestation"})
    coop.upload(f"/allocations/{allocation['id']}/documents", "DOC_PV")
    res = coop.call("PATCH", f"/allocations/{allocation['id']}", {"action": "VALIDATE"})
    assert res.status_code == 409 and res.json["details"]["reasons"][0]["code"] == "MEMBER_IN_DISPUTE"
    assert coop.ok("GET", f"/allocations/{allocation['id']}")["status"] == "COOP_ALLOC_PROPOSED"


def test_a_rejected_lot_goes_to_the_next_eligible_member(coop):
    gid, project, people = _ready(coop, {"Amina": ["A2"], "Karim": ["A2"]})
    first = _propose(coop, gid, project)
    amina = next(p for p in first["proposals"] if p["memberId"] == people["Amina"]["id"])
    assert amina["lotCode"] == "A2"
    assert coop.call("PATCH", f"/allocations/{amina['id']}", {"action": "REJECT"}).status_code == 400
    coop.ok("PATCH", f"/allocations/{amina['id']}", {"action": "REJECT", "reason": "Refus du lot par le membre"})
    rerun = _propose(coop, gid, project)
    assert rerun["superseded"] == 1
    codes = {p["memberId"]: p["lotCode"] for p in rerun["proposals"]}
    assert codes == {people["Karim"]["id"]: "A2", people["Amina"]["id"]: "A1"}


def test_member_reads_only_their_own_allocation(coop):
    gid, project, people = _ready(coop)
    proposals = _propose(coop, gid, project)["proposals"]
    mine = coop.ok("GET", f"/groups/{gid}/allocations", roles="COOP_MEMBER", user="amina")["items"]
    assert [a["memberId"] for a in mine] == [people["Amina"]["id"]]
    karims = next(p for p in proposals if p["memberId"] == people["Karim"]["id"])
    assert coop.call("GET", f"/allocations/{karims['id']}", roles="COOP_MEMBER", user="amina").status_code == 403
    assert coop.call("PATCH", f"/allocations/{karims['id']}", {"action": "ASSIGN"}, roles="AUDITOR").status_code == 403
    assert coop.call("GET", f"/allocations/{karims['id']}", org=str(uuid.uuid4())).status_code == 404
    assert coop.call("POST", f"/groups/{gid}/allocations", {"projectId": project["id"]},
                     org=str(uuid.uuid4())).status_code == 404


def test_the_database_refuses_a_second_live_allocation_of_a_lot(coop, container):
    from atlas_coop.adapters.orm import Allocation
    gid, project, people = _ready(coop)
    taken = _propose(coop, gid, project)["proposals"][0]
    org = coop.org
    with container.platform.db.session(org) as session:
        session.add(Allocation(group_id=uuid.UUID(gid), project_id=uuid.UUID(project["id"]),
                               lot_id=uuid.UUID(taken["lotId"]), member_id=uuid.UUID(people["Salma"]["id"]),
                               fifo_rank=3, status="COOP_ALLOC_PROPOSED", cutoff_date=date.fromisoformat(taken["cutoffDate"]),
                               explanation={}, proposed_by="test", version=1))
        with pytest.raises(IntegrityError):
            session.flush()
