"""The AS-IS annonces API as a client sees it."""

import uuid

from sqlalchemy import select

from atlas_shared.db.platform import AuditEvent, OutboxMessage
from atlas_shared.testing import auth_headers

ORG_A, ORG_B = str(uuid.uuid4()), str(uuid.uuid4())
A = auth_headers(ORG_A)

COMPLETE = {
    "title": "Appartement 3 pièces lumineux", "transactionType": "TX_SALE",
    "description": "Bel appartement au calme, proche des commerces et des écoles.",
    "price": 1250000, "surfaceM2": 95.5, "rooms": 3, "bathrooms": 2, "city": "Casablanca",
    "zone": "Maarif", "amenities": ["elevator", "PARKING", "ELEVATOR"], "contactPhone": "06 12 34 56 78",
}


def create(client, body=None, headers=A):
    return client.post("/api/v1/annonces", json=body or COMPLETE, headers=headers)


def test_create_starts_in_draft_normalises_and_audits(client, container):
    res = create(client)
    assert res.status_code == 201, res.json
    body = res.json
    assert body["status"] == "ANN_DRAFT"
    assert body["contactPhone"] == "+212612345678"
    assert body["amenities"] == ["ELEVATOR", "PARKING"]
    assert body["slug"] == "appartement-3-pieces-lumineux"
    assert body["currency"] == "MAD"
    with container.platform.db.session(tenant_bypass=True) as s:
        audit = s.scalars(select(AuditEvent)).all()
        events = s.scalars(select(OutboxMessage.event_type)).all()
    assert [(a.action, a.entity_id, a.actor) for a in audit][0][:2] == ("CREATE", body["id"])
    assert set(events) == {"listing.created", "audit.recorded"}


def test_validation_errors_are_per_field_and_change_nothing(client, container):
    res = create(client, {"title": "short", "transactionType": "TX_SWAP", "price": -1, "orgId": ORG_B})
    assert res.status_code == 400
    assert res.json["code"] == "VALIDATION_ERROR"
    assert set(res.json["details"]) == {"title", "transactionType", "price", "orgId"}
    assert client.get("/api/v1/annonces", headers=A).json["total"] == 0


def test_bad_phone_is_a_validation_error(client):
    res = create(client, {**COMPLETE, "contactPhone": "12"})
    assert res.status_code == 400 and "contactPhone" in res.json["details"]


def test_workflow_publish_suspend_republish_archive(client, add_photos):
    annonce = create(client).json
    url = f"/api/v1/annonces/{annonce['id']}"
    no_photos = client.put(url, json={"status": "ANN_PUBLISHED"}, headers=A)
    assert no_photos.status_code == 400 and "photos" in no_photos.json["details"]
    add_photos(annonce["id"], A)
    published = client.put(url, json={"status": "ANN_PUBLISHED"}, headers=A).json
    assert published["status"] == "ANN_PUBLISHED" and published["publishedAt"]
    assert client.put(url, json={"status": "ANN_DRAFT"}, headers=A).status_code == 409
    assert client.put(url, json={"status": "ANN_SUSPENDED"}, headers=A).json["status"] == "ANN_SUSPENDED"
    assert client.put(url, json={"status": "ANN_PUBLISHED"}, headers=A).json["status"] == "ANN_PUBLISHED"
    assert client.delete(url, headers=A).status_code == 204
    assert client.get(url, headers=A).json["status"] == "ANN_ARCHIVED"
    refused = client.put(url, json={"status": "ANN_PUBLISHED"}, headers=A)
    assert refused.status_code == 409 and refused.json["code"] == "TRANSITION_NOT_ALLOWED"


def test_incomplete_listing_cannot_be_published(client):
    draft = create(client, {"title": "Terrain à vendre Bouskoura", "transactionType": "TX_SALE"}).json
    res = client.put(f"/api/v1/annonces/{draft['id']}", json={"status": "ANN_PUBLISHED"}, headers=A)
    assert res.status_code == 400
    assert {"description", "price", "surfaceM2", "city", "photos", "qualityScore"} <= set(res.json["details"])
    assert client.get(f"/api/v1/annonces/{draft['id']}", headers=A).json["status"] == "ANN_DRAFT"


def test_other_tenant_gets_404_and_never_sees_rows(client):
    annonce = create(client).json
    b = auth_headers(ORG_B)
    assert client.get(f"/api/v1/annonces/{annonce['id']}", headers=b).status_code == 404
    assert client.get(f"/api/v1/annonces/{annonce['id']}", headers=b).json["code"] == "LISTING_NOT_FOUND"
    assert client.put(f"/api/v1/annonces/{annonce['id']}", json={"city": "Fès"}, headers=b).status_code == 404
    assert client.delete(f"/api/v1/annonces/{annonce['id']}", headers=b).status_code == 404
    assert client.get("/api/v1/annonces", headers=b).json["total"] == 0


def test_filters_pagination_and_sort(client):
    for i, (city, price, tx) in enumerate([("Rabat", 900000, "TX_SALE"), ("Rabat", 5000, "TX_RENT"),
                                           ("Fès", 700000, "TX_SALE"), ("Rabat", 1200000, "TX_SALE")]):
        create(client, {**COMPLETE, "city": city, "price": price, "transactionType": tx,
                        "title": f"Annonce numéro {i} à {city}"})
    res = client.get("/api/v1/annonces?city=Rabat&transactionType=TX_SALE&sort=-price&size=1&page=2",
                     headers=A).json
    assert res["total"] == 2 and res["page"] == 2 and res["size"] == 1
    assert res["items"][0]["price"] == 900000
    assert client.get("/api/v1/annonces?priceMin=800000&priceMax=1000000", headers=A).json["total"] == 1
    assert client.get("/api/v1/annonces?q=numéro 2", headers=A).json["total"] == 1
    bad = client.get("/api/v1/annonces?sort=secret&size=1000", headers=A)
    assert bad.status_code == 400 and "size" in bad.json["details"]
    assert client.get("/api/v1/annonces?sort=secret", headers=A).json["details"]["sort"]


def test_roles_moderator_reads_but_cannot_write(client):
    annonce = create(client).json
    mod = auth_headers(ORG_A, "MODERATOR")
    assert client.get(f"/api/v1/annonces/{annonce['id']}", headers=mod).status_code == 200
    res = client.put(f"/api/v1/annonces/{annonce['id']}", json={"city": "Oujda"}, headers=mod)
    assert res.status_code == 403 and res.json["code"] == "FORBIDDEN"
