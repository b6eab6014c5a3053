"""Stopping messages that have not gone out: by an operator, or because the contact withdrew consent.

Only a QUEUED message that no worker holds and the provider never accepted can be cancelled: the row is
locked first, and workers claim with SKIP LOCKED, so a message is either cancelled or sent, never both.
A message a worker is sending (SENDING) finishes; its outcome is recorded as usual.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from atlas_outbound.adapters import repositories as repo
from atlas_outbound.adapters.orm import OutboundMessage
from atlas_outbound.adapters.repositories import MessageRepository
from atlas_outbound.domain import statuses
from atlas_outbound.domain.policy import CONTACT
from atlas_outbound.service_layer.messages import OPERATORS
from atlas_outbound.service_layer.transitions import change_status
from atlas_outbound.service_layer.views import message_view
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import TransitionNotAllowed
from atlas_shared.web.auth import require_role

CONSENT_WITHDRAWN = "CONSENT_WITHDRAWN"


def cancel_message(uow: UnitOfWork, message_id: Any, reason: str | None, now: datetime) -> dict[str, Any]:
    """ADMIN_ORG/MANAGER: cancel a message still waiting in the queue (audited, reported to the CRM)."""
    require_role(uow.ctx, OPERATORS, action="cancel messages")
    with uow:
        messages = MessageRepository(uow.session)
        m = messages.get(message_id, for_update=True)
        if not cancellable(m):
            why = "a worker is sending it" if m.status == statuses.SENDING else f"it is {m.status}"
            raise TransitionNotAllowed(f"Only a queued message can be cancelled; {why}.",
                                       {"status": m.status})
        _cancel(uow, m, now, "CANCELLED_BY_USER", reason or "Cancelled by an operator.")
        view = message_view(m, list(messages.with_attempts(m.id).attempts))
        uow.commit()
        return view


def cancel_for_withdrawn_consent(uow: UnitOfWork, subject_type: str, subject_id: str, channel: str,
                                 consent_type: str, now: datetime) -> int:
    """A consent that no longer holds stops what was queued on it (no commit; the caller's transaction).
    Withdrawing the contact consent stops every message on that channel; withdrawing the marketing
    consent, the marketing ones."""
    stopped = 0
    for m in repo.queued_for_subject(uow.session, subject_type, subject_id, channel):
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
