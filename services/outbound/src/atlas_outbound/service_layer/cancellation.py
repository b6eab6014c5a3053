"""Stopping messages that have not gone out: by an operator, or because the contact withdrew consent.

Only a QUEUED message that no worker holds and the provider never accepted can be cancelled: the row is
locked first, and workers claim with SKIP LOCKED, so a message is either cancelled or sent, never both.
A message a worker is sending (SENDING) finishes; its outcome is recorded as usual.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from atlas_outbound.adapters.orm import Attempt, OutboundMessage
from atlas_outbound.adapters.repositories import MessageRepository
from atlas_outbound.domain import statuses
from atlas_outbound.domain.policy import CONTACT
from atlas_outbound.service_layer.transitions import change_status
from atlas_outbound.service_layer.views import message_view
from atlas_shared.db.repository import as_uuid
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import TransitionNotAllowed
from atlas_shared.web.auth import require_role

OPERATORS = ("ADMIN_ORG", "MANAGER")
CONSENT_WITHDRAWN = "CONSENT_WITHDRAWN"


def cancel_message(uow: UnitOfWork, message_id: Any, reason: str | None, now: datetime) -> dict[str, Any]:
    """ADMIN_ORG/MANAGER: cancel a message still waiting in the queue (audited, reported to the CRM)."""
    require_role(uow.ctx, OPERATORS, action="cancel messages")
    with uow:
        m = MessageRepository(uow.session).get(message_id, for_update=True)
        if not cancellable(m):
            why = "a worker is sending it" if m.status == statuses.SENDING else f"it is {m.status}"
            raise TransitionNotAllowed(f"Only a queued message can be cancelled; {why}.",
                                       {"status": m.status})
        _cancel(uow, m, now, "CANCELLED_BY_USER", reason or "Cancelled by an operator.")
        attempts = list(uow.session.scalars(select(Attempt).where(Attempt.message_id == m.id)
                                            .order_by(Attempt.number)))
        uow.commit()
        return message_view(m, attempts)


def cancel_for_withdrawn_consent(uow: UnitOfWork, subject_type: str, subject_id: str, channel: str,
                                 consent_type: str, now: datetime) -> int:
    """A consent that no longer holds stops what was queued on it (no commit; the caller's transaction).
    Withdrawing the contact consent stops every message on that channel; withdrawing the marketing
    consent, the marketing ones."""
    subject = [OutboundMessage.subject_id == subject_id]
    dossier_id = as_uuid(subject_id) if subject_type == "DOSSIER" else None
    if dossier_id is not None:
        subject.append(OutboundMessage.dossier_id == dossier_id)
    rows = uow.session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.subject_type == subject_type, or_(*subject),
               OutboundMessage.channel == channel, OutboundMessage.status == statuses.QUEUED)
        .with_for_update(skip_locked=True)).all()
    stopped = 0
    for m in rows:
        needs = (m.consent_basis or {}).get("consentType", CONTACT)
        if cancellable(m) and (consent_type == CONTACT or needs == consent_type):
            _cancel(uow, m, now, CONSENT_WITHDRAWN,
                    f"{consent_type} for {channel} is no longer granted; the message was not sent.")
            stopped += 1
    return stopped


def cancellable(m: OutboundMessage) -> bool:
    return m.status == statuses.QUEUED and m.claim_token is None and not m.provider_message_id


def _cancel(uow: UnitOfWork, m: OutboundMessage, now: datetime, code: str, reason: str) -> None:
    change_status(uow, m, statuses.CANCELLED, now, error=(code, reason), extra={"reason": reason})
