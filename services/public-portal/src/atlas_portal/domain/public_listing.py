"""What the public may see of a listing (domain.md sections 3 and 9)."""

from __future__ import annotations

from typing import Any

PUBLISHED = "ANN_PUBLISHED"
TX_CODES = {"TX_SALE": "SALE", "TX_RENT": "RENT"}
SORTS = ("recent", "price_asc", "price_desc")


def is_visible(snapshot: dict[str, Any]) -> bool:
    """Public only while published and not blocked by moderation."""
    return snapshot.get("status") == PUBLISHED and not snapshot.get("moderationBlocked", False)


def is_newer(incoming_version: int, stored_version: int | None, *, snapshot: bool) -> bool:
    """Events may arrive out of order or twice: only a newer version changes the read model
    (a snapshot of the same version repairs a row, it never goes backwards)."""
    if stored_version is None:
        return True
    return incoming_version > stored_version or (snapshot and incoming_version == stored_version)


def public_tx(code: str | None) -> str | None:
    return TX_CODES.get(code or "")
