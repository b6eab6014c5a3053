"""Today's date for business rules (UTC), in one place so jobs and tests can pass their own."""

from __future__ import annotations

from datetime import date

from atlas_shared.db.types import utcnow


def today() -> date:
    return utcnow().date()
