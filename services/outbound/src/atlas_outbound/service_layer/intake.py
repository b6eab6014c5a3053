"""Messages requested through events: the CRM's ``message.outbound_requested`` and the co-op's
``notification.requested``. Same admission as the API, except consent: the requester already decided
(recorded on the message as its consent basis). Idempotent on the CRM message id / notification key.

A refused request is not dropped: it is stored FAILED with its reason, audited BLOCKED_BY_POLICY,
dead-lettered and reported back (``outbound.status_changed``), so nothing a user asked for is lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from atlas_outbound.adapters.orm import OutboundMessage
from atlas_outbound.adapters.repositories import MessageRepository
from atlas_outbound.domain import statuses
from atlas_outbound.domain.policy import Refusal
from atlas_outbound.metrics import REFUSALS
from atlas_outbound.service_layer import policy
from atlas_outbound.service_layer.messages import new_message, record_queued
from atlas_outbound.service_layer.transitions import fail
from atlas_outbound.settings import OutboundSettings
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event


def on_crm_request(uow: UnitOfWork, event: Event, settings: OutboundSettings, now: datetime,
                   email_ready: bool) -> str:
    p = event.payload
    crm_id = str(p.get("messageId") or "")
    if MessageRepository(uow.session).by_field(OutboundMessage.crm_message_id, crm_id) is not None:
        return "duplicate"
    dossier = str(p["dossierId"]) if p.get("dossierId") else None
    draft = policy.Draft(source=policy.CRM, channel=statuses.channel_code(p.get("channel") or "") or
                         str(p.get("channel") or "")[:10], to=str(p.get("to") or ""), text=p.get("content"),
                         template_code=p.get("templateCode"), template_language=p.get("templateLanguage"),
                         variables=p.get("variables") or {}, dossier_id=dossier, subject_id=dossier)
    return _accept(uow, draft, settings, now, email_ready, crm_message_id=crm_id or None)


def on_coop_notification(uow: UnitOfWork, event: Event, settings: OutboundSettings, now: datetime,
                         email_ready: bool) -> str:
    p = event.payload
    key = str(p.get("notificationKey") or "")
    if key and MessageRepository(uow.session).by_field(OutboundMessage.notification_key, key) is not None:
        return "duplicate"
    draft = policy.Draft(source=policy.COOP, channel=statuses.channel_code(p.get("channel") or "") or
                         str(p.get("channel") or "")[:10], to=str(p.get("to") or ""), text=p.get("content"),
                         template_code=p.get("templateCode"), template_language=p.get("templateLanguage"),
                         variables=p.get("variables") or {},
                         subject_type=p.get("subjectType") or "COOP_MEMBER",
                         subject_id=str(p["subjectId"]) if p.get("subjectId") else None)
    refs = {k: p.get(k) for k in ("entityType", "entityId", "planId", "planVersion") if p.get(k) is not None}
    return _accept(uow, draft, settings, now, email_ready, notification_key=key or None, refs=refs)


def _accept(uow: UnitOfWork, draft: policy.Draft, settings: OutboundSettings, now: datetime,
            email_ready: bool, **extra: Any) -> str:
    actor = uow.ctx.user_id
    try:
        if draft.channel not in statuses.CHANNELS:
            raise Refusal("VALIDATION_ERROR", f"Unknown channel '{draft.channel}'.",
                          details={"channel": [draft.channel]})
        with uow.session.begin_nested():
            admission = policy.admit(uow.session, draft, settings, now, email_ready=email_ready)
            m = new_message(draft, admission, actor, now, **extra)
            uow.session.add(m)
    except Refusal as refusal:
        _blocked(uow, draft, refusal, actor, now, extra)
        return refusal.code
    record_queued(uow, m, now)
    return "queued"


def _blocked(uow: UnitOfWork, draft: policy.Draft, refusal: Refusal, actor: str, now: datetime,
             extra: dict[str, Any]) -> None:
    admission = policy.Admission(to=draft.to[:254], text=draft.text, subject=draft.subject,
                                 template_values=[], consent_basis={"decidedBy": draft.source}, due_at=now)
    m = new_message(draft, admission, actor, now, **extra)
    m.channel = draft.channel[:10]
    uow.session.add(m)
    uow.session.flush()
    record_queued(uow, m, now)
    fail(uow, m, now, refusal.code, refusal.message, action="BLOCKED_BY_POLICY",
         extra={"details": refusal.details})
    REFUSALS.labels(draft.source, refusal.code).inc()
