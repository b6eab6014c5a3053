"""Members: FIFO rank in joining order, KYC, consent published for outbound, rank changes, exclusion,
replacement, self-service, roles and tenancy."""

import uuid


def test_members_get_ranks_in_joining_order_and_start_pending_kyc(coop):
    group = coop.group()
    names = ["Amina", "Youssef", "Salma"]
    created = [coop.member(group["id"], n) for n in names]
    assert [(m["displayName"], m["fifoRank"], m["status"]) for m in created] == [
        (n, i + 1, "COOP_MEMBER_PENDING_KYC") for i, n in enumerate(names)]
    assert created[0]["phone"] == "+212612345678"
    listed = coop.ok("GET", f"/groups/{group['id']}/members", query_string={"memberStatus": "COOP_MEMBER_PENDING_KYC"})
    assert [m["fifoRank"] for m in listed["items"]] == [1, 2, 3]


def test_activation_needs_an_identity_document(coop):
    member = coop.member(coop.group()["id"], "Amina")
    res = coop.call("PATCH", f"/members/{member['id']}", {"status": "COOP_MEMBER_ACTIVE"})
    assert res.status_code == 409 and "DOC_IDENTITY" in res.json["message"]
    assert coop.activate(member["id"])["status"] == "COOP_MEMBER_ACTIVE"


def test_whatsapp_consent_is_captured_with_proof_and_published(coop, outbox):
    group = coop.group()
    res = coop.call("POST", f"/groups/{group['id']}/members",
                    {"displayName": "Amina", "phone": "0612345678", "whatsappConsent": {"status": "GRANTED"}})
    assert res.status_code == 400 and "proof" in res.json["details"]["whatsappConsent"]
    member = coop.member(group["id"], "Amina")
    assert member["whatsappConsent"]["status"] == "GRANTED"
    (event,) = outbox("consent.changed")
    assert {k: event[k] for k in ("subjectType", "subjectId", "channel", "status", "phone", "version")} == {
        "subjectType": "COOP_MEMBER", "subjectId": member["id"], "channel": "WHATSAPP", "status": "GRANTED",
        "phone": "+212612345678", "version": 1}
    coop.ok("PATCH", f"/members/{member['id']}", {"phone": "0698765432"})
    changed = outbox("consent.changed")[-1]
    assert (changed["status"], changed["phone"], changed["version"]) == ("REVOKED", "+212698765432", 2)


def test_rank_changes_need_a_justification_and_keep_ranks_unique(coop, audit):
    group = coop.group()
    a, b, c, d = (coop.member(group["id"], n) for n in ("A", "B", "C", "D"))
    res = coop.call("PATCH", f"/members/{d['id']}", {"fifoRank": 1})
    assert res.status_code == 400 and set(res.json["details"]) == {"justification", "rankChange"}
    coop.ok("PATCH", f"/members/{d['id']}", {"fifoRank": 2, "rankChange": "SWAP",
                                            "justification": "Erreur de saisie à l'adhésion (PV du 2 mars)"})
    ranks = lambda: {m["displayName"]: m["fifoRank"] for m in coop.ok(  # noqa: E731
        "GET", f"/groups/{group['id']}/members")["items"]}
    assert ranks() == {"A": 1, "D": 2, "C": 3, "B": 4}
    coop.ok("PATCH", f"/members/{c['id']}", {"fifoRank": 1, "rankChange": "SHIFT",
                                            "justification": "Priorité votée en assemblée"})
    assert ranks() == {"C": 1, "A": 2, "D": 3, "B": 4}
    (event,) = [e for e in audit(c["id"]) if e.action == "COOP_MEMBER_RANK_CHANGED"]
    assert event.diff["context"]["justification"] == "Priorité votée en assemblée"
    assert event.diff["context"]["changes"][a["id"]] == [1, 2]


def test_exclusion_needs_a_pv_and_a_replacement_takes_the_rank(coop, audit):
    group = coop.group()
    first = coop.member(group["id"], "Amina")
    coop.member(group["id"], "Youssef")
    res = coop.call("PATCH", f"/members/{first['id']}", {"status": "COOP_MEMBER_EXCLUDED", "comment": "Fraude"})
    assert res.status_code == 400 and "documentId" in res.json["details"]
    pv = coop.pv(group["id"])
    excluded = coop.ok("PATCH", f"/members/{first['id']}",
                       {"status": "COOP_MEMBER_EXCLUDED", "comment": "Fraude", "documentId": pv})
    assert excluded["status"] == "COOP_MEMBER_EXCLUDED"
    assert [e.diff["context"]["documentId"] for e in audit(first["id"]) if e.action == "COOP_MEMBER_EXCLUDED"] == [pv]
    no_pv = coop.call("POST", f"/groups/{group['id']}/members",
                      {"displayName": "Karim", "replacesMemberId": first["id"]})
    assert no_pv.status_code == 400
    newcomer = coop.member(group["id"], "Karim", replacesMemberId=first["id"], documentId=pv)
    assert newcomer["fifoRank"] == 1 and newcomer["replacesMemberId"] == first["id"]
    assert coop.ok("GET", f"/members/{first['id']}")["fifoRank"] is None
    again = coop.call("POST", f"/groups/{group['id']}/members",
                      {"displayName": "Nadia", "replacesMemberId": first["id"], "documentId": pv})
    assert again.status_code == 409


def test_a_member_sees_and_changes_only_their_own_record(coop):
    group = coop.group()
    mine = coop.member(group["id"], "Amina", userId="amina")
    other = coop.member(group["id"], "Youssef", userId="youssef")
    as_me = {"roles": "COOP_MEMBER", "user": "amina"}
    assert coop.ok("GET", f"/members/{mine['id']}", **as_me)["displayName"] == "Amina"
    assert coop.call("GET", f"/members/{other['id']}", **as_me).status_code == 403
    listed = coop.ok("GET", f"/groups/{group['id']}/members", **as_me)["items"]
    assert [m["id"] for m in listed] == [mine["id"]]
    changed = coop.ok("PATCH", f"/members/{mine['id']}", {"lotPreferences": ["A2", "A1", "A2"]}, **as_me)
    assert changed["lotPreferences"] == ["A2", "A1"]
    assert coop.call("PATCH", f"/members/{mine['id']}", {"fifoRank": 1, "rankChange": "SWAP",
                                                         "justification": "je veux"}, **as_me).status_code == 403
    assert coop.call("PATCH", f"/members/{mine['id']}", {"status": "COOP_MEMBER_ACTIVE"}, **as_me).status_code == 403


def test_dispute_flag_needs_a_comment(coop, audit):
    member = coop.member(coop.group()["id"], "Amina")
    assert coop.call("PATCH", f"/members/{member['id']}", {"inDispute": True}).status_code == 400
    assert coop.ok("PATCH", f"/members/{member['id']}", {"inDispute": True, "comment": "Contestation du rang"}
                   )["inDispute"] is True
    assert "COOP_MEMBER_DISPUTE_OPENED" in [e.action for e in audit(member["id"])]


def test_roles_and_tenancy(coop):
    group = coop.group()
    member = coop.member(group["id"], "Amina")
    other_org = str(uuid.uuid4())
    assert coop.call("GET", f"/members/{member['id']}", org=other_org).status_code == 404
    assert coop.call("GET", f"/groups/{group['id']}/members", org=other_org).status_code == 404
    assert coop.call("POST", f"/groups/{group['id']}/members", {"displayName": "X"}, org=other_org).status_code == 404
    assert coop.call("PATCH", f"/members/{member['id']}", {"displayName": "X"}, org=other_org).status_code == 404
    assert coop.call("GET", f"/members/{member['id']}", roles="AUDITOR").status_code == 200
    assert coop.call("PATCH", f"/members/{member['id']}", {"displayName": "X"}, roles="AUDITOR").status_code == 403
    assert coop.call("POST", f"/groups/{group['id']}/members", {"displayName": "X"}, roles="AGENT").status_code == 403
    bad = coop.call("POST", f"/groups/{group['id']}/members", {"displayName": "X", "phone": "12"})
    assert bad.status_code == 400 and "phone" in bad.json["details"]
