"""The ledger: declared payments with proof, managers' decisions, lateness and default, totals, CSV."""

import csv
import io
import uuid


def _setup(coop):
    group, (amina, karim) = coop.funded_group(2)  # users user-1 (Amina's) and user-2
    rows = {(r["memberId"], r["dueDate"]): r for r in coop.ledger(group["id"])}
    return group, amina, karim, rows


def _proof(coop, member, **who):
    res = coop.upload(f"/members/{member['id']}/documents", "DOC_PAYMENT_PROOF", **who)
    assert res.status_code == 201, res.json
    return res.json["id"]


def _declare(coop, group, row, amount, paid, proof, **who):
    return coop.call("POST", f"/groups/{group['id']}/contributions", {
        "contributionId": row["id"], "amountPaid": amount, "paidDate": paid, "method": "PAY_METHOD_CASH",
        "proofDocumentId": proof}, **who)


def test_a_member_declares_with_proof_and_a_manager_confirms(coop):
    group, amina, karim, rows = _setup(coop)
    me = {"roles": "COOP_MEMBER", "user": "user-1"}
    row = rows[(amina["id"], "2026-06-01")]
    proof = _proof(coop, amina, **me)
    declared = _declare(coop, group, row, "1000.00", "2026-03-09", proof, **me)
    assert declared.status_code == 201, declared.json
    assert (declared.json["status"], declared.json["amountPaid"], declared.json["method"]) == (
        "PENDING", "1000.00", "PAY_METHOD_CASH")
    assert coop.call("PATCH", f"/contributions/{row['id']}", {"action": "CONFIRM"}, **me).status_code == 403
    assert coop.call("PATCH", f"/contributions/{row['id']}", {"action": "CONFIRM"}, roles="AUDITOR").status_code == 403
    confirmed = coop.ok("PATCH", f"/contributions/{row['id']}", {"action": "CONFIRM"})
    assert confirmed["status"] == "CONFIRMED" and confirmed["decidedBy"]
    again = coop.call("PATCH", f"/contributions/{row['id']}", {"action": "REJECT", "reason": "oups"})
    assert again.status_code == 409 and again.json["code"] == "TRANSITION_NOT_ALLOWED"
    others = rows[(karim["id"], "2026-06-01")]
    assert _declare(coop, group, others, "1000.00", "2026-03-09", proof, **me).status_code == 403


def test_declarations_are_checked(coop):
    group, amina, karim, rows = _setup(coop)
    row = rows[(amina["id"], "2026-06-01")]
    proof = _proof(coop, amina)
    future = _declare(coop, group, row, "1000.00", "2026-04-01", proof)
    assert future.status_code == 400 and "paidDate" in future.json["details"]
    wrong_proof = _declare(coop, group, row, "1000.00", "2026-03-01", _proof(coop, karim))
    assert wrong_proof.status_code == 400 and "proofDocumentId" in wrong_proof.json["details"]
    short = _declare(coop, group, row, "999.99", "2026-03-01", proof)
    assert short.status_code == 400 and "Expected 1000.00 MAD" in short.json["details"]["amountPaid"][0]
    floats = _declare(coop, group, row, "1000.001", "2026-03-01", proof)
    assert floats.status_code == 400 and "amountPaid" in floats.json["details"]
    other_group = coop.group()
    assert coop.call("POST", f"/groups/{other_group['id']}/contributions", {
        "contributionId": row["id"], "amountPaid": "1000.00", "paidDate": "2026-03-01",
        "method": "PAY_METHOD_CASH", "proofDocumentId": proof}).status_code == 400
    assert _declare(coop, group, row, "1000.00", "2026-03-01", proof, org=str(uuid.uuid4())).status_code == 404
    assert coop.ok("GET", f"/contributions/{row['id']}")["status"] == "DUE"


def test_rejection_needs_a_reason_and_the_member_may_declare_again(coop):
    group, amina, _, rows = _setup(coop)
    row = rows[(amina["id"], "2026-06-01")]
    proof = _proof(coop, amina)
    assert _declare(coop, group, row, "1000.00", "2026-03-01", proof).status_code == 201
    missing = coop.call("PATCH", f"/contributions/{row['id']}", {"action": "REJECT"})
    assert missing.status_code == 400 and "reason" in missing.json["details"]
    rejected = coop.ok("PATCH", f"/contributions/{row['id']}", {"action": "REJECT", "reason": "Virement introuvable"})
    assert (rejected["status"], rejected["reason"]) == ("REJECTED", "Virement introuvable")
    assert _declare(coop, group, row, "1000.00", "2026-03-02", proof).json["status"] == "PENDING"


def test_late_instalment_has_its_penalty_and_puts_the_member_in_default(coop, outbox):
    group, amina, _, rows = _setup(coop)
    future = rows[(amina["id"], "2026-06-01")]
    early = coop.call("PATCH", f"/contributions/{future['id']}", {"action": "MARK_LATE"})
    assert early.status_code == 409 and "grace period" in early.json["message"]
    past = rows[(amina["id"], "2026-02-01")]
    late = coop.ok("PATCH", f"/contributions/{past['id']}", {"action": "MARK_LATE"})
    assert (late["status"], late["penalty"], late["total"], late["penaltyAsOf"]) == (
        "LATE", "15.00", "1015.00", "2026-03-10")
    assert coop.ok("GET", f"/members/{amina['id']}")["status"] == "COOP_MEMBER_IN_DEFAULT"
    notice = [e for e in outbox("notification.requested") if e["templateCode"] == "EVT_COOP_PAYMENT_LATE"]
    assert len(notice) == 1 and notice[0]["variables"]["penalty"] == "15.00"
    assert (notice[0]["planId"], notice[0]["planVersion"]) == (past["planId"], 1)
    on_time_price = _declare(coop, group, past, "1000.00", "2026-03-10", _proof(coop, amina))
    assert on_time_price.status_code == 400
    paid = _declare(coop, group, past, "1015.00", "2026-03-10", _proof(coop, amina))
    assert paid.status_code == 201
    coop.ok("PATCH", f"/contributions/{past['id']}", {"action": "CONFIRM"})
    assert coop.ok("GET", f"/members/{amina['id']}")["status"] == "COOP_MEMBER_ACTIVE"


def test_waiver_needs_a_reason_and_settles(coop, audit):
    group, amina, _, rows = _setup(coop)
    past = rows[(amina["id"], "2026-02-01")]
    coop.ok("PATCH", f"/contributions/{past['id']}", {"action": "MARK_LATE"})
    assert coop.call("PATCH", f"/contributions/{past['id']}", {"action": "WAIVE"}).status_code == 400
    waived = coop.ok("PATCH", f"/contributions/{past['id']}", {"action": "WAIVE", "reason": "Hospitalisation"})
    assert waived["status"] == "WAIVED"
    assert coop.ok("GET", f"/members/{amina['id']}")["status"] == "COOP_MEMBER_ACTIVE"
    (event,) = [e for e in audit(past["id"]) if e.action == "COOP_INSTALMENT_WAIVED"]
    assert event.diff["context"] == {"reason": "Hospitalisation"}


def test_totals_per_member_and_group(coop):
    group, amina, karim, rows = _setup(coop)
    coop.ok("PATCH", f"/contributions/{rows[(karim['id'], '2026-02-01')]['id']}", {"action": "MARK_LATE"})
    row = rows[(amina["id"], "2026-02-01")]
    _declare(coop, group, row, "1000.00", "2026-02-03", _proof(coop, amina))
    coop.ok("PATCH", f"/contributions/{row['id']}", {"action": "CONFIRM"})
    totals = coop.ok("GET", f"/groups/{group['id']}/contributions/totals")
    assert {k: totals["group"][k] for k in ("due", "paid", "late", "penalties", "outstanding")} == {
        "due": "6070.00", "paid": "1000.00", "late": "1000.00", "penalties": "15.00", "outstanding": "5085.00"}
    by_member = {m["displayName"]: m for m in totals["members"]}
    assert by_member["Membre 1"]["paid"] == "1000.00" and by_member["Membre 2"]["late"] == "1000.00"
    mine = coop.ok("GET", f"/groups/{group['id']}/contributions/totals", roles="COOP_MEMBER", user="user-2")
    assert [m["displayName"] for m in mine["members"]] == ["Membre 2"]


def test_csv_export_is_exact_and_scoped(coop):
    group, amina, _, _ = _setup(coop)
    res = coop.call("GET", f"/groups/{group['id']}/contributions", query_string={"format": "csv"})
    assert res.status_code == 200 and res.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(res.get_data(as_text=True))))
    assert len(table) == 6 and table[0]["amountDue"] == "1000.00" and table[4]["amountDue"] == "1035.00"
    also = coop.call("GET", f"/groups/{group['id']}/contributions/export.csv", query_string={"memberId": amina["id"]})
    assert len(list(csv.DictReader(io.StringIO(also.get_data(as_text=True))))) == 3
    mine = coop.call("GET", f"/groups/{group['id']}/contributions/export.csv", roles="COOP_MEMBER", user="user-1")
    assert {r["memberId"] for r in csv.DictReader(io.StringIO(mine.get_data(as_text=True)))} == {amina["id"]}
    assert coop.call("GET", f"/groups/{group['id']}/contributions/export.csv", roles="AGENT").status_code == 403


def test_an_instalment_belongs_to_its_members_and_plans_group(coop, container):
    """The database refuses an instalment whose member or plan is of another group; the bulk write
    refuses another organisation."""
    from datetime import date
    from decimal import Decimal

    import pytest
    from sqlalchemy.exc import IntegrityError

    from atlas_coop.adapters.bulk import insert_schedule
    from atlas_coop.adapters.orm import ContributionPlan
    from atlas_shared.db.tenancy import TenantScopeMissing
    from atlas_shared.db.types import utcnow

    group, (amina,) = coop.funded_group(1)
    other, _ = coop.funded_group(1)
    db = container.platform.db
    with db.session(coop.org) as session:
        plans = {str(p.group_id): p for p in session.query(ContributionPlan)}
    mine, theirs = plans[group["id"]], plans[other["id"]]
    due = [(date(2031, 1, 1), Decimal("1000.00"), 0, Decimal("1000.00"))]
    for group_id, plan in ((uuid.UUID(other["id"]), theirs), (uuid.UUID(group["id"]), theirs)):
        with db.session(coop.org) as session:
            with pytest.raises(IntegrityError):
                insert_schedule(session, org_id=uuid.UUID(coop.org), group_id=group_id, plan_id=plan.id,
                                plan_version=plan.version, member_ids=[uuid.UUID(amina["id"])], schedule=due,
                                now=utcnow())
                session.flush()
    with db.session(coop.org) as session, pytest.raises(TenantScopeMissing):
        insert_schedule(session, org_id=uuid.uuid4(), group_id=mine.group_id, plan_id=mine.id, plan_version=1,
                        member_ids=[uuid.UUID(amina["id"])], schedule=due, now=utcnow())
    with db.session(coop.org) as session:
        assert insert_schedule(session, org_id=uuid.UUID(coop.org), group_id=mine.group_id, plan_id=mine.id,
                               plan_version=1, member_ids=[uuid.UUID(amina["id"])], schedule=due,
                               now=utcnow()) == 1
        session.rollback()
