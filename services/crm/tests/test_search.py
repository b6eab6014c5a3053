"""Full-text search: what it finds, in which order, and for whom (runs on SQLite and PostgreSQL)."""

import pytest
from sqlalchemy import delete, func, select

from atlas_crm.adapters.orm import SearchDocument
from atlas_crm.insights_testing import Consumers, listing
from atlas_crm.service_layer.search import rebuild_index


@pytest.fixture
def consumers(container):
    return Consumers(container)


def search(api, q, headers=None, **query):
    res = api.call("GET", "/api/v1/search", headers, query_string={"q": q, **query})
    assert res.status_code == 200, res.json
    return res.json


def hits(api, q, headers=None, **query):
    return [(h["type"], h["label"]) for h in search(api, q, headers, **query)["items"]]


def note(api, dossier_id, content, kind="ACT_NOTE"):
    res = api.call("POST", "/api/v1/activities", json={"dossierId": dossier_id, "type": kind, "content": content})
    assert res.status_code == 201, res.json
    return res.json


def test_names_rank_above_notes_and_messages_and_every_word_must_match(api):
    samir = api.dossier(contactName="Samir Alaoui", phone="0661234567")
    other = api.dossier(contactName="Nadia Bennani", phone="0698765432", email="nadia@example.ma")
    note(api, other["id"], "Nadia connaît Samir, le voisin du 3e étage")
    api.call("POST", "/api/v1/messages", json={"dossierId": other["id"], "direction": "INBOUND",
                                               "channel": "PHONE", "content": "Rappel: parler à samir demain"})
    found = hits(api, "samir")
    assert found[0] == ("DOSSIER", "Samir Alaoui")
    assert sorted(found[1:]) == [("MESSAGE", "INBOUND PHONE message"),
                                 ("NOTE", "Nadia connaît Samir, le voisin du 3e étage")]
    assert hits(api, "samir alaoui") == [("DOSSIER", "Samir Alaoui")]
    assert hits(api, "sam ala") == [("DOSSIER", "Samir Alaoui")]  # word prefixes
    assert hits(api, "samir voisin") == [("NOTE", "Nadia connaît Samir, le voisin du 3e étage")]
    assert hits(api, "nadia@example.ma")[0] == ("DOSSIER", "Nadia Bennani")
    assert hits(api, "zzzz") == []
    first = search(api, "samir")["items"][0]
    assert first["id"] == first["dossierId"] == samir["id"] and first["snippet"] == "+212661234567"


def test_accents_and_case_are_ignored_both_ways(api):
    api.dossier(contactName="Hélène Ouazzani")
    api.dossier(contactName="HELENE Tazi")
    assert sorted(hits(api, "helene")) == [("DOSSIER", "HELENE Tazi"), ("DOSSIER", "Hélène Ouazzani")]
    assert len(hits(api, "HÉLÈNE")) == 2


def test_a_phone_is_found_however_it_is_typed(api):
    api.dossier(contactName="Samir Alaoui", phone="+212661234567")
    api.dossier(contactName="Someone Else", phone="+212698765432")
    for typed in ("0661234567", "06 61 23 45 67", "+212 661-234-567", "00212661234567", "661234", "0661 23"):
        assert hits(api, typed) == [("DOSSIER", "Samir Alaoui")], typed


def test_stakeholders_are_found_by_name_and_phone_and_follow_their_changes(api):
    dossier = api.dossier(contactName="Samir Alaoui")
    res = api.call("POST", "/api/v1/parties-prenantes", json={
        "dossierId": dossier["id"], "role": "NOTARY", "fullName": "Maître Kettani", "phone": "0522334455"})
    stakeholder = res.json
    assert hits(api, "kettani") == [("STAKEHOLDER", "Maître Kettani (NOTARY)")]
    assert search(api, "0522334455")["items"][0]["dossierId"] == dossier["id"]
    api.call("PUT", f"/api/v1/parties-prenantes/{stakeholder['id']}", json={"fullName": "Maître Berrada"})
    assert hits(api, "kettani") == [] and len(hits(api, "berrada")) == 1
    api.call("DELETE", f"/api/v1/parties-prenantes/{stakeholder['id']}")
    assert hits(api, "berrada") == []


def test_edited_notes_and_deleted_messages_leave_the_index(api):
    dossier = api.dossier()
    entry = note(api, dossier["id"], "Budget confirmé par la banque", kind="ACT_TASK")
    message = api.call("POST", "/api/v1/messages", json={"dossierId": dossier["id"], "direction": "INBOUND",
                                                         "channel": "PHONE", "content": "Visite samedi?"}).json
    assert hits(api, "banque") and hits(api, "samedi")
    api.call("PUT", f"/api/v1/activities/{entry['id']}", json={"content": "Budget à revoir"})
    api.call("DELETE", f"/api/v1/messages/{message['id']}")
    assert hits(api, "banque") == [] and hits(api, "samedi") == []
    assert hits(api, "revoir") == [("NOTE", "Budget à revoir")]
    assert search(api, "samir", types="NOTE,MESSAGE")["total"] == 0


def test_listings_known_from_events_are_found_and_only_the_newest_version_counts(api, consumers):
    snap = listing(api.org, version=2)
    consumers.event("listing.published", snap, api.org)
    consumers.event("listing.updated", {**snap, "version": 1, "title": "Ancien titre périmé"}, api.org)
    assert hits(api, "maarif") == [("LISTING", "Appartement lumineux à Maârif")]
    assert hits(api, "terrasse tramway") == [("LISTING", "Appartement lumineux à Maârif")]
    assert hits(api, "perime") == []
    [hit] = search(api, "casablanca")["items"]
    assert hit["id"] == snap["id"] and hit["dossierId"] is None and "Casablanca" in hit["snippet"]
    consumers.event("listing.archived", {**snap, "version": 3, "title": "Villa avec piscine",
                                         "status": "ANN_ARCHIVED"}, api.org)
    assert hits(api, "maarif lumineux") == [] and hits(api, "piscine") == [("LISTING", "Villa avec piscine")]


def test_search_is_tenant_scoped(api, other_org, consumers):
    api.dossier(contactName="Samir Alaoui", phone="0661234567")
    other_org.dossier(contactName="Samir Other-Org", phone="0661234567")
    consumers.event("listing.published", listing(other_org.org), other_org.org)
    assert hits(api, "samir") == [("DOSSIER", "Samir Alaoui")]
    assert hits(api, "0661234567") == [("DOSSIER", "Samir Alaoui")]
    assert hits(api, "maarif") == []
    assert hits(other_org, "samir", other_org.admin) == [("DOSSIER", "Samir Other-Org")]


def test_an_agent_finds_only_their_own_dossiers_and_the_org_listings(api, consumers):
    agent = api.as_("AGENT", "agent-1")
    mine = api.dossier(contactName="Samir Alaoui", assignedTo="agent-1")
    note(api, mine["id"], "Samir préfère le matin")
    theirs = api.dossier(contactName="Samir Bennis", assignedTo="agent-2", phone="0611111111")
    note(api, theirs["id"], "Samir rappelle jeudi")
    consumers.event("listing.published", listing(api.org, title="Riad Samir, médina"), api.org)
    assert sorted(hits(api, "samir", agent)) == [("DOSSIER", "Samir Alaoui"), ("LISTING", "Riad Samir, médina"),
                                                 ("NOTE", "Samir préfère le matin")]
    assert len(hits(api, "samir", api.manager)) == 5
    api.call("PUT", f"/api/v1/dossiers/{theirs['id']}", api.manager, json={"assignedTo": "agent-1"})
    assert len(hits(api, "samir", agent)) == 5


def test_paging_through_hits(api):
    for i in range(5):
        api.dossier(contactName=f"Famille Idrissi {i}", phone=f"06000000{i:02d}")
    first, second = search(api, "idrissi", size=3), search(api, "idrissi", size=3, page=2)
    assert (first["total"], len(first["items"]), len(second["items"])) == (5, 3, 2)
    assert not {h["id"] for h in first["items"]} & {h["id"] for h in second["items"]}


def test_bad_queries_are_refused(api):
    for query in ({}, {"q": ""}, {"q": "a"}, {"q": "?!"}, {"q": "x" * 201}, {"q": "samir", "types": "DOSSIER,ALIEN"},
                  {"q": "samir", "size": 500}):
        res = api.call("GET", "/api/v1/search", query_string=query)
        assert res.status_code == 400 and res.json["code"] == "VALIDATION_ERROR", (query, res.json)


def test_roles_without_crm_access_cannot_search(api):
    for role in ("MODERATOR", "OWNER"):
        res = api.call("GET", "/api/v1/search", api.as_(role), query_string={"q": "samir"})
        assert res.status_code == 403 and res.json["code"] == "FORBIDDEN"


def test_the_index_can_be_rebuilt_from_the_tables(api, container):
    dossier = api.dossier(contactName="Samir Alaoui", phone="0661234567")
    note(api, dossier["id"], "Cherche un riad")
    with container.platform.db.session(tenant_bypass=True) as s:
        s.execute(delete(SearchDocument).execution_options(tenant_bypass=True))
        s.commit()
    assert hits(api, "samir") == []
    assert rebuild_index(container.platform.db) == {"DOSSIER": 1, "NOTE": 1}
    assert hits(api, "samir") == [("DOSSIER", "Samir Alaoui")] and hits(api, "riad") == [("NOTE", "Cherche un riad")]
    rebuild_index(container.platform.db)  # idempotent
    with container.platform.db.session(tenant_bypass=True) as s:
        assert s.scalar(select(func.count()).select_from(SearchDocument)) == 2
