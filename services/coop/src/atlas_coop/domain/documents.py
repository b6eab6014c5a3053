"""Coop documents: what a file really is (magic bytes), safe names, where it is stored."""

from __future__ import annotations

import re

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
CONTENT_TYPES = (PDF, JPEG, PNG)
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
_SAFE_NAME = re.compile(r"[^\w.() -]+")


def sniff(data: bytes) -> str | None:
    """The type the bytes really hold, whatever the client declared."""
    if data[:5] == b"%PDF-":
        return PDF
    if data[:3] == b"\xff\xd8\xff":
        return JPEG
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return PNG
    return None


def clean_file_name(name: str | None) -> str:
    cleaned = _SAFE_NAME.sub("_", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return cleaned[:200] or "document"


def storage_key(org_id: str, group_id: str, document_id: str, content_type: str) -> str:
    return f"{org_id}/{group_id}/{document_id}.{EXTENSIONS[content_type]}"
