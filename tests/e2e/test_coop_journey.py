"""A housing co-operative's whole journey through the gateway: group, five members (one without
KYC), a plan adopted by PV, funding, payments (one member late past grace), project and lots, FIFO
allocation (the late and the un-KYC'd members skipped with their reasons), validation by PV,
assignment, delivery; notifications requested exactly once; timeline and audit trail complete."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Uuid, bindparam, create_engine, text

from atlas_shared.cli.devstack import SERVICES
from atlas_shared.testing import make_token

pytestmark = pytest.mark.slow

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
NAMES = ("Amina", "Karim", "Salma", "Omar", "Nadia")  # FIFO ranks 1..5; Omar never passes KYC


class Coop:
    def __init__(self, api: Any, org: str) -> None:
        self.api, self.org = api, org

    def headers(self, roles: str = "COOP_MANAGER", user: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {make_token([self.org], roles, user_id=user)}", "X-Org-Id": self.org}

    def call(self, method: str, path: str, status: int, roles: str = "COOP_MANAGER", user: str | None = None,
             **kwargs: Any) -> Any:
        res = self.api.request(method, f"/api/v1/coop{path}", headers=self.headers(roles, user), **kwargs)
        assert res.status_code == status, (method, path, res.status_code, res.text[:800])
        return res.json() if res.content and res.headers.get("Content-Type", "").startswith("application/json") \
            else res

    def upload(self, path: str, doc_type: str, data: bytes = PDF, name: str = "pv.pdf", mime: str = "application/pdf",
               **who: Any) -> str:
        return self.call("POST", path, 201, files={"file": (name, data, mime)}, data={"type": doc_type}, **who)["id"]

    def pv(self, group_id: str) -> str:
        return self.upload(f"/groups/{group_id}/documents", "DOC_PV")

    def move(self, group_id: str, status: str, **extra: Any) -> dict[str, Any]:
        return self.call("PATCH", f"/groups/{group_id}", 200, json={"status": status, **extra})


def _coop_database(api: Any) -> str:
    svc = next(s for s in SERVICES if s.name == "coop")
    return api.stack.database_url(svc)


def test_coop_journey(api):
    api.require("coop")
    today = date.today()
    coop = Coop(api, str(uuid.uuid4()))
    group = coop.call("POST", "/groups", 201, json={"name": "Coopérative Al Amal", "city": "Rabat"})
    gid = group["id"]

    members = {}
    for name in NAMES:
        members[name] = coop.call("POST", f"/groups/{gid}/members", 201, json={
            "displayName": name, "phone": "+212 6 12 34 56 78", "userId": f"user-{name.lower()}",
            "lotPreferences": ["A2"] if name == "Karim" else [],
            "whatsappConsent": {"status": "GRANTED", "proof": f"Bulletin d'adhésion signé par {name}"}})
    assert [members[n]["fifoRank"] for n in NAMES] == [1, 2, 3, 4, 5]
    for name in ("Amina", "Karim", "Salma", "Nadia"):
        mid = members[name]["id"]
        coop.upload(f"/members/{mid}/documents", "DOC_IDENTITY", PNG, "cin.png", "image/png",
                    roles="COOP_MEMBER", user=f"user-{name.lower()}")
        assert coop.call("PATCH", f"/members/{mid}", 200, json={"status": "COOP_MEMBER_ACTIVE"})["status"] == \
            "COOP_MEMBER_ACTIVE"
    coop.move(gid, "COOP_GROUP_KYC_READY")

    first_due, second_due = today - timedelta(days=40), today + timedelta(days=90)
    plan = coop.call("POST", f"/groups/{gid}/contribution-plans", 201, json={
        "effectiveFrom": (today - timedelta(days=60)).isoformat(), "graceDays": 10, "cutoffDate": today.isoformat(),
        "instalments": [{"dueDate": first_due.isoformat(), "amount": "1500.00"},
                        {"dueDate": second_due.isoformat(), "amount": "1500.00"}],
        "indexation": {"type": "PERCENT_PER_YEAR", "rate": "3"},
        "penalty": {"type": "PERCENT_PER_MONTH", "value": "2"}, "decisionDocumentId": coop.pv(gid)})
    refused = api.request("PATCH", f"/api/v1/coop/groups/{gid}", headers=coop.headers(),
                          json={"status": "COOP_GROUP_FUNDING_OPEN"})
    api.assert_error(refused, 400, "VALIDATION_ERROR")
    coop.move(gid, "COOP_GROUP_FUNDING_OPEN", documentId=coop.pv(gid))

    ledger = coop.call("GET", f"/groups/{gid}/contributions", 200, params={"size": 100})["items"]
    assert len(ledger) == 10 and {r["amountDue"] for r in ledger} == {"1500.00"}
    first = {r["memberId"]: r for r in ledger if r["dueDate"] == first_due.isoformat()}
    for name in ("Amina", "Karim", "Nadia"):
        who = {"roles": "COOP_MEMBER", "user": f"user-{name.lower()}"}
        mid = members[name]["id"]
        proof = coop.upload(f"/members/{mid}/documents", "DOC_PAYMENT_PROOF", name="virement.pdf", **who)
        coop.call("POST", f"/groups/{gid}/contributions", 201, json={
            "contributionId": first[mid]["id"], "amountPaid": "1500.00",
            "paidDate": (first_due - timedelta(days=2)).isoformat(), "method": "PAY_METHOD_BANK_TRANSFER",
            "proofDocumentId": proof}, **who)
        assert coop.call("PATCH", f"/contributions/{first[mid]['id']}", 200, json={"action": "CONFIRM"})[
            "status"] == "CONFIRMED"
    late = coop.call("PATCH", f"/contributions/{first[members['Salma']['id']]['id']}", 200,
                     json={"action": "MARK_LATE"})
    assert (late["status"], late["penalty"]) == ("LATE", "30.00")  # 1 started period × 2 % × 1500.00
    assert coop.call("GET", f"/members/{members['Salma']['id']}", 200)["status"] == "COOP_MEMBER_IN_DEFAULT"

    coop.move(gid, "COOP_GROUP_THRESHOLD_REACHED")
    coop.move(gid, "COOP_GROUP_FUNDING_CLOSED", documentId=coop.pv(gid))
    project = coop.call("POST", f"/groups/{gid}/projects", 201, json={"name": "Résidence Al Amal",
                                                                     "budgetTotal": "4500000.00"})
    for code in ("A1", "A2", "A3"):
        coop.call("POST", f"/projects/{project['id']}/lots", 201, json={
            "code": code, "type": "T3", "surfaceM2": "84.50", "floor": 1, "priceReference": "900000.00"})
    coop.move(gid, "COOP_GROUP_ALLOCATION_RUNNING")

    run = coop.call("POST", f"/groups/{gid}/allocations", 201, json={"projectId": project["id"]})
    by_name = {m["id"]: n for n, m in members.items()}
    assert [(by_name[p["memberId"]], p["lotCode"]) for p in run["proposals"]] == [
        ("Amina", "A1"), ("Karim", "A2"), ("Nadia", "A3")]
    skipped = {by_name[s["memberId"]]: {r["code"] for r in s["reasons"]} for s in run["skipped"]}
    assert skipped == {"Salma": {"MEMBER_NOT_ACTIVE", "INSTALMENTS_NOT_SETTLED"},
                       "Omar": {"MEMBER_NOT_ACTIVE", "INSTALMENTS_NOT_SETTLED"}}
    for proposal in run["proposals"]:
        assert proposal["explanation"]["rank"] == members[by_name[proposal["memberId"]]]["fifoRank"]
        coop.upload(f"/allocations/{proposal['id']}/documents", "DOC_PV")
        assert coop.call("PATCH", f"/allocations/{proposal['id']}", 200, json={"action": "VALIDATE"})[
            "status"] == "COOP_ALLOC_APPROVED"
        assert coop.call("PATCH", f"/allocations/{proposal['id']}", 200, json={"action": "ASSIGN"})[
            "status"] == "COOP_ALLOC_ASSIGNED"
    mine = coop.call("GET", f"/groups/{gid}/allocations", 200, roles="COOP_MEMBER", user="user-karim")["items"]
    assert [(a["lotCode"], a["status"]) for a in mine] == [("A2", "COOP_ALLOC_ASSIGNED")]

    for status in ("COOP_PROJECT_PERMITS", "COOP_PROJECT_CONTRACTING", "COOP_PROJECT_BUILDING",
                   "COOP_PROJECT_DELIVERY"):
        coop.call("PATCH", f"/projects/{project['id']}", 200, json={"status": status})
    lots = coop.call("GET", f"/projects/{project['id']}/lots", 200)
    assert {lot["code"]: lot["status"] for lot in lots} == {"A1": "DELIVERED", "A2": "DELIVERED", "A3": "DELIVERED"}

    _notifications_requested_once(api, coop, gid, members, plan)
    _timeline_complete(coop, gid)
    _audit_complete(api, coop.org, gid)
    _outbound_received_once(api, coop.org)


def _notifications_requested_once(api: Any, coop: Coop, gid: str, members: dict[str, Any], plan: dict[str, Any]):
    items = coop.call("GET", f"/groups/{gid}/notifications", 200, params={"size": 100})["items"]
    assert all(n["status"] == "REQUESTED" for n in items)  # everyone consented
    counts = Counter(n["templateCode"] for n in items)
    assert counts["EVT_COOP_PV_PUBLISHED"] == 5 and counts["EVT_COOP_CALL_FOR_FUNDS"] == 5
    assert counts["EVT_COOP_PAYMENT_LATE"] == 1 and counts["EVT_COOP_ALLOCATION_PROPOSED"] == 3
    assert counts["EVT_COOP_ALLOCATION_ASSIGNED"] == 3
    assert len({n["notificationKey"] for n in items}) == len(items)
    call = next(n for n in items if n["templateCode"] == "EVT_COOP_CALL_FOR_FUNDS")
    assert (call["variables"]["plan_id"], call["variables"]["plan_version"]) == (plan["id"], "1")
    delivered = [n for n in items if n["templateCode"] == "EVT_COOP_PROJECT_MILESTONE"
                 and n["variables"]["milestone"] == "COOP_PROJECT_DELIVERY"]
    assert sorted(n["variables"].get("lot_code", "-") for n in delivered) == ["-", "-", "A1", "A2", "A3"]


def _timeline_complete(coop: Coop, gid: str) -> None:
    items = coop.call("GET", f"/groups/{gid}/timeline", 200, params={"size": 100,
                                                                   "type": "ACT_STATUS_CHANGE"})["items"]
    reached = {a["data"]["to"] for a in items if a["entityType"] == "COOP_GROUP"}
    assert reached == {"COOP_GROUP_KYC_READY", "COOP_GROUP_FUNDING_OPEN", "COOP_GROUP_THRESHOLD_REACHED",
                       "COOP_GROUP_FUNDING_CLOSED", "COOP_GROUP_ALLOCATION_RUNNING"}
    opened = next(a for a in items if a["data"]["to"] == "COOP_GROUP_FUNDING_OPEN")
    assert opened["data"]["documentId"]
    documents = coop.call("GET", f"/groups/{gid}/timeline", 200, params={"type": "ACT_DOCUMENT_LOG", "size": 100})
    assert documents["total"] == 3 + 4 + 3 + 3  # group PVs, identities, payment proofs, allocation PVs


def _coop_rows(api: Any, sql: str, **params: Any) -> list[Any]:
    statement = text(sql)
    if "org" in params:
        statement = statement.bindparams(bindparam("org", type_=Uuid()))
    engine = create_engine(_coop_database(api))
    try:
        with engine.connect() as conn:
            return list(conn.execute(statement, params))
    finally:
        engine.dispose()


def _audit_complete(api: Any, org: str, gid: str) -> None:
    """The coop's own audit rows (each also shipped as audit.recorded through its outbox)."""
    actions = Counter(row[0] for row in _coop_rows(api, "SELECT action FROM audit_events WHERE org_id = :org",
                                                   org=uuid.UUID(org)))
    for action in ("COOP_FUNDING_OPENED", "COOP_FUNDING_CLOSED", "COOP_PLAN_VERSION_CREATED",
                   "COOP_ALLOCATION_RUN", "COOP_PAYMENT_DECLARED", "COOP_PAYMENT_CONFIRMED",
                   "COOP_INSTALMENT_MARKED_LATE", "COOP_ALLOCATION_VALIDATED", "COOP_ALLOCATION_ASSIGNED",
                   "COOP_PROJECT_STATUS_CHANGED", "COOP_MEMBER_STATUS_CHANGED", "DOCUMENT_UPLOADED"):
        assert actions[action] >= 1, (action, actions)
    assert actions["COOP_ALLOCATION_VALIDATED"] == 3 and actions["COOP_PAYMENT_CONFIRMED"] == 3
    shipped = _coop_rows(api, "SELECT envelope FROM outbox WHERE event_type = 'audit.recorded'")
    assert sum(1 for (envelope,) in shipped if _json(envelope)["org_id"] == org) == sum(actions.values())


def _json(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else json.loads(value)


def _outbound_received_once(api: Any, org: str) -> None:
    """Each notification the coop requested reaches the outbound service exactly once (by its
    notificationKey); until outbound serves its message list, the coop outbox is the evidence."""
    queued = [_json(e)["payload"] for (e,) in _coop_rows(
        api, "SELECT envelope FROM outbox WHERE event_type = 'notification.requested'")
        if _json(e)["org_id"] == org]
    wanted = Counter(p["notificationKey"] for p in queued)
    assert queued and max(wanted.values()) == 1
    if api.get("/api/v1/outbound/messages", org=org, params={"size": 1}).status_code != 200:
        return

    def received() -> Counter[str] | None:
        keys: Counter[str] = Counter()
        page = 1
        while True:
            body = api.get("/api/v1/outbound/messages", org=org, params={"size": 100, "page": page}).json()
            keys.update(m["notificationKey"] for m in body["items"] if m.get("notificationKey"))
            if page * body["size"] >= body["total"]:
                return keys if set(keys) >= set(wanted) else None
            page += 1

    keys = api.eventually(received, f"the {len(wanted)} coop notifications in the outbound service")
    assert {k: n for k, n in keys.items() if k in wanted} == dict(wanted)  # each exactly once
