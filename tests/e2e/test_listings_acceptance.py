"""Acceptance scenarios of domain.md section 10 for pro listings and the public portal, end to end
through the gateway: real processes, real events between services."""

from __future__ import annotations

import io
import random
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image

pytestmark = pytest.mark.slow

COMPLETE = {
    "title": "Appartement familial avec balcon, 4 pièces", "transactionType": "TX_SALE",
    "description": "Appartement familial lumineux, double séjour, trois chambres, cuisine équipée, "
                   "balcon plein sud, parking en sous-sol, proche des écoles et du tramway.",
    "price": 1_650_000, "surfaceM2": 118, "rooms": 4, "bathrooms": 2, "zone": "Hay Riad",
    "amenities": ["PARKING", "ELEVATOR"], "contactPhone": "0661000111",
}


def jpeg() -> bytes:
    rnd = random.Random(uuid.uuid4().int)
    image = Image.new("RGB", (320, 240), tuple(rnd.randrange(256) for _ in range(3)))
    image.paste(tuple(rnd.randrange(256) for _ in range(3)), (rnd.randrange(200), rnd.randrange(150), 300, 220))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def upload(api, org: str, listing_id: str, roles: str = "ADMIN_ORG") -> dict[str, Any]:
    data = jpeg()
    base = f"/api/v1/listings/{listing_id}/media"
    target = api.post(f"{base}/init", org=org, roles=roles,
                      json={"fileName": "salon.jpg", "contentType": "image/jpeg", "size": len(data)})
    assert target.status_code == 201, target.text[:300]
    body = target.json()
    url = urlsplit(body["uploadUrl"])
    sent = api.request(body["method"], f"{url.path}?{url.query}", org=org, roles=roles, data=data,
                       headers=body["headers"])
    assert sent.status_code == 200, sent.text[:300]
    done = api.post(f"{base}/{body['mediaId']}/finalize", org=org, roles=roles)
    assert done.status_code == 200, done.text[:300]
    return done.json()


def create(api, org: str, body: dict[str, Any], roles: str = "ADMIN_ORG") -> dict[str, Any]:
    res = api.post("/api/v1/listings", org=org, roles=roles, json=body)
    assert res.status_code == 201, res.text[:300]
    return res.json()


def transition(api, org: str, listing_id: str, code: str, roles: str = "ADMIN_ORG", **extra: Any):
    return api.post(f"/api/v1/listings/{listing_id}/transitions", org=org, roles=roles,
                    json={"transitionCode": code, **extra})


def public_ids(api, **params: Any) -> set[str]:
    res = api.get("/api/public/v1/listings", params={"size": 100, **params})
    assert res.status_code == 200, res.text[:300]
    return {i["listingId"] for i in res.json()["items"]}


def test_pro_listing_lifecycle_reaches_the_public_and_leaves_it(api):
    api.require("listings", "portal")
    org, city = str(uuid.uuid4()), f"Ville-{uuid.uuid4().hex[:8]}"
    draft = create(api, org, {"title": "Terrain constructible en lotissement", "transactionType": "TX_SALE"})
    assert draft["status"] == "ANN_DRAFT"
    listing = create(api, org, {**COMPLETE, "city": city})
    listing_id = listing["id"]

    photos = [upload(api, org, listing_id) for _ in range(3)]
    chosen = api.post(f"/api/v1/listings/{listing_id}/media/{photos[2]['id']}/primary", org=org)
    assert chosen.status_code == 200 and chosen.json()["primary"] is True

    refused = transition(api, org, draft["id"], "ANN_T_PUBLISH")
    body = api.assert_error(refused, 400, "VALIDATION_ERROR")
    assert {"description", "price", "photos"} <= set(body["details"])
    assert api.get(f"/api/v1/listings/{draft['id']}", org=org).json()["status"] == "ANN_DRAFT"

    published = transition(api, org, listing_id, "ANN_T_PUBLISH", roles="AGENT")
    assert published.status_code == 200, published.text[:300]
    api.eventually(lambda: listing_id in public_ids(api, city=city), "the listing in public search")
    assert draft["id"] not in public_ids(api)
    detail = api.get(f"/api/public/v1/listings/{listing_id}").json()
    assert detail["media"][0]["id"] == photos[2]["id"] and detail["thumbnailUrl"] == photos[2]["thumbnailUrl"]
    page = api.get(f"/annonce/{listing['slug']}-{listing_id}")
    assert page.status_code == 200 and COMPLETE["title"] in page.text
    thumb = api.get(detail["thumbnailUrl"])
    assert thumb.status_code == 200 and thumb.content[:3] == b"\xff\xd8\xff"

    suspended = transition(api, org, listing_id, "ANN_T_SUSPEND", roles="MODERATOR", reasonCode="MOD_OTHER")
    assert suspended.status_code == 200 and suspended.json()["status"] == "ANN_SUSPENDED"
    api.eventually(lambda: api.get(f"/api/public/v1/listings/{listing_id}").status_code == 404,
                   "the suspended listing's public detail to answer 404")
    assert listing_id not in public_ids(api, city=city)
    assert api.get(f"/annonce/{listing['slug']}-{listing_id}").status_code == 404


def test_duplicate_blocks_an_agent_until_a_manager_overrides(api):
    api.require("listings")
    org, city = str(uuid.uuid4()), f"Ville-{uuid.uuid4().hex[:8]}"
    first = create(api, org, {**COMPLETE, "city": city}, roles="AGENT")["id"]
    copy = create(api, org, {**COMPLETE, "city": city, "price": 1_640_000}, roles="AGENT")["id"]
    for listing_id in (first, copy):
        for _ in range(3):
            upload(api, org, listing_id, roles="AGENT")
    assert transition(api, org, first, "ANN_T_PUBLISH", roles="AGENT").status_code == 200
    trust = api.get(f"/api/v1/listings/{copy}/trust/duplicate", org=org, roles="AGENT").json()
    assert trust["score"] >= trust["threshold"] and trust["blocksPublication"]
    blocked = transition(api, org, copy, "ANN_T_PUBLISH", roles="AGENT")
    assert "duplicateScore" in api.assert_error(blocked, 400, "VALIDATION_ERROR")["details"]
    override = api.post(f"/api/v1/listings/{copy}/trust/duplicate/override", org=org, roles="MANAGER",
                        json={"justification": "Deux mandats distincts pour deux lots identiques"})
    assert override.status_code == 200, override.text[:300]
    assert transition(api, org, copy, "ANN_T_PUBLISH", roles="AGENT").json()["status"] == "ANN_PUBLISHED"


def _published(api, org: str, title: str) -> dict[str, Any]:
    listing = create(api, org, {**COMPLETE, "title": title, "city": f"Ville-{uuid.uuid4().hex[:8]}"})
    for _ in range(3):
        upload(api, org, listing["id"])
    assert transition(api, org, listing["id"], "ANN_T_PUBLISH").status_code == 200
    api.eventually(lambda: api.get(f"/api/public/v1/listings/{listing['id']}").status_code == 200,
                   "the published listing on the portal")
    return listing


def test_portal_slug_redirect_lead_click_and_report(api):
    api.require("listings", "portal")
    org = str(uuid.uuid4())
    listing = _published(api, org, "Villa avec piscine et jardin arboré")
    listing_id, old_path = listing["id"], f"/annonce/{listing['slug']}-{listing['id']}"
    renamed = api.request("PATCH", f"/api/v1/listings/{listing_id}", org=org,
                          json={"title": "Villa rénovée avec piscine et jardin"})
    assert renamed.status_code == 200
    new_path = f"/annonce/{renamed.json()['slug']}-{listing_id}"
    moved = api.eventually(lambda: (r := api.http.get(api.base + old_path, allow_redirects=False, timeout=10))
                           .status_code == 301 and r, "the old slug to redirect")
    assert moved.headers["Location"].endswith(new_path)

    lead = {"fullName": "Nadia El Fassi", "phone": "0661 22 33 44", "email": "nadia@example.ma",
            "message": "Disponible pour une visite ?", "contactChannelPreferred": "WHATSAPP"}
    no_consent = api.post(f"/api/public/v1/listings/{listing_id}/leads", json=lead)
    api.assert_error(no_consent, 400, "CONSENT_REQUIRED")
    sent = api.post(f"/api/public/v1/listings/{listing_id}/leads", json={**lead, "consentContact": True})
    assert sent.status_code == 201, sent.text[:300]
    case_id = sent.json()["caseId"]
    if api.stack.running("crm"):
        dossier = api.eventually(lambda: (r := api.get(f"/api/v1/dossiers/{case_id}", org=org)).ok and r.json(),
                                 "the CRM dossier of the portal lead")
        assert dossier["phone"] == "+212661223344" and dossier.get("annonceId") == listing_id
        assert api.get(f"/api/v1/dossiers/{case_id}", org=str(uuid.uuid4())).status_code == 404

    click = api.post(f"/api/public/v1/listings/{listing_id}/events", json={"eventType": "WHATSAPP_CLICKED"})
    assert click.status_code == 204
    report = api.post(f"/api/public/v1/listings/{listing_id}/reports",
                      json={"reasonCode": "REPORT_WRONG_INFO", "comment": "La surface est fausse"})
    assert report.status_code == 201
    counted = api.eventually(
        lambda: (c := api.get(f"/api/v1/listings/{listing_id}", org=org).json()["counters"])
        ["reports"]["total"] == 1 and c["publicEvents"].get("WHATSAPP_CLICKED") == 1 and c,
        "the report and the click counted on the pro side")
    assert counted["reports"]["open"] == 1
    reports = api.get(f"/api/v1/listings/{listing_id}/reports", org=org, roles="MODERATOR").json()
    assert reports["items"][0]["id"] == report.json()["reportId"]
    queue = api.get("/api/v1/moderation/queue", org=org, roles="MODERATOR").json()
    assert listing_id in [i["listingId"] for i in queue["items"]]
