"""The admin API: reference data and workflow definitions per tenant (one list for bootstrap)."""

from __future__ import annotations

from flask_smorest import Blueprint


def blueprints() -> list[Blueprint]:
    return []
