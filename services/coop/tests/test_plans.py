"""Plan versions: adopted with a PV, never edited; a new version recomputes only the instalments not
yet due, leaving confirmed and past ones untouched; members read the result as an explained table."""

import uuid

V1 = [{"dueDate": d, "amount": "1000.00"} for d in ("2026-02-01", "2026-06-01", "2027-02-01", "2027-06-01")]


def _by_member(coop, group_id):
    rows = {}
    for row in coop.ledger(group_id):
        rows.setdefault(row["memberId"], {})[row["dueDate"]] = row
    return rows


def _pay(coop, member, row, paid_date="2026-03-01"):
    proof = coop.upload(f"/members/{member['id']}/documents", "DOC_PAYMENT_PROOF").json["id"]
    declared = coop.ok("POST", f"/groups/{row['groupId']}/contributions", status=201, json={
        "contributionId": row["id"], "amountPaid": row["total"], "paidDate": paid_date,
        "method": "PAY_METHOD_BANK_TRANSFER", "proofDocumentId": proof})
    return coop.ok("PATCH", f"/contributions/{declared['id']}", {"action": "CONFIRM"})


def test_a_plan_needs_its_pv_and_valid_terms(coop):
    group = coop.group()
    res = coop.call("POST", f"/groups/{group['id']}/contribution-plans", {
        "effectiveFrom": "2026-03-01", "instalments": [{"dueDate": "2026-02-01", "amount": "10.005"}],
        "decisionDocumentId": str(uuid.uuid4()), "penalty": {"type": "FLAT", "value": "12.345"}})
    assert res.status_code == 400
    assert {"instalments", "penalty"} <= set(res.json["details"])
    res = coop.call("POST", f"/groups/{group['id']}/contribution-plans", {
        "effectiveFrom": "2026-03-01", "instalments": [{"dueDate": "2026-02-01", "amount": "10"}],
        "decisionDocumentId": str(uuid.uuid4())})
    assert res.status_code == 400
    assert set(res.json["details"]) == {"instalments[0].dueDate", "decisionDocumentId"}


def test_versions_are_kept_and_explained(coop):
    group = coop.group()
    first = coop.plan(group["id"], instalments=V1)
    second = coop.plan(group["id"], instalments=V1[:2], indexation=None)
    assert (first["version"], second["version"]) == (1, 2)
    plans = coop.ok("GET", f"/groups/{group['id']}/contribution-plans")
    assert [p["version"] for p in plans] == [2, 1]
    assert "pas d'indexation" in plans[0]["explanation"] and "3,5 %" in plans[1]["explanation"]
    assert plans[1]["instalments"][2] == {"dueDate": "2027-02-01", "amount": "1000.00"}
    assert coop.ok("GET", f"/groups/{group['id']}")["currentPlan"]["version"] == 2


def test_new_version_recomputes_only_what_is_not_yet_due(coop):
    group = coop.group()
    amina, karim = (coop.member(group["id"], n) for n in ("Amina", "Karim"))
    for m in (amina, karim):
        coop.activate(m["id"])
    coop.plan(group["id"], instalments=V1)
    coop.open_funding(group["id"])
    rows = _by_member(coop, group["id"])
    assert [r["amountDue"] for r in rows[amina["id"]].values()] == ["1000.00", "1000.00", "1035.00", "1035.00"]
    _pay(coop, amina, rows[amina["id"]]["2026-02-01"], "2026-02-05")
    _pay(coop, amina, rows[amina["id"]]["2026-06-01"])  # paid early: confirmed, not yet due
    before = _by_member(coop, group["id"])

    too_early = coop.call("POST", f"/groups/{group['id']}/contribution-plans", {
        "effectiveFrom": "2026-03-10", "instalments": [{"dueDate": "2026-06-01", "amount": "1200"}],
        "decisionDocumentId": coop.pv(group["id"])})
    assert too_early.status_code == 400 and "effectiveFrom" in too_early.json["details"]

    v2 = coop.plan(group["id"], effectiveFrom="2026-04-01", indexation={"type": "PERCENT_PER_YEAR", "rate": "5"},
                   instalments=[{"dueDate": "2026-06-01", "amount": "1200.00"},
                                {"dueDate": "2027-06-01", "amount": "1200.00"},
                                {"dueDate": "2027-09-01", "amount": "500.00"}])
    assert v2["recalculation"] == {"updated": 3, "unchanged": 0, "removed": 2, "added": 2, "keptDeclared": 1}
    after = _by_member(coop, group["id"])
    for member in (amina, karim):  # past instalments never change
        assert after[member["id"]]["2026-02-01"] == before[member["id"]]["2026-02-01"]
    assert after[amina["id"]]["2026-06-01"] == before[amina["id"]]["2026-06-01"]  # confirmed: untouched
    assert (after[karim["id"]]["2026-06-01"]["amountDue"], after[karim["id"]]["2026-06-01"]["planVersion"]) == (
        "1200.00", 2)
    for member in (amina, karim):
        assert "2027-02-01" not in after[member["id"]]
        assert after[member["id"]]["2027-06-01"]["amountDue"] == "1260.00"   # 1200 × 1.05^1
        assert after[member["id"]]["2027-09-01"]["amountDue"] == "525.00"    # 500 × 1.05^1


def test_the_member_reads_a_schedule_table_with_its_calculations(coop):
    group = coop.group()
    member = coop.member(group["id"], "Amina", userId="amina")
    coop.plan(group["id"], instalments=V1)
    projected = coop.ok("GET", f"/members/{member['id']}/schedule", roles="COOP_MEMBER", user="amina")
    assert projected["projected"] is True and len(projected["rows"]) == 4
    coop.activate(member["id"])
    coop.open_funding(group["id"])
    schedule = coop.ok("GET", f"/members/{member['id']}/schedule", roles="COOP_MEMBER", user="amina")
    assert schedule["projected"] is False
    row = schedule["rows"][2]
    assert {k: row[k] for k in ("dueDate", "base", "indexation", "penalty", "total", "planVersion")} == {
        "dueDate": "2027-02-01", "base": "1000.00", "indexation": "35.00", "penalty": "0.00", "total": "1035.00",
        "planVersion": 1}
    assert row["calculation"]["indexation"] == "1 000,00 × (1 + 3,5 %)^1 = 1 035,00"
    assert "années entières" in schedule["explanation"]
    assert schedule["totals"]["due"] == "4070.00"
    other = coop.member(group["id"], "Karim", userId="karim")
    assert coop.call("GET", f"/members/{other['id']}/schedule", roles="COOP_MEMBER", user="amina").status_code == 403


def test_plan_roles_and_tenancy(coop):
    group = coop.group()
    body = {"effectiveFrom": "2026-01-01", "instalments": V1, "decisionDocumentId": coop.pv(group["id"])}
    assert coop.call("POST", f"/groups/{group['id']}/contribution-plans", body, roles="AUDITOR").status_code == 403
    assert coop.call("POST", f"/groups/{group['id']}/contribution-plans", body,
                     org=str(uuid.uuid4())).status_code == 404
    assert coop.call("GET", f"/groups/{group['id']}/contribution-plans", org=str(uuid.uuid4())).status_code == 404
    assert coop.call("GET", f"/groups/{group['id']}/contribution-plans", roles="AUDITOR").status_code == 200
