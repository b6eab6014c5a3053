"""Public search as a visitor uses it: words, places, bounds, photos; slugs and their history."""

import uuid

PHOTO = {"id": str(uuid.uuid4()), "url": "/media/listings/a/b/1.jpg", "thumbnailUrl": "/media/listings/a/b/1-thumb.jpg",
         "primary": True, "sortOrder": 0, "fileName": "IMG_2024_passeport.jpg", "sha256": "ab" * 32}
SECOND = {"id": str(uuid.uuid4()), "url": "/media/listings/a/b/2.jpg", "thumbnailUrl": "/media/listings/a/b/2-thumb.jpg",
          "primary": False, "sortOrder": 1}


def ids(client, qs):
    res = client.get(f"/api/public/v1/listings?{qs}")
    assert res.status_code == 200, res.json
    return {i["listingId"] for i in res.json["items"]}


def test_text_search_folds_accents_matches_prefixes_and_needs_every_word(client, published):
    riad = published(title="Riad rénové au cœur de la médina", description="Patio, fontaine et terrasse.",
                     city="Marrakech", zone="Médina")
    villa = published(title="Villa avec piscine à la Palmeraie", description="Grand jardin arboré.",
                      city="Marrakech", zone="Palmeraie")
    assert ids(client, "q=medina") == {riad}
    assert ids(client, "q=RÉNOV") == {riad}           # prefix, case and accents folded
    assert ids(client, "q=piscine jardin") == {villa}  # every word must match
    assert ids(client, "q=piscine patio") == set()
    assert ids(client, "q=marrakech") == {riad, villa}
    assert ids(client, "q=%25%27") == {riad, villa}    # punctuation only: no text filter, no error


def test_places_bounds_and_sort(client, published):
    fes = published(city="Fès", zone="Fès Jdid", price=500000, surfaceM2=90)
    big = published(city="Rabat", zone="Hay Riad", price=2500000, surfaceM2=300)
    assert ids(client, "city=fes") == ids(client, "city=F%C3%A8s") == {fes}
    assert ids(client, "zone=hay riad") == {big}
    assert ids(client, "surface_min=100&surface_max=400") == {big}
    items = client.get("/api/public/v1/listings?sort=price_asc").json["items"]
    assert [i["listingId"] for i in items] == [fes, big]


def test_photos_thumbnail_amenities_and_geo(client, published):
    listing_id = published(media=[SECOND, PHOTO], amenities=["ELEVATOR", "PARKING"])
    [item] = client.get("/api/public/v1/listings").json["items"]
    assert item["thumbnailUrl"] == PHOTO["thumbnailUrl"]
    detail = client.get(f"/api/public/v1/listings/{listing_id}").json
    assert [m["id"] for m in detail["media"]] == [PHOTO["id"], SECOND["id"]]  # primary first
    assert detail["amenities"] == ["ELEVATOR", "PARKING"] and detail["geo"] == {"lat": 35.77, "lng": -5.78}
    assert "whatsappPhone" not in detail and "contactPhone" not in detail
    assert set(detail["media"][0]) == {"id", "url", "thumbnailUrl", "width", "height", "primary", "sortOrder"}


def test_renamed_listing_keeps_its_old_slug_for_redirects(client, published, consume, container):
    listing_id = published(slug="appartement-vue-mer-a-tanger")
    published(id=listing_id, version=3, slug="appartement-renove-vue-mer", title="Appartement rénové vue mer")
    res = client.get(f"/annonce/appartement-vue-mer-a-tanger-{listing_id}")
    assert res.status_code == 301 and res.headers["Location"].endswith(f"/annonce/appartement-renove-vue-mer-{listing_id}")
    assert client.get(f"/annonce/appartement-renove-vue-mer-{listing_id}").status_code == 200
    assert client.get(f"/annonce/never-was-its-slug-{listing_id}").status_code == 404
    assert client.get(f"/api/public/v1/listings/{listing_id}").json["slug"] == "appartement-renove-vue-mer"
