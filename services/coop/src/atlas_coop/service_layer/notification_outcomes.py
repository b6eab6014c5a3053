"""What became of a notification: the outbound service reports each status change of the message it
made from our request (``outbound.status_changed`` with our ``notificationKey``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from atlas_coop.adapters.orm import Notification
from atlas_coop.domain.codes import ACT_SYSTEM, MEMBER
from atlas_coop.service_layer import timeline
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event

FAILED = "FAILED"


def apply_outcome(uow: UnitOfWork, event: Event) -> bool:
    """Keep the latest status (versions only grow; an older report is ignored); a failure goes on the
    group's timeline so that a member who was not reached is visible."""
    payload = event.payload
    key, version = payload.get("notificationKey"), payload.get("version")
    if not key or not event.org_id or not isinstance(version, int):
        return False
    row = uow.session.scalar(select(Notification).where(Notification.notification_key == key)
                             .with_for_update())
    if row is None or version <= row.delivery_version:
        return False
    error = payload.get("error") or {}
    row.delivery_status, row.delivery_version = str(payload.get("status") or ""), version
    row.delivery_error = f"{error.get('code')}: {error.get('message')}" if error else None
    row.delivery_at = _when(payload.get("occurredAt"))
    if row.delivery_status == FAILED:
        timeline.record(uow, row.group_id, (MEMBER, row.member_id), ACT_SYSTEM,
                        f"Notification {row.template_code} non délivrée : {row.delivery_error or 'échec'}",
                        {"notificationKey": key, "status": FAILED, "error": error})
    return True


def _when(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
