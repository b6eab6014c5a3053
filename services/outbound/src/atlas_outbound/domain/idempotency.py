"""Idempotency-Key (IETF draft): the same key and body is the same request, whenever it comes."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

IN_FLIGHT, DONE = "IN_FLIGHT", "DONE"
KEY = re.compile(r"^[\x21-\x7e]{1,200}$")  # visible ASCII, like the draft's sf-string


def fingerprint(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def valid_key(key: str | None) -> bool:
    return bool(key) and bool(KEY.match(key or ""))
