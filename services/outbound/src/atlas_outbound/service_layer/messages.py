"""Message use cases of the API: create (idempotent, policy-checked), read, list, retry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy.exc import IntegrityError

from atlas_outbound.adapters import repositories as repo
from atlas_outbound.adapters.orm import IdempotencyKey, OutboundMessage
from atlas_outbound.adapters.repositories import MessageRepository
from atlas_outbound.domain import idempotency, statuses
from atlas_outbound.domain.policy import Refusal
from atlas_outbound.metrics import REFUSALS
from atlas_outbound.service_layer import policy
from atlas_outbound.service_layer.errors import refusal_error
from atlas_outbound.service_layer.idempotency_keys import in_flight, look_up_key
from atlas_outbound.service_layer.plain_rows import PlainRows
from atlas_outbound.service_layer.transitions import ENTITY, change_status, parent
from atlas_outbound.service_layer.views import audit_state, message_view, status_payload
from atlas_outbound.settings import OutboundSettings
from atlas_shared.db.repository import Page, as_uuid
from atlas_shared.db.tenancy import ORG_KEY
from atlas_shared.db.types import new_id
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import TransitionNotAllowed, ValidationFailed
from atlas_shared.web.auth import require_role

SENDERS = ("ADMIN_ORG", "MANAGER", "AGENT")
READERS = (*SENDERS, "AUDITOR")
OPERATORS = ("ADMIN_ORG", "MANAGER")
Clock = Callable[[], datetime]


def create_message(uow: UnitOfWork, settings: OutboundSettings, data: dict[str, Any], key: str | None,
                   now: Clock, email_ready: bool) -> tuple[dict[str, Any], bool]:
    """Returns (message, created). A replay of a completed key returns the original message.

    One transaction: the key is looked up (a completed one is replayed), the policy checked, and the
    message, its audit row, its events and the key — DONE with the message — written together. A
    concurrent twin with the same key waits on the key's unique index until this one ends, then gets
    409 IDEMPOTENCY_IN_FLIGHT (a retry then gets the replay); a refusal writes nothing but its audit."""
    require_role(uow.ctx, SENDERS, action="send messages")
    if not idempotency.valid_key(key):
        raise ValidationFailed("The Idempotency-Key header is required (1-200 visible ASCII characters).",
                               {"Idempotency-Key": ["Missing or not valid."]})
    assert key is not None
    fingerprint = idempotency.fingerprint(data)
    draft = draft_from_api(data)
    try:
        with uow:
            at = now()
            replay, dead = look_up_key(uow, key, fingerprint, at)
            if replay is not None:
                return replay, False
            admission = policy.admit(uow.session, draft, settings, at, email_ready=email_ready)
            rows = PlainRows(uow)
            m = message_row(uow, draft, admission, at)
            rows.queued(m, at)
            rows.write()
            if dead is not None:  # its first request died before finishing: this one took it over
                dead.state, dead.message_id, dead.locked_until = idempotency.DONE, m["id"], None
            else:
                uow.session.add(IdempotencyKey(key=key, request_hash=fingerprint, state=idempotency.DONE,
                                               message_id=m["id"], created_at=at))
            try:
                uow.commit()
            except IntegrityError:  # a twin request with this key committed first
                raise in_flight(key) from None
            return message_view(SimpleNamespace(**m), []), True
    except Refusal as refusal:
        refuse(uow, draft, refusal, key)
        raise refusal_error(refusal) from None


def draft_from_api(data: dict[str, Any]) -> policy.Draft:
    member = data.get("coopMemberId")
    return policy.Draft(
        source=policy.API, channel=data["channel"], to=data["to"], text=data.get("text"),
        subject=data.get("subject"), template_code=data.get("templateCode"),
        template_language=data.get("templateLanguage"), variables=data.get("variables") or {},
        dossier_id=str(data["dossierId"]) if data.get("dossierId") else None,
        subject_type="COOP_MEMBER" if member else "DOSSIER",
        subject_id=str(member or data.get("dossierId") or "") or None)


def new_message(draft: policy.Draft, admission: policy.Admission, actor: str, at: datetime,
                **extra: Any) -> OutboundMessage:
    return OutboundMessage(**message_columns(draft, admission, actor, at, **extra))


def message_columns(draft: policy.Draft, admission: policy.Admission, actor: str, at: datetime,
                    **extra: Any) -> dict[str, Any]:
    """A new QUEUED message's columns, by attribute name."""
    return dict(
        source=draft.source, dossier_id=_uuid(draft.dossier_id), subject_type=draft.subject_type,
        subject_id=draft.subject_id, channel=draft.channel, to=admission.to,
        template_code=draft.template_code, template_language=(draft.template_language or "fr")
        if draft.template_code else None, variables=draft.variables or {},
        template_values=admission.template_values, text=admission.text, subject=admission.subject,
        status=statuses.QUEUED, due_at=admission.due_at, attempt_count=0, retry_base=0,
        consent_basis=admission.consent_basis, created_by=actor, version=1, created_at=at,
        updated_at=at, **{"refs": {}, **extra})


def message_row(uow: UnitOfWork, draft: policy.Draft, admission: policy.Admission,
                at: datetime) -> dict[str, Any]:
    """A new API message as a row for ``PlainRows.queued``: every column (an executemany needs the
    same keys in every row), the id and org set here instead of by a flush."""
    return {**_UNSET, **message_columns(draft, admission, uow.ctx.user_id, at), "id": new_id(),
            "org_id": as_uuid(uow.session.info[ORG_KEY])}


_UNSET = dict.fromkeys(("claimed_by", "claim_token", "provider_message_id", "last_error_code", "last_error",
                        "crm_message_id", "notification_key", "sent_at", "delivered_at", "read_at",
                        "failed_at"))


def _uuid(value: Any) -> Any:
    return as_uuid(value) if value else None


def record_queued(uow: UnitOfWork, m: OutboundMessage, at: datetime) -> None:
    uow.audit("CREATE", ENTITY, m.id, after={**audit_state(m), "channel": m.channel, "to": m.to,
                                              "source": m.source, "templateCode": m.template_code},
              parent=parent(m), extra={"consentBasis": m.consent_basis})
    uow.publish("outbound.status_changed", status_payload(m, at), aggregate_type="outbound_message",
                aggregate_id=m.id)


def refuse(uow: UnitOfWork, draft: policy.Draft, refusal: Refusal, key: str | None) -> None:
    """Audited in a transaction of its own; the key is released so a corrected request can use it."""
    with uow:
        if key:
            row = repo.idempotency_key(uow.session, key, for_update=True)
            if row is not None and row.state == idempotency.IN_FLIGHT:
                uow.session.delete(row)
        audit_refusal(uow, draft, refusal, key)
        uow.commit()
    REFUSALS.labels(draft.source, refusal.code).inc()


def audit_refusal(uow: UnitOfWork, draft: policy.Draft, refusal: Refusal, key: str | None) -> None:
    target = ("DOSSIER", draft.dossier_id) if draft.dossier_id else \
        ((draft.subject_type, draft.subject_id) if draft.subject_id else None)
    uow.audit("BLOCKED_BY_POLICY", "OUTBOUND_MESSAGE_REQUEST", new_id(), parent=target,
              after={"code": refusal.code, "reason": refusal.message, "channel": draft.channel,
                     "to": draft.to, "templateCode": draft.template_code, "source": draft.source},
              extra={"idempotencyKey": key, "details": refusal.details})


def get_message(uow: UnitOfWork, message_id: Any) -> dict[str, Any]:
    require_role(uow.ctx, READERS, action="read messages")
    with uow:
        m = MessageRepository(uow.session).with_attempts(message_id)
        return message_view(m, m.attempts)


def list_messages(uow: UnitOfWork, filters: dict[str, Any]) -> Page[dict[str, Any]]:
    require_role(uow.ctx, READERS, action="read messages")
    with uow:
        return MessageRepository(uow.session).search(filters).map(lambda m: message_view(m, m.attempts))


def retry_message(uow: UnitOfWork, settings: OutboundSettings, message_id: Any, now: Clock,
                  email_ready: bool) -> dict[str, Any]:
    require_role(uow.ctx, OPERATORS, action="retry messages")
    with uow:
        m = MessageRepository(uow.session).get(message_id, for_update=True)
        if m.status != statuses.FAILED:
            raise TransitionNotAllowed(f"Only a FAILED message can be retried; this one is {m.status}.",
                                       {"status": m.status})
        if m.provider_message_id:
            raise TransitionNotAllowed("The provider accepted this message and reported it undelivered; "
                                       "it is never sent twice. Send a new message instead.",
                                       {"providerMessageId": m.provider_message_id})
        at = now()
        try:
            admission = policy.admit(uow.session, draft_of(m), settings, at, email_ready=email_ready)
        except Refusal as refusal:
            raise refusal_error(refusal) from None
        requeue(uow, m, at, admission.due_at, actor=uow.ctx.user_id)
        uow.commit()
        return message_view(m, [])


def draft_of(m: OutboundMessage) -> policy.Draft:
    return policy.Draft(source=m.source, channel=m.channel, to=m.to, text=m.text, subject=m.subject,
                        template_code=m.template_code, template_language=m.template_language,
                        variables=m.variables or {}, subject_type=m.subject_type, subject_id=m.subject_id,
                        dossier_id=str(m.dossier_id) if m.dossier_id else None)


def requeue(uow: UnitOfWork, m: OutboundMessage, at: datetime, due_at: datetime, actor: str) -> None:
    """A FAILED message back in the queue with a fresh retry budget; its dead letter is resolved."""
    letter = repo.open_dead_letter(uow.session, m.id)
    if letter is not None:
        letter.resolved_at, letter.resolved_by = at, actor
    m.retry_base = m.attempt_count
    change_status(uow, m, statuses.QUEUED, at, error=(None, None), action="OUTBOUND_RETRIED")
    m.due_at = due_at
