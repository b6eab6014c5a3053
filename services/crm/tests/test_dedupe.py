"""Creating a dossier for a contact who already has an open one returns that one (domain.md section 4)."""

import uuid

LISTING_A, LISTING_B = str(uuid.uuid4()), str(uuid.uuid4())


def create(api, headers=None, **body):
    return api.call("POST", "/api/v1/dossiers", headers, json={"contactName": "Youssef", **body})


def test_same_phone_in_another_format_returns_the_open_dossier_and_logs_it(api):
    first = create(api, phone="0612345678", email="y@example.ma").json
    twin = create(api, phone="+212 6 12 34 56 78", contactName="Youssef B.", budgetMax=900000)
    assert twin.status_code == 200 and twin.json["id"] == first["id"]
    assert twin.json["contactName"] == "Youssef"  # the existing dossier is returned as it is
    [merged] = api.activities(first["id"], "ACT_SYSTEM")
    assert merged.content == "Duplicate lead merged"
    assert merged.details["submitted"]["contactName"] == "Youssef B."  # nothing submitted is lost
    assert merged.details["submitted"]["budgetMax"] == "900000.00"
    assert api.call("GET", "/api/v1/dossiers").json["total"] == 1
    assert len(api.events("dossier.created")) == 1


def test_the_listing_counts_when_given(api):
    first = create(api, phone="0612345678", annonceId=LISTING_A).json
    assert create(api, phone="0612345678", annonceId=LISTING_A).json["id"] == first["id"]
    other_listing = create(api, phone="0612345678", annonceId=LISTING_B)
    assert other_listing.status_code == 201 and other_listing.json["id"] != first["id"]
    no_listing = create(api, phone="0612345678")
    assert no_listing.status_code == 200 and no_listing.json["id"] == first["id"]  # the oldest open one


def test_stakeholder_phones_count_too(api):
    dossier = api.dossier(phone="0611000000")
    api.call("POST", "/api/v1/parties-prenantes", json={"dossierId": dossier["id"], "role": "BUYER",
                                                        "fullName": "Épouse", "phone": "0699887766"})
    res = create(api, phone="06 99 88 77 66")
    assert res.status_code == 200 and res.json["id"] == dossier["id"]


def test_closed_dossiers_and_other_tenants_do_not_count(api, other_org):
    dossier = api.dossier(phone="0612345678")
    api.move(dossier["id"], "CRM_CLOSED_LOST", lossReason="NO_RESPONSE")
    assert create(api, phone="0612345678").status_code == 201
    assert create(other_org, headers=other_org.admin, phone="0612345678").status_code == 201


def test_the_org_policy_decides(api):
    first = create(api, phone="0612345678", annonceId=LISTING_A).json
    api.call("PUT", "/api/v1/admin/org-settings", json={"dedupePolicy": "PHONE"})
    assert create(api, phone="0612345678", annonceId=LISTING_B).json["id"] == first["id"]
    api.call("PUT", "/api/v1/admin/org-settings", json={"dedupePolicy": "OFF"})
    assert create(api, phone="0612345678", annonceId=LISTING_A).status_code == 201


def test_b2b_demo_requests_and_property_leads_never_merge(api):
    lead = api.dossier(phone="0612345678")
    demo = create(api, phone="0612345678", caseType="CRM_LEAD_B2B_DEMO")
    assert demo.status_code == 201 and demo.json["id"] != lead["id"]
    again = create(api, phone="0612345678", caseType="CRM_LEAD_B2B_DEMO")
    assert again.status_code == 200 and again.json["id"] == demo.json["id"]


def test_an_agent_hitting_a_colleagues_dossier_is_told_without_seeing_it(api):
    theirs = api.dossier(phone="0612345678", assignedTo="agent-2")
    res = create(api, api.as_("AGENT", "agent-1"), phone="0612345678", contactName="Walk-in")
    assert res.status_code == 409 and res.json["code"] == "DUPLICATE_DOSSIER"
    assert res.json["details"] == {"dossierId": theirs["id"]}
    [merged] = api.activities(theirs["id"], "ACT_SYSTEM")
    assert merged.details["submitted"]["contactName"] == "Walk-in"
