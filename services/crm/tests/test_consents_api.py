"""Consentements: one current state per (dossier, channel, type), every change in the history."""

import pytest


@pytest.fixture
def dossier(api):
    return api.dossier(phone="0612345678")


def record(api, dossier_id, headers=None, **body):
    return api.call("POST", "/api/v1/consentements", headers, json={
        "dossierId": dossier_id, "channel": "WHATSAPP", "type": "CONSENT_CONTACT", **body})


def test_grant_needs_proof_and_is_published(api, dossier):
    res = record(api, dossier["id"], status="GRANTED")
    assert res.status_code == 400 and set(res.json["details"]) == {"proof"}
    res = record(api, dossier["id"], status="GRANTED", proof={"reference": "enregistrement-appel-42"},
                 source="CONSENT_SRC_API", capturedAt="2026-01-10T10:00:00Z")
    assert res.status_code == 201, res.json
    consent = res.json
    assert (consent["status"], consent["source"], consent["version"], consent["effective"]) == (
        "GRANTED", "CONSENT_SRC_API", 1, True)
    assert consent["proof"] == {"reference": "enregistrement-appel-42"}
    [event] = api.events("consent.changed")
    assert event["payload"] == {
        "subjectType": "DOSSIER", "subjectId": dossier["id"], "dossierId": dossier["id"], "channel": "WHATSAPP",
        "type": "CONSENT_CONTACT", "status": "GRANTED", "phone": "+212612345678", "email": None,
        "source": "CONSENT_SRC_API", "proof": {"reference": "enregistrement-appel-42"},
        "capturedAt": "2026-01-10T10:00:00+00:00", "expiresAt": None, "version": 1}
    assert [a.action for a in api.audit(consent["id"])] == ["CONSENT_GRANTED"]


def test_one_current_state_with_the_whole_history_kept(api, dossier):
    first = record(api, dossier["id"], status="GRANTED", proof="Oui par téléphone").json
    second = record(api, dossier["id"], status="REVOKED", channel="CHAN_WHATSAPP").json
    assert second["id"] == first["id"] and second["version"] == 2 and second["status"] == "REVOKED"
    third = api.call("PUT", f"/api/v1/consentements/{first['id']}", json={"status": "DENIED"}).json
    assert third["version"] == 3
    current = api.call("GET", f"/api/v1/consentements?dossierId={dossier['id']}").json
    assert current["total"] == 1 and current["items"][0]["status"] == "DENIED"
    history = api.call("GET", f"/api/v1/consentements/{first['id']}/history").json
    assert [(h["version"], h["status"]) for h in history] == [(1, "GRANTED"), (2, "REVOKED"), (3, "DENIED")]
    assert history[0]["proof"] == {"text": "Oui par téléphone"} and history[0]["actor"] == "admin-1"
    assert [e["payload"]["version"] for e in api.events("consent.changed")] == [1, 2, 3]
    marketing = record(api, dossier["id"], status="GRANTED", type="CONSENT_MARKETING", proof="case cochée").json
    assert marketing["id"] != first["id"]
    assert api.call("GET", f"/api/v1/consentements/{marketing['id']}").json["type"] == "CONSENT_MARKETING"


def test_a_grant_by_put_needs_fresh_proof(api, dossier):
    consent = record(api, dossier["id"], status="DENIED").json
    res = api.call("PUT", f"/api/v1/consentements/{consent['id']}", json={"status": "GRANTED"})
    assert res.status_code == 400 and "proof" in res.json["details"]
    assert api.call("GET", f"/api/v1/consentements/{consent['id']}").json["version"] == 1


def test_invalid_consents_are_refused_and_nothing_changes(api, dossier):
    for body, field in (({"status": "MAYBE"}, "status"), ({"status": "DENIED", "channel": "PIGEON"}, "channel"),
                        ({"status": "DENIED", "type": "CONSENT_SPAM"}, "type"),
                        ({"status": "DENIED", "source": "CONSENT_SRC_RUMOUR"}, "source"),
                        ({"status": "DENIED", "capturedAt": "2026-02-01T00:00:00Z",
                          "expiresAt": "2026-01-01T00:00:00Z"}, "expiresAt"),
                        ({"status": "DENIED", "orgId": api.org}, "orgId")):
        res = record(api, dossier["id"], **body)
        assert res.status_code == 400 and field in res.json["details"], body
    assert api.call("GET", f"/api/v1/consentements?dossierId={dossier['id']}").json["total"] == 0
    assert api.events("consent.changed") == []


def test_other_tenants_and_agents_of_other_dossiers_get_404(api, dossier, other_org):
    consent = record(api, dossier["id"], status="DENIED").json
    for headers in (other_org.admin, api.as_("AGENT", "agent-9")):
        assert api.call("GET", f"/api/v1/consentements/{consent['id']}", headers).status_code == 404
        assert api.call("PUT", f"/api/v1/consentements/{consent['id']}", headers,
                        json={"status": "REVOKED"}).status_code == 404
        assert record(api, dossier["id"], headers, status="DENIED").status_code == 404
