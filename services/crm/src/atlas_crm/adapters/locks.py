"""Transaction-scoped locks for work that has no row to lock yet (e.g. "the dossier of this phone")."""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session


def lock_for(session: Session, *parts: str) -> None:
    """Serialise transactions on the same key until they end. PostgreSQL: an advisory transaction
    lock; SQLite already runs one writer at a time (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                    {"key": int.from_bytes(digest[:8], "big", signed=True)})
