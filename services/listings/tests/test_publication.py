"""Publishing, suspending and archiving a listing; quality and the organisation's policy."""

import uuid

from sqlalchemy import select

from atlas_shared.db.platform import AuditEvent, OutboxMessage
from atlas_shared.events import Event
from atlas_shared.testing import auth_headers

ORG = str(uuid.uuid4())
ADMIN, AGENT = auth_headers(ORG), auth_headers(ORG, "AGENT")
MANAGER, MODERATOR = auth_headers(ORG, "MANAGER"), auth_headers(ORG, "MODERATOR")
COMPLETE = {
    "title": "Maison de ville rénovée à Fès", "transactionType": "TX_SALE",
    "description": "Maison de ville entièrement rénovée, patio, terrasse, proche de la médina.",
    "price": 1_800_000, "surfaceM2": 160, "rooms": 5, "city": "Fès", "zone": "Batha",
}


def create(client, body=None, headers=ADMIN):
    res = client.post("/api/v1/listings", json=body or COMPLETE, headers=headers)
    assert res.status_code == 201, res.json
    return res.json["id"]


def transition(client, listing_id, code, headers=ADMIN, **extra):
    return client.post(f"/api/v1/listings/{listing_id}/transitions",
                       json={"transitionCode": code, **extra}, headers=headers)


def test_detail_shows_quality_missing_and_visibility(client):
    listing_id = create(client, {"title": "Terrain constructible Bouskoura", "transactionType": "TX_SALE"})
    body = client.get(f"/api/v1/listings/{listing_id}", headers=ADMIN).json
    assert body["quality"]["score"] == 10 and body["quality"]["threshold"] == 60
    assert {"description", "price", "surfaceM2", "photos"} <= {m["field"] for m in body["quality"]["missing"]}
    assert body["visibility"] == {"public": False, "publicUrl": None, "reason": "Draft: not published yet."}
    assert body["publication"]["canPublish"] is False and "photos" in body["publication"]["blockers"]
    assert body["trust"]["score"] == 0 and body["counters"]["reports"]["total"] == 0


def test_publish_refused_lists_every_reason_and_changes_nothing(client, container, add_photos):
    listing_id = create(client, {**COMPLETE, "description": None, "surfaceM2": None})
    add_photos(listing_id, ADMIN, count=2)
    res = transition(client, listing_id, "ANN_T_PUBLISH")
    assert res.status_code == 400 and res.json["code"] == "VALIDATION_ERROR"
    assert {"description", "surfaceM2", "photos", "qualityScore"} <= set(res.json["details"])
    assert "At least 3 photos" in res.json["details"]["photos"][0]
    assert client.get(f"/api/v1/listings/{listing_id}", headers=ADMIN).json["status"] == "ANN_DRAFT"
    with container.platform.db.session(tenant_bypass=True) as s:
        assert not s.scalars(select(AuditEvent).where(AuditEvent.action == "ANNONCE_PUBLISHED")).all()


def test_complete_listing_publishes_with_photos_in_the_event(client, container, add_photos):
    listing_id = create(client)
    photos = add_photos(listing_id, AGENT)
    listed = client.get(f"/api/v1/listings/{listing_id}/transitions", headers=AGENT).json
    assert {t["code"]: t["allowed"] for t in listed} == {"ANN_T_PUBLISH": True, "ANN_T_ARCHIVE": True}
    res = transition(client, listing_id, "ANN_T_PUBLISH", headers=AGENT)
    assert res.status_code == 200 and res.json["status"] == "ANN_PUBLISHED" and res.json["publishedAt"]
    detail = client.get(f"/api/v1/listings/{listing_id}", headers=AGENT).json
    assert detail["visibility"]["public"] is True
    assert detail["visibility"]["publicUrl"] == f"/annonce/maison-de-ville-renovee-a-fes-{listing_id}"
    with container.platform.db.session(tenant_bypass=True) as s:
        [envelope] = s.scalars(select(OutboxMessage.envelope)
                               .where(OutboxMessage.event_type == "listing.published")).all()
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == listing_id)).all()
    payload = Event.from_dict(envelope).payload
    assert [m["id"] for m in payload["media"]] == [p["id"] for p in photos]
    assert payload["media"][0]["primary"] and payload["media"][0]["thumbnailUrl"]
    assert "ANNONCE_PUBLISHED" in actions
    again = transition(client, listing_id, "ANN_T_PUBLISH")
    assert again.status_code == 409 and again.json["code"] == "TRANSITION_NOT_ALLOWED"


def test_suspend_needs_a_moderation_reason_and_role(client, add_photos):
    listing_id = create(client)
    add_photos(listing_id, ADMIN)
    transition(client, listing_id, "ANN_T_PUBLISH")
    missing = transition(client, listing_id, "ANN_T_SUSPEND", headers=MODERATOR)
    assert missing.status_code == 400 and "reasonCode" in missing.json["details"]
    bad = transition(client, listing_id, "ANN_T_SUSPEND", headers=MODERATOR, reasonCode="BECAUSE")
    assert bad.status_code == 400
    assert transition(client, listing_id, "ANN_T_SUSPEND", headers=AGENT,
                      reasonCode="MOD_OTHER").status_code == 403
    res = transition(client, listing_id, "ANN_T_SUSPEND", headers=MODERATOR,
                     reasonCode="MOD_SUSPECT_FRAUD", comment="Prix irréaliste")
    assert res.status_code == 200 and res.json["status"] == "ANN_SUSPENDED"
    assert res.json["suspensionReason"] == "MOD_SUSPECT_FRAUD"
    detail = client.get(f"/api/v1/listings/{listing_id}", headers=ADMIN).json
    assert detail["visibility"] == {"public": False, "publicUrl": None, "reason": "Suspended by moderation."}
    assert transition(client, listing_id, "ANN_T_PUBLISH", headers=AGENT).status_code == 403
    assert transition(client, listing_id, "ANN_T_PUBLISH", headers=MANAGER).json["status"] == "ANN_PUBLISHED"
    assert transition(client, listing_id, "ANN_T_ARCHIVE", headers=AGENT).json["status"] == "ANN_ARCHIVED"
    archived = client.patch(f"/api/v1/listings/{listing_id}", json={"city": "Meknès"}, headers=ADMIN)
    assert archived.status_code == 409


def test_patch_changes_fields_not_status(client):
    listing_id = create(client)
    res = client.patch(f"/api/v1/listings/{listing_id}", json={"price": 1_750_000, "zone": "Fès Jdid"},
                       headers=AGENT)
    assert res.status_code == 200 and res.json["price"] == 1_750_000 and res.json["version"] == 2
    refused = client.patch(f"/api/v1/listings/{listing_id}", json={"status": "ANN_PUBLISHED"}, headers=AGENT)
    assert refused.status_code == 400 and "status" in refused.json["details"]


def test_org_settings_drive_publication(client, add_photos):
    assert client.get("/api/v1/listings/settings", headers=MANAGER).json["qualityThreshold"] == 60
    assert client.put("/api/v1/listings/settings", json={"qualityThreshold": 90},
                      headers=MANAGER).status_code == 403
    bad = client.put("/api/v1/listings/settings", json={"minPhotos": 1, "qualityThreshold": 101},
                     headers=ADMIN)
    assert bad.status_code == 400 and set(bad.json["details"]) == {"minPhotos", "qualityThreshold"}
    saved = client.put("/api/v1/listings/settings", json={"qualityThreshold": 90, "minPhotos": 4},
                       headers=ADMIN).json
    assert saved["qualityThreshold"] == 90 and saved["minPhotos"] == 4 and saved["customised"]
    listing_id = create(client)
    add_photos(listing_id, ADMIN)
    res = transition(client, listing_id, "ANN_T_PUBLISH")
    assert res.status_code == 400 and {"photos", "qualityScore"} <= set(res.json["details"])
    other_org = auth_headers(str(uuid.uuid4()))
    assert client.get("/api/v1/listings/settings", headers=other_org).json["customised"] is False


def test_annonces_and_listings_are_the_same_data(client, add_photos):
    listing_id = create(client)
    add_photos(listing_id, ADMIN)
    put = client.put(f"/api/v1/annonces/{listing_id}", json={"status": "ANN_PUBLISHED"}, headers=ADMIN)
    assert put.status_code == 200 and len(put.json["media"]) == 3
    listed = client.get("/api/v1/listings?status=ANN_PUBLISHED", headers=ADMIN).json
    assert [i["id"] for i in listed["items"]] == [listing_id] and listed["items"][0]["reports"]["total"] == 0
