"""The public read model follows listing events, whatever their order or repetition."""

import uuid

from atlas_shared.messaging.consumer import Outcome


def test_published_listing_is_searchable_and_detail_has_geo(client, consume, snapshot):
    lid = str(uuid.uuid4())
    consume("listing.published", snapshot(lid, 2))
    page = client.get("/api/public/v1/listings").json
    assert page["total"] == 1
    item = page["items"][0]
    assert item == {"listingId": lid, "slug": "appartement-vue-mer-a-tanger", "tx": "SALE",
                    "title": "Appartement vue mer à Tanger", "price": 950000.0, "currency": "MAD",
                    "city": "Tanger", "zone": "Malabata", "surfaceM2": 88.0, "rooms": 3,
                    "thumbnailUrl": None, "url": f"/annonce/appartement-vue-mer-a-tanger-{lid}"}
    detail = client.get(f"/api/public/v1/listings/{lid}")
    assert detail.status_code == 200
    assert detail.json["geo"] == {"lat": 35.77, "lng": -5.78}
    assert detail.headers["Cache-Control"].startswith("public")


def test_suspended_or_draft_is_invisible(client, consume, snapshot):
    lid, draft = str(uuid.uuid4()), str(uuid.uuid4())
    consume("listing.published", snapshot(lid, 2))
    consume("listing.suspended", snapshot(lid, 3, status="ANN_SUSPENDED"))
    consume("listing.created", snapshot(draft, 1, status="ANN_DRAFT"))
    assert client.get("/api/public/v1/listings").json["total"] == 0
    res = client.get(f"/api/public/v1/listings/{lid}")
    assert res.status_code == 404 and res.json["code"] == "LISTING_NOT_FOUND"


def test_out_of_order_and_duplicate_events_never_go_backwards(client, consume, snapshot):
    lid = str(uuid.uuid4())
    consume("listing.suspended", snapshot(lid, 3, status="ANN_SUSPENDED"))
    consume("listing.published", snapshot(lid, 2))  # stale: arrives late
    assert client.get(f"/api/public/v1/listings/{lid}").status_code == 404
    event_id = str(uuid.uuid4())
    assert consume("listing.published", snapshot(lid, 4), event_id) == Outcome.HANDLED
    assert consume("listing.published", snapshot(lid, 4), event_id) == Outcome.DUPLICATE
    assert client.get(f"/api/public/v1/listings/{lid}").status_code == 200


def test_search_filters_and_sorts(client, consume, snapshot):
    rows = [("Rabat", "TX_SALE", 800000, 3, 90), ("Rabat", "TX_RENT", 6000, 2, 60),
            ("Fès", "TX_SALE", 500000, 4, 120), ("rabat", "TX_SALE", 1500000, 5, 200)]
    for city, tx, price, rooms, surface in rows:
        consume("listing.published", snapshot(str(uuid.uuid4()), 2, city=city, transactionType=tx,
                                              price=price, rooms=rooms, surfaceM2=surface,
                                              title=f"Bien à {city} {price}"))
    get = lambda qs: client.get(f"/api/public/v1/listings?{qs}").json  # noqa: E731
    assert get("city=Rabat&tx=SALE")["total"] == 2
    assert [i["price"] for i in get("city=rabat&tx=SALE&sort=price_desc")["items"]] == [1500000, 800000]
    assert get("price_min=600000&price_max=900000")["total"] == 1
    assert get("rooms_min=4&surface_min=150")["total"] == 1
    assert get("q=Fès")["total"] == 1
    bad = client.get("/api/public/v1/listings?tx=SWAP&size=0")
    assert bad.status_code == 400 and set(bad.json["details"]) == {"tx", "size"}


def test_public_routes_need_no_token_and_unknown_id_is_404(client):
    assert client.get(f"/api/public/v1/listings/{uuid.uuid4()}").status_code == 404
    assert client.get("/api/public/v1/listings/not-a-uuid").json["code"] == "NOT_FOUND"
