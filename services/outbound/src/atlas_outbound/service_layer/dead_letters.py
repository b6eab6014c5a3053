"""Dead letters: messages that failed for good, listed for an operator who retries them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from atlas_outbound.adapters.orm import DeadLetter
from atlas_outbound.service_layer.messages import OPERATORS
from atlas_shared.db.repository import Page, paginate
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.web.auth import require_role


def view(letter: DeadLetter) -> dict[str, Any]:
    m = letter.message
    return {"id": str(letter.id), "messageId": str(letter.message_id), "orgId": str(letter.org_id),
            "reasonCode": letter.reason_code, "error": letter.error, "attempts": letter.attempts,
            "channel": m.channel, "to": m.to, "source": m.source, "templateCode": m.template_code,
            "dossierId": str(m.dossier_id) if m.dossier_id else None,
            "createdAt": letter.created_at.isoformat(),
            "resolvedAt": letter.resolved_at.isoformat() if letter.resolved_at else None,
            "resolvedBy": letter.resolved_by}


def list_letters(uow: UnitOfWork, filters: dict[str, Any], *,
                 check_role: bool = True) -> Page[dict[str, Any]]:
    """Open dead letters of the org (every org for an operator's tenant-bypassing unit of work)."""
    if check_role:
        require_role(uow.ctx, OPERATORS, action="read dead letters")
    with uow:
        stmt = select(DeadLetter)
        if not filters.get("includeResolved"):
            stmt = stmt.where(DeadLetter.resolved_at.is_(None))
        if filters.get("reasonCode"):
            stmt = stmt.where(DeadLetter.reason_code == filters["reasonCode"])
        stmt = stmt.order_by(DeadLetter.created_at.desc(), DeadLetter.id)
        page = paginate(uow.session, stmt, filters.get("page", 1), filters.get("size", 20))
        return page.map(view)
