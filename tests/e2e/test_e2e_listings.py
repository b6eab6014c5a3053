"""Pro listings through the gateway, end to end: publication reaches the public portal through
events, tenancy holds, suspension hides the listing again, and the audit trail records it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from atlas_shared.cli.devstack import add_photos

pytestmark = pytest.mark.slow

PUBLIC_ITEM_FIELDS = {"listingId", "slug", "tx", "title", "price", "currency", "city", "zone",
                      "surfaceM2", "rooms", "thumbnailUrl"}  # domain.md section 9


def complete_annonce(city: str) -> dict[str, Any]:
    return {
        "title": "Appartement traversant avec terrasse, 3 pièces",                 # 10..120 chars
        "description": "Bel appartement lumineux au calme, proche du tramway, des écoles et "
                       "des commerces. Cuisine équipée, deux chambres, ascenseur.",  # 30..5000 chars
        "transactionType": "TX_SALE",
        "price": 1350000,
        "surfaceM2": 92.5,
        "rooms": 3,
        "bathrooms": 1,
        "city": city,
        "zone": "Maarif",
    }


def public_item(api, city: str, listing_id: str) -> dict[str, Any] | None:
    res = api.get("/api/public/v1/listings", params={"city": city, "size": 50})
    assert res.status_code == 200, res.text[:500]
    return next((i for i in res.json()["items"] if i["listingId"] == listing_id), None)


def create_and_publish(api, org: str, city: str) -> dict[str, Any]:
    res = api.post("/api/v1/annonces", org=org, json=complete_annonce(city))
    assert res.status_code == 201, res.text[:500]
    created = res.json()
    assert created["status"] == "ANN_DRAFT"
    # Publication needs the org's minimum of photos (3 by default): init, upload, finalize.
    add_photos(api.http, api.base, api.pro_headers(org), created["id"], count=3)
    res = api.put(f"/api/v1/annonces/{created['id']}", org=org, json={"status": "ANN_PUBLISHED"})
    assert res.status_code == 200, res.text[:500]
    assert res.json()["status"] == "ANN_PUBLISHED"
    return created


def test_published_listing_is_public_tenant_private_and_hidden_once_suspended(api):
    api.require("listings", "portal")
    org_a, org_b = str(uuid.uuid4()), str(uuid.uuid4())
    city = f"E2E-Ville-{uuid.uuid4().hex[:8]}"  # isolates this test's search results
    body = complete_annonce(city)

    created = create_and_publish(api, org_a, city)
    listing_id = created["id"]

    item = api.eventually(lambda: public_item(api, city, listing_id),
                          "the published listing in GET /api/public/v1/listings")
    assert PUBLIC_ITEM_FIELDS <= set(item), sorted(item)
    assert item["title"] == body["title"]
    assert item["slug"] == created["slug"]
    assert item["tx"] in ("SALE", "TX_SALE")
    assert float(item["price"]) == body["price"]
    assert item["currency"] == "MAD"
    assert (item["city"], item["zone"]) == (city, body["zone"])
    assert float(item["surfaceM2"]) == body["surfaceM2"]
    assert item["rooms"] == body["rooms"]
    assert item["thumbnailUrl"], "a listing with a primary photo has a thumbnail"

    detail = api.get(f"/api/public/v1/listings/{listing_id}")
    assert detail.status_code == 200, detail.text[:500]
    assert detail.json()["listingId"] == listing_id
    assert detail.json()["description"] == body["description"]

    # Another tenant cannot see it (404, never 403) and does not list it.
    api.assert_error(api.get(f"/api/v1/annonces/{listing_id}", org=org_b), 404)
    others = api.get("/api/v1/annonces", org=org_b)
    assert others.status_code == 200 and listing_id not in [a["id"] for a in others.json()["items"]]
    assert api.get(f"/api/v1/annonces/{listing_id}", org=org_a).status_code == 200

    res = api.put(f"/api/v1/annonces/{listing_id}", org=org_a, json={"status": "ANN_SUSPENDED"})
    assert res.status_code == 200, res.text[:500]
    assert res.json()["status"] == "ANN_SUSPENDED"

    def hidden() -> bool:
        gone = public_item(api, city, listing_id) is None
        return gone and api.get(f"/api/public/v1/listings/{listing_id}").status_code == 404

    api.eventually(hidden, "the suspended listing to leave public search and its detail to 404")
    api.assert_error(api.get(f"/api/public/v1/listings/{listing_id}"), 404)


def test_creating_and_publishing_an_annonce_is_audited(api):
    api.require("listings", "crm")
    org = str(uuid.uuid4())
    listing_id = create_and_publish(api, org, "Casablanca")["id"]
    query = {"entityType": "ANNONCE", "entityId": listing_id}

    first = api.get("/api/v1/audit-events", org=org, params=query)
    if first.status_code in (404, 501, 502, 503):
        pytest.skip(f"GET /api/v1/audit-events is not served yet (answered {first.status_code})")

    def actions() -> set[str] | None:
        res = api.get("/api/v1/audit-events", org=org, params=query)
        assert res.status_code == 200, res.text[:500]
        found = {e["action"] for e in res.json()["items"] if e.get("entityId") == listing_id}
        return found if "CREATE" in found and any("PUBLISH" in a for a in found) else None

    found = api.eventually(actions, "the annonce's CREATE and publish audit events (audit.recorded)")
    assert "CREATE" in found
