"""The B2B demo pipeline's pro API: /cases, demo appointments and the b2b-demo summary (one list for
bootstrap)."""

from __future__ import annotations

from flask_smorest import Blueprint


def blueprints() -> list[Blueprint]:
    return []
