"""Per-org sending limits: read by the org's admins, changed only by operators (CLI)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from atlas_outbound.adapters import repositories as repo
from atlas_outbound.adapters.orm import OrgLimits, SendCounter
from atlas_outbound.domain import limits as rules
from atlas_outbound.service_layer.policy import current_limits
from atlas_outbound.settings import OutboundSettings
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.web.auth import require_role


def usage(uow: UnitOfWork, settings: OutboundSettings, now: datetime) -> dict[str, Any]:
    require_role(uow.ctx, ("ADMIN_ORG", "MANAGER"), action="read sending limits")
    with uow:
        lim = current_limits(uow.session, settings)
        used = {kind: uow.session.scalar(select(SendCounter.count).where(
            SendCounter.kind == kind, SendCounter.window_start == rules.window_start(kind, now))) or 0
            for kind in (rules.DAY, rules.MINUTE)}
        return {"dailyQuota": lim.daily_quota, "perMinute": lim.per_minute, "usedToday": used[rules.DAY],
                "usedThisMinute": used[rules.MINUTE],
                "resetsAt": rules.next_window(rules.DAY, now).isoformat(),
                "custom": repo.org_limits(uow.session) is not None}


def set_limits(uow: UnitOfWork, daily_quota: int, per_minute: int) -> dict[str, Any]:
    """Operator action (``atlas-outbound limits set``): an org cannot raise its own paid quota."""
    with uow:
        row = repo.org_limits(uow.session)
        before = {"dailyQuota": row.daily_quota, "perMinute": row.per_minute} if row else None
        if row is None:
            row = OrgLimits(daily_quota=daily_quota, per_minute=per_minute, updated_by=uow.ctx.user_id)
            uow.session.add(row)
        row.daily_quota, row.per_minute = daily_quota, per_minute
        row.updated_by, row.updated_at = uow.ctx.user_id, utcnow()
        uow.session.flush()
        after = {"dailyQuota": daily_quota, "perMinute": per_minute}
        uow.audit("LIMITS_CHANGED", "OUTBOUND_LIMITS", row.id, before=before, after=after)
        uow.commit()
        return after
