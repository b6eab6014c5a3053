"""Listing photos as a client uploads and manages them."""

import hashlib
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from atlas_shared.db.platform import OutboxMessage
from atlas_shared.db.types import utcnow
from atlas_shared.events import Event
from atlas_shared.testing import auth_headers

ORG = str(uuid.uuid4())
A = auth_headers(ORG)
LISTING = {"title": "Appartement 3 pièces lumineux", "transactionType": "TX_SALE"}


def new_listing(client, headers=A):
    res = client.post("/api/v1/listings", json=LISTING, headers=headers)
    assert res.status_code == 201
    return res.json["id"]


def init(client, listing_id, size=100, content_type="image/jpeg", headers=A):
    return client.post(f"/api/v1/listings/{listing_id}/media/init", headers=headers,
                       json={"fileName": "../../etc/façade.jpg", "contentType": content_type, "size": size})


def put(client, target, data, content_type=None):
    url = urlsplit(target["uploadUrl"])
    return client.put(f"{url.path}?{url.query}", data=data,
                      headers={"Content-Type": content_type or target["headers"]["Content-Type"]})


def test_two_step_upload_stores_bytes_thumbnail_and_hash(client, container, make_image, upload):
    listing_id = new_listing(client)
    data = make_image(size=(800, 600))
    target = init(client, listing_id, size=len(data)).json
    assert target["method"] == "PUT" and target["headers"] == {"Content-Type": "image/jpeg"}
    assert target["uploadUrl"].startswith(f"/api/v1/listings/{listing_id}/media/{target['mediaId']}/content?token=")
    uploaded = put(client, target, data)  # no Authorization, no X-Org-Id: the signed URL suffices
    assert uploaded.status_code == 200, uploaded.json
    assert uploaded.json["sha256"] == hashlib.sha256(data).hexdigest()
    assert client.get(f"/api/v1/listings/{listing_id}", headers=A).json["media"] == []  # not final yet
    done = client.post(f"/api/v1/listings/{listing_id}/media/{target['mediaId']}/finalize", headers=A).json
    assert done["primary"] is True and (done["width"], done["height"]) == (800, 600)
    assert done["fileName"] == "façade.jpg"
    storage = container.platform.extras["media"].storage
    assert storage.get(done["url"].removeprefix("/media/")) == data
    thumb = storage.get(done["thumbnailUrl"].removeprefix("/media/"))
    assert thumb[:3] == b"\xff\xd8\xff" and len(thumb) < len(data)
    listing = client.get(f"/api/v1/listings/{listing_id}", headers=A).json
    assert [m["id"] for m in listing["media"]] == [target["mediaId"]]
    with container.platform.db.session(tenant_bypass=True) as s:
        envelopes = s.scalars(select(OutboxMessage.envelope)
                              .where(OutboxMessage.event_type == "listing.media_changed")).all()
    assert Event.from_dict(envelopes[-1]).payload["media"][0]["thumbnailUrl"] == done["thumbnailUrl"]


def test_bytes_are_sniffed_and_checked_against_the_announcement(client, make_image, upload):
    listing_id = new_listing(client)
    text = b"<html>not an image</html>"
    assert put(client, init(client, listing_id, size=len(text)).json, text).json["details"]["file"]
    png = make_image("PNG")
    res = put(client, init(client, listing_id, size=len(png)).json, png, content_type="image/jpeg")
    assert res.status_code == 400 and "contentType" in res.json["details"]
    jpeg = make_image()
    res = put(client, init(client, listing_id, size=len(jpeg) + 5).json, jpeg)
    assert res.status_code == 400 and "size" in res.json["details"]
    truncated = make_image(size=(300, 200))[:400]
    res = put(client, init(client, listing_id, size=len(truncated)).json, truncated)
    assert res.status_code == 400 and res.json["code"] == "VALIDATION_ERROR"
    assert client.get(f"/api/v1/listings/{listing_id}", headers=A).json["media"] == []


def test_init_refuses_unknown_types_and_oversized_files(client, monkeypatch, make_image, upload):
    listing_id = new_listing(client)
    assert init(client, listing_id, content_type="image/gif").json["details"]["contentType"]
    res = init(client, listing_id, size=50 * 1024 * 1024)
    assert res.status_code == 413 and res.json["code"] == "PAYLOAD_TOO_LARGE"


def test_same_image_twice_in_a_listing_is_a_conflict(client, make_image, upload):
    listing_id = new_listing(client)
    data = make_image()
    assert upload(listing_id, A, data).status_code == 200
    again = upload(listing_id, A, data)
    assert again.status_code == 409 and again.json["code"] == "MEDIA_DUPLICATE"
    other_listing = new_listing(client)
    assert upload(other_listing, A, data).status_code == 200  # elsewhere: allowed


def test_upload_link_is_bound_to_its_photo_and_signed(client, make_image, upload):
    listing_id = new_listing(client)
    data = make_image()
    first, second = init(client, listing_id, size=len(data)).json, init(client, listing_id, size=len(data)).json
    token = urlsplit(first["uploadUrl"]).query
    swapped = client.put(f"/api/v1/listings/{listing_id}/media/{second['mediaId']}/content?{token}",
                         data=data, headers={"Content-Type": "image/jpeg"})
    assert swapped.status_code == 401 and swapped.json["code"] == "UPLOAD_TOKEN_INVALID"
    forged = client.put(urlsplit(first["uploadUrl"]).path + "?token=abc.def", data=data,
                        headers={"Content-Type": "image/jpeg"})
    assert forged.status_code == 401
    assert put(client, first, data).status_code == 200
    assert put(client, first, data).json["code"] == "MEDIA_ALREADY_UPLOADED"


def test_expired_upload_link_is_refused(client, monkeypatch, make_image, upload):
    listing_id = new_listing(client)
    data = make_image()
    target = init(client, listing_id, size=len(data)).json
    import time
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3600)
    res = put(client, target, data)
    assert res.status_code == 401 and "expired" in res.json["message"]


def test_reorder_primary_and_delete(client, container, add_photos, make_image, upload):
    listing_id = new_listing(client)
    first, second, third = add_photos(listing_id, A)
    assert [first["primary"], second["primary"], third["primary"]] == [True, False, False]
    order = [third["id"], first["id"], second["id"]]
    res = client.post(f"/api/v1/listings/{listing_id}/media/reorder", json={"mediaIds": order}, headers=A)
    assert [m["id"] for m in res.json] == order
    bad = client.post(f"/api/v1/listings/{listing_id}/media/reorder", json={"mediaIds": order[:2]}, headers=A)
    assert bad.status_code == 400 and "mediaIds" in bad.json["details"]
    client.post(f"/api/v1/listings/{listing_id}/media/{second['id']}/primary", headers=A)
    media = client.get(f"/api/v1/listings/{listing_id}", headers=A).json["media"]
    assert [m["id"] for m in media] == [second["id"], third["id"], first["id"]]  # primary first
    assert client.delete(f"/api/v1/listings/{listing_id}/media/{second['id']}", headers=A).status_code == 204
    media = client.get(f"/api/v1/listings/{listing_id}", headers=A).json["media"]
    assert [m["id"] for m in media] == [third["id"], first["id"]] and media[0]["primary"]
    assert container.platform.extras["media"].storage.get(second["url"].removeprefix("/media/")) is None


def test_other_tenant_cannot_touch_photos(client, add_photos, make_image, upload):
    listing_id = new_listing(client)
    [photo] = add_photos(listing_id, A, count=1)
    b = auth_headers(str(uuid.uuid4()))
    assert init(client, listing_id, headers=b).status_code == 404
    assert client.post(f"/api/v1/listings/{listing_id}/media/{photo['id']}/primary", headers=b).status_code == 404
    assert client.delete(f"/api/v1/listings/{listing_id}/media/{photo['id']}", headers=b).status_code == 404
    moderator = auth_headers(ORG, "MODERATOR")
    assert init(client, listing_id, headers=moderator).status_code == 403


def test_expired_reservations_free_their_place(client, monkeypatch):
    from atlas_listings.domain import media as rules
    from atlas_listings.service_layer import uploads as use_cases
    listing_id = new_listing(client)
    monkeypatch.setattr(rules, "MAX_PHOTOS", 2)
    assert [init(client, listing_id).status_code for _ in range(2)] == [201, 201]
    full = init(client, listing_id)
    assert full.status_code == 409 and full.json["code"] == "MEDIA_LIMIT_REACHED"
    an_hour_later = utcnow() + timedelta(hours=1)
    monkeypatch.setattr(use_cases, "utcnow", lambda: an_hour_later)
    assert init(client, listing_id).status_code == 201  # the two unused reservations expired
