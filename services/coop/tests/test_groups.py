"""Groups: creation, reading, listing with filters, the COOP_GROUP workflow and its guards."""

import uuid


def test_manager_creates_a_group_in_formation_and_reads_it_back(coop):
    group = coop.group()
    assert group["status"] == "COOP_GROUP_FORMATION"
    assert group["currentPlan"] is None
    assert [t["to"] for t in group["availableTransitions"]] == [
        "COOP_GROUP_KYC_READY", "COOP_GROUP_ON_HOLD", "COOP_GROUP_CANCELLED"]
    read = coop.ok("GET", f"/groups/{group['id']}")
    assert read["name"] == "Les Jardins de Salé" and read["city"] == "Salé"


def test_list_filters_by_status_and_city(coop):
    a, b = coop.group(city="Rabat"), coop.group(city="Fès")
    coop.ok("PATCH", f"/groups/{b['id']}", {"status": "COOP_GROUP_ON_HOLD", "comment": "Terrain en attente"})
    assert [g["id"] for g in coop.ok("GET", "/groups", query_string={"city": "rabat"})["items"]] == [a["id"]]
    held = coop.ok("GET", "/groups", query_string={"status": "COOP_GROUP_ON_HOLD"})
    assert [g["id"] for g in held["items"]] == [b["id"]]


def test_validation_errors_use_the_standard_body(coop):
    res = coop.call("POST", "/groups", {"name": "", "orgId": "x"})
    assert res.status_code == 400 and res.json["code"] == "VALIDATION_ERROR"
    assert set(res.json["details"]) == {"name", "city", "orgId"}
    res = coop.call("PATCH", f"/groups/{coop.group()['id']}", {"status": "COOP_GROUP_PARTY"})
    assert res.status_code == 400 and "status" in res.json["details"]


def test_workflow_refuses_a_skipped_step_and_changes_nothing(coop):
    group = coop.group()
    res = coop.status(group["id"], "COOP_GROUP_ALLOCATION_RUNNING")
    assert res.status_code == 409 and res.json["code"] == "TRANSITION_NOT_ALLOWED"
    assert res.json["details"]["allowed"] == ["COOP_GROUP_CANCELLED", "COOP_GROUP_KYC_READY", "COOP_GROUP_ON_HOLD"]
    assert coop.ok("GET", f"/groups/{group['id']}")["status"] == "COOP_GROUP_FORMATION"


def test_kyc_ready_needs_an_active_member(coop):
    group = coop.group()
    member = coop.member(group["id"], "Amina")
    res = coop.status(group["id"], "COOP_GROUP_KYC_READY")
    assert res.status_code == 409 and "KYC" in res.json["message"]
    coop.activate(member["id"])
    assert coop.status(group["id"], "COOP_GROUP_KYC_READY").status_code == 200


def test_funding_opens_only_with_a_validated_plan_and_a_pv(coop):
    group = coop.group()
    coop.activate(coop.member(group["id"], "Amina")["id"])
    coop.status(group["id"], "COOP_GROUP_KYC_READY")
    missing_pv = coop.status(group["id"], "COOP_GROUP_FUNDING_OPEN")
    assert missing_pv.status_code == 400 and "documentId" in missing_pv.json["details"]
    no_plan = coop.status(group["id"], "COOP_GROUP_FUNDING_OPEN", documentId=coop.pv(group["id"]))
    assert no_plan.status_code == 409 and "contribution plan" in no_plan.json["message"]
    coop.plan(group["id"])
    other_doc = coop.upload(f"/groups/{group['id']}/documents", "DOC_OTHER").json["id"]
    not_a_pv = coop.status(group["id"], "COOP_GROUP_FUNDING_OPEN", documentId=other_doc)
    assert not_a_pv.status_code == 409 and "DOC_PV" in not_a_pv.json["message"]
    opened = coop.status(group["id"], "COOP_GROUP_FUNDING_OPEN", documentId=coop.pv(group["id"]))
    assert opened.status_code == 200 and opened.json["status"] == "COOP_GROUP_FUNDING_OPEN"


def test_allocation_needs_lots_and_on_hold_resumes_where_it_stopped(coop):
    group, _ = coop.funded_group(1)
    gid = group["id"]
    assert coop.status(gid, "COOP_GROUP_FUNDING_CLOSED", documentId=coop.pv(gid)).status_code == 409
    assert coop.status(gid, "COOP_GROUP_THRESHOLD_REACHED").status_code == 200
    assert coop.status(gid, "COOP_GROUP_FUNDING_CLOSED", documentId=coop.pv(gid)).status_code == 200
    assert coop.status(gid, "COOP_GROUP_ALLOCATION_RUNNING").status_code == 409
    project = coop.ok("POST", f"/groups/{gid}/projects", {"name": "Résidence Al Amal"}, status=201)
    coop.ok("POST", f"/projects/{project['id']}/lots",
            {"code": "A1", "type": "T3", "surfaceM2": "82.5", "priceReference": "650000"}, status=201)
    assert coop.status(gid, "COOP_GROUP_ON_HOLD", comment="Assemblée reportée").status_code == 200
    wrong = coop.status(gid, "COOP_GROUP_KYC_READY")
    assert wrong.status_code == 409 and "COOP_GROUP_FUNDING_CLOSED" in wrong.json["message"]
    assert coop.status(gid, "COOP_GROUP_FUNDING_CLOSED").status_code == 200
    assert coop.status(gid, "COOP_GROUP_ALLOCATION_RUNNING").json["status"] == "COOP_GROUP_ALLOCATION_RUNNING"


def test_status_changes_are_on_the_timeline_and_audited(coop, container):
    from atlas_shared.db.platform import AuditEvent
    group, _ = coop.funded_group(1)
    timeline = coop.ok("GET", f"/groups/{group['id']}/timeline", query_string={"type": "ACT_STATUS_CHANGE",
                                                                              "size": 50})["items"]
    opened = next(a for a in timeline if a["data"].get("to") == "COOP_GROUP_FUNDING_OPEN")
    assert opened["data"]["from"] == "COOP_GROUP_KYC_READY" and opened["data"]["documentId"]
    with container.platform.db.session(tenant_bypass=True) as session:
        audit = session.query(AuditEvent).filter_by(entity_id=group["id"], action="COOP_FUNDING_OPENED").one()
    assert audit.diff["context"]["documentId"] == opened["data"]["documentId"]
    assert audit.diff["context"]["funding"]["instalments"] == 3
    funding = audit.diff["context"]["funding"]  # one event summarises the generation
    assert audit.actor and (funding["planVersion"], funding["members"], funding["instalmentsPerMember"]) == (1, 1, 3)


def test_roles_and_tenancy(coop):
    group = coop.group()
    other_org = str(uuid.uuid4())
    assert coop.call("GET", f"/groups/{group['id']}", org=other_org).status_code == 404
    assert coop.call("PATCH", f"/groups/{group['id']}", {"name": "x"}, org=other_org).status_code == 404
    for role in ("AGENT", "MANAGER", "MODERATOR"):
        assert coop.call("GET", "/groups", roles=role).status_code == 403
    assert coop.call("GET", f"/groups/{group['id']}", roles="AUDITOR").status_code == 200
    denied = coop.call("PATCH", f"/groups/{group['id']}", {"name": "x"}, roles="AUDITOR")
    assert denied.status_code == 403 and denied.json["code"] == "FORBIDDEN"
    assert coop.call("POST", "/groups", {"name": "x", "city": "y"}, roles="COOP_MEMBER").status_code == 403
    assert coop.call("GET", f"/groups/{group['id']}", roles="COOP_MEMBER", user="stranger").status_code == 403
    assert coop.call("GET", "/groups", roles="ADMIN_ORG").json["total"] == 1
