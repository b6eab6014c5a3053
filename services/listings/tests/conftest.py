import io
import itertools
import uuid
from urllib.parse import urlsplit

import pytest
from PIL import Image

from atlas_listings.bootstrap import build, create_http_app

_colours = itertools.count(1)


@pytest.fixture
def container(atlas_env, database_url, monkeypatch):
    monkeypatch.setenv("ATLAS_LISTINGS_DATABASE_URL", database_url("atlas_listings:migrations"))
    c = build()
    yield c
    c.platform.db.dispose()


@pytest.fixture
def client(container):
    return create_http_app(container).test_client()


def image_bytes(fmt: str = "JPEG", size=(64, 48), colour: int | None = None) -> bytes:
    """A small real image, different at every call unless ``colour`` is given."""
    n = next(_colours) if colour is None else colour
    out = io.BytesIO()
    Image.new("RGB", size, ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256)).save(out, fmt)
    return out.getvalue()


def upload_photo(client, listing_id, headers, data=None, content_type="image/jpeg", finalize=True):
    """init → PUT to uploadUrl (no auth header: the signed URL is enough) → finalize."""
    data = data if data is not None else image_bytes()
    target = client.post(f"/api/v1/listings/{listing_id}/media/init", headers=headers,
                         json={"fileName": "photo.jpg", "contentType": content_type, "size": len(data)})
    assert target.status_code == 201, target.json
    body = target.json
    url = urlsplit(body["uploadUrl"])
    put = client.put(f"{url.path}?{url.query}", data=data, headers=body["headers"])
    if put.status_code != 200 or not finalize:
        return put
    done = client.post(f"/api/v1/listings/{listing_id}/media/{body['mediaId']}/finalize", headers=headers)
    assert done.status_code == 200, done.json
    return done


@pytest.fixture
def add_photos(client):
    def add(listing_id, headers, count=3):
        return [upload_photo(client, listing_id, headers).json for _ in range(count)]
    return add


@pytest.fixture
def org():
    return str(uuid.uuid4())


@pytest.fixture
def make_image():
    return image_bytes


@pytest.fixture
def upload(client):
    def do(listing_id, headers, data=None, content_type="image/jpeg", finalize=True):
        return upload_photo(client, listing_id, headers, data, content_type, finalize)
    return do
