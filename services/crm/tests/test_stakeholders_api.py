"""Parties prenantes of a dossier."""

import pytest


@pytest.fixture
def dossier(api):
    return api.dossier()


def add(api, dossier_id, headers=None, **body):
    return api.call("POST", "/api/v1/parties-prenantes", headers,
                    json={"dossierId": dossier_id, "role": "NOTARY", **body})


def test_add_normalises_phone_names_and_touches_the_dossier(api, dossier):
    res = add(api, dossier["id"], firstName="Karima", lastName="Idrissi", phone="0522 22 33 44",
              email="notaire@example.ma")
    assert res.status_code == 201, res.json
    body = res.json
    assert body["fullName"] == "Karima Idrissi" and body["phone"] == "+212522223344"
    assert body["phoneRaw"] == "0522 22 33 44"
    assert [a.action for a in api.audit(body["id"])] == ["CREATE"]
    assert api.audit(body["id"])[0].parent_id == dossier["id"]
    touched = api.call("GET", f"/api/v1/dossiers/{dossier['id']}").json
    assert touched["lastActivityAt"] > dossier["lastActivityAt"] and touched["version"] == 1


def test_invalid_stakeholders_are_refused(api, dossier):
    for body, field in (({"role": "WIZARD", "fullName": "X"}, "role"), ({"fullName": "X", "phone": "12"}, "phone"),
                        ({}, "fullName"), ({"fullName": "X", "email": "nope"}, "email")):
        res = add(api, dossier["id"], **body)
        assert res.status_code == 400 and field in res.json["details"], body
    assert add(api, "00000000-0000-0000-0000-000000000000", fullName="X").status_code == 404
    assert api.call("GET", f"/api/v1/parties-prenantes?dossierId={dossier['id']}").json["total"] == 0


def test_update_list_and_delete(api, dossier, other_org):
    owner = add(api, dossier["id"], role="OWNER", fullName="M. Tazi").json
    add(api, dossier["id"], role="BANK", fullName="CIH Bank")
    url = f"/api/v1/parties-prenantes/{owner['id']}"
    updated = api.call("PUT", url, json={"phone": "+212661000111", "role": "SELLER"})
    assert updated.status_code == 200 and updated.json["role"] == "SELLER"
    assert updated.json["fullName"] == "M. Tazi"
    assert api.call("PUT", url, json={"role": "GHOST"}).status_code == 400
    listing = api.call("GET", f"/api/v1/parties-prenantes?dossierId={dossier['id']}").json
    assert listing["total"] == 2
    assert api.call("GET", f"/api/v1/parties-prenantes?dossierId={dossier['id']}&role=BANK").json["total"] == 1
    assert api.call("GET", "/api/v1/parties-prenantes").status_code == 400  # dossierId required
    assert api.call("PUT", url, other_org.admin, json={"role": "OWNER"}).status_code == 404
    assert api.call("DELETE", url, other_org.admin).status_code == 404
    assert api.call("DELETE", url).status_code == 204
    assert api.call("GET", f"/api/v1/parties-prenantes?dossierId={dossier['id']}").json["total"] == 1
    [deleted] = api.audit(owner["id"], "DELETE")
    assert deleted.diff["before"]["fullName"] == "M. Tazi"
