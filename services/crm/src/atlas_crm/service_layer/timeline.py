"""The dossier timeline: system activities written beside every change, and lastActivityAt."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from atlas_crm.adapters.orm import Activity, Dossier
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork


def touch(dossier: Dossier, at: datetime | None = None) -> None:
    """Every satellite write counts as activity on the dossier (its version does not change)."""
    dossier.last_activity_at = max(dossier.last_activity_at or utcnow(), at or utcnow())


def log(uow: UnitOfWork, dossier: Dossier, activity_type: str, content: str, *,
        related: tuple[str, Any] | None = None, details: dict[str, Any] | None = None) -> Activity:
    """A system activity (ACT_STATUS_CHANGE, ACT_MESSAGE_LOG, ...) on the dossier's timeline."""
    activity = Activity(dossier_id=dossier.id, type=activity_type, content=content, done=False,
                        actor=uow.ctx.user_id, related_type=related[0] if related else None,
                        related_id=str(related[1]) if related else None, details=details or {})
    uow.session.add(activity)
    touch(dossier)
    return activity
