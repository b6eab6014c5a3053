"""Listing photos: accepted formats, what the bytes really are, and where they are stored."""

from __future__ import annotations

import re

JPEG, PNG, WEBP = "image/jpeg", "image/png", "image/webp"
CONTENT_TYPES = (JPEG, PNG, WEBP)
EXTENSIONS = {JPEG: "jpg", PNG: "png", WEBP: "webp"}
PENDING, UPLOADED, READY = "PENDING", "UPLOADED", "READY"
MAX_PHOTOS = 40

_SAFE_NAME = re.compile(r"[^\w. -]+")


def sniff(data: bytes) -> str | None:
    """The image type the bytes really hold (magic numbers), whatever the client declared."""
    if data[:3] == b"\xff\xd8\xff":
        return JPEG
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return PNG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def storage_key(org_id: str, listing_id: str, media_id: str, content_type: str) -> str:
    return f"listings/{org_id}/{listing_id}/{media_id}.{EXTENSIONS[content_type]}"


def thumbnail_key(org_id: str, listing_id: str, media_id: str) -> str:
    return f"listings/{org_id}/{listing_id}/{media_id}-thumb.jpg"


def clean_file_name(name: str) -> str:
    cleaned = _SAFE_NAME.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return cleaned[:200] or "photo"
