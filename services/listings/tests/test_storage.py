"""Storage adapters: the local folder, and the S3 request signature (AWS's published example)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from atlas_listings.adapters.s3 import sign
from atlas_listings.adapters.storage import LocalStorage, media_settings


def test_sigv4_matches_the_aws_documentation_example():
    # "Example: GET Object" of the AWS Signature Version 4 documentation for Amazon S3.
    headers = {"range": "bytes=0-9",
               "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
               "x-amz-date": "20130524T000000Z"}
    value = sign("GET", "https://examplebucket.s3.amazonaws.com/test.txt", headers, headers["x-amz-content-sha256"],
                 "us-east-1", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                 datetime(2013, 5, 24, tzinfo=UTC))
    assert value == ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                     "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                     "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")


def test_local_storage_round_trip_and_refuses_escaping_keys(tmp_path: Path):
    store = LocalStorage(tmp_path / "media")
    store.put("listings/o/l/m.jpg", b"abc", "image/jpeg")
    assert store.get("listings/o/l/m.jpg") == b"abc" and store.public_url("a/b.jpg") == "/media/a/b.jpg"
    store.delete("listings/o/l/m.jpg")
    assert store.get("listings/o/l/m.jpg") is None
    with pytest.raises(ValueError):
        store.put("../outside.jpg", b"x", "image/jpeg")


def test_media_settings_from_env(tmp_path: Path):
    local = media_settings({"ATLAS_MEDIA_MAX_BYTES": "1000"}, tmp_path)
    assert local.max_bytes == 1000 and isinstance(local.storage, LocalStorage)
    s3 = media_settings({"ATLAS_MEDIA_STORAGE": "s3", "ATLAS_S3_BUCKET": "photos", "ATLAS_S3_ACCESS_KEY_ID": "k",
                         "ATLAS_S3_SECRET_ACCESS_KEY": "s", "ATLAS_S3_ENDPOINT": "http://127.0.0.1:9000"}, tmp_path)
    assert s3.storage.public_url("a.jpg") == "http://127.0.0.1:9000/photos/a.jpg"
    with pytest.raises(ValueError, match="ATLAS_S3_BUCKET"):
        media_settings({"ATLAS_MEDIA_STORAGE": "s3"}, tmp_path)
