"""Demo listings for `make run`: created and published through the same use cases as the API."""

from __future__ import annotations

from atlas_shared.context import RequestContext
from atlas_shared.platform import Platform

from atlas_listings.service_layer import annonces

DEMO = [
    ("Appartement lumineux 3 pièces à Maarif", "TX_SALE", 1_450_000, 98, 3, "Casablanca", "Maarif"),
    ("Studio meublé proche tramway Agdal", "TX_RENT", 4_800, 38, 1, "Rabat", "Agdal"),
    ("Villa avec jardin et piscine à la Palmeraie", "TX_SALE", 4_900_000, 420, 6, "Marrakech", "Palmeraie"),
    ("Duplex vue mer à Malabata, 4 chambres", "TX_SALE", 2_300_000, 180, 5, "Tanger", "Malabata"),
    ("Appartement familial à louer à Hay Riad", "TX_RENT", 9_500, 130, 4, "Rabat", "Hay Riad"),
    ("Bureau rénové en plein centre de Gauthier", "TX_RENT", 12_000, 110, 4, "Casablanca", "Gauthier"),
]


def seed(platform: Platform, org_id: str, count: int) -> int:
    ctx = RequestContext(org_id=org_id, user_id="demo-seed", roles=frozenset({"ADMIN_ORG"}))
    created = 0
    for i in range(count):
        title, tx, price, surface, rooms, city, zone = DEMO[i % len(DEMO)]
        listing = annonces.create_annonce(platform.uow(ctx), {
            "title": title, "transactionType": tx, "price": price, "surfaceM2": surface,
            "rooms": rooms, "bathrooms": max(1, rooms // 2), "city": city, "zone": zone,
            "description": f"{title}. Bien entretenu, quartier calme, commerces et écoles à proximité.",
            "amenities": ["ELEVATOR", "PARKING"] if i % 2 == 0 else ["BALCONY"],
            "contactName": "Agence Démo", "contactPhone": "0612345678",
        })
        annonces.update_annonce(platform.uow(ctx), listing["id"], {"status": "ANN_PUBLISHED"})
        created += 1
    return created
