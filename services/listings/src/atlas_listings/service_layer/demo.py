"""Demo listings for `make run`: created, illustrated and published through the same use cases as the
API (so they pass the same publication checks)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from atlas_listings.adapters.images import demo_photo
from atlas_listings.service_layer import annonces, media, publication, uploads
from atlas_shared.context import RequestContext
from atlas_shared.platform import Platform

DEMO = [
    ("Appartement lumineux 3 pièces à Maarif", "TX_SALE", 1_450_000, 98, 3, "Casablanca", "Maarif"),
    ("Studio meublé proche tramway Agdal", "TX_RENT", 4_800, 38, 1, "Rabat", "Agdal"),
    ("Villa avec jardin et piscine à la Palmeraie", "TX_SALE", 4_900_000, 420, 6, "Marrakech", "Palmeraie"),
    ("Duplex vue mer à Malabata, 4 chambres", "TX_SALE", 2_300_000, 180, 5, "Tanger", "Malabata"),
    ("Appartement familial à louer à Hay Riad", "TX_RENT", 9_500, 130, 4, "Rabat", "Hay Riad"),
    ("Bureau rénové en plein centre de Gauthier", "TX_RENT", 12_000, 110, 4, "Casablanca", "Gauthier"),
]
PHOTOS = 3


def add_photo(platform: Platform, ctx: RequestContext, listing_id: str, data: bytes,
              name: str = "photo.jpg", content_type: str = "image/jpeg") -> dict[str, Any]:
    """init → upload → finalize, exactly as a client does through the API."""
    secret = platform.settings.security.internal_secret
    settings = platform.extras["media"]
    target = uploads.init_upload(platform.uow(ctx), listing_id, {
        "fileName": name, "contentType": content_type, "size": len(data)}, settings, secret)
    token = parse_qs(urlsplit(target["uploadUrl"]).query)["token"][0]
    claims = uploads.verify_upload(token, listing_id, target["mediaId"], secret)
    uploads.receive_upload(platform.uow(ctx), claims, data, content_type, settings)
    return media.finalize(platform.uow(ctx), listing_id, target["mediaId"])


def seed(platform: Platform, org_id: str, count: int) -> int:
    ctx = RequestContext(org_id=org_id, user_id="demo-seed", roles=frozenset({"ADMIN_ORG"}))
    for i in range(count):
        title, tx, price, surface, rooms, city, zone = DEMO[i % len(DEMO)]
        listing = annonces.create_annonce(platform.uow(ctx), {
            "title": title, "transactionType": tx, "price": price, "surfaceM2": surface,
            "rooms": rooms, "bathrooms": max(1, rooms // 2), "city": city, "zone": zone,
            "description": f"{title}. Bien entretenu, quartier calme, commerces et écoles à proximité.",
            "amenities": ["ELEVATOR", "PARKING"] if i % 2 == 0 else ["BALCONY"],
            "contactName": "Agence Démo", "contactPhone": "0612345678",
        })
        for n in range(PHOTOS):
            add_photo(platform, ctx, listing["id"], demo_photo(f"{org_id}:{listing['id']}:{n}"),
                      name=f"photo-{n + 1}.jpg")
        publication.apply_transition(platform.uow(ctx), listing["id"], {"transitionCode": "ANN_T_PUBLISH"})
    return count
