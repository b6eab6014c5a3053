"""How a message looks to clients (API body) and to the CRM (``outbound.status_changed``)."""

from __future__ import annotations

from typing import Any

from atlas_outbound.adapters.orm import Attempt, OutboundMessage
from atlas_outbound.domain import statuses


def _ts(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _error(m: OutboundMessage) -> dict[str, Any] | None:
    if not (m.last_error_code or m.last_error):
        return None
    return {"code": m.last_error_code, "message": m.last_error}


def attempt_view(a: Attempt) -> dict[str, Any]:
    return {"number": a.number, "status": a.status, "httpStatus": a.http_status, "errorCode": a.error_code,
            "error": a.error, "providerResponse": a.provider_response, "nextRetryAt": _ts(a.next_retry_at),
            "worker": a.worker, "durationMs": a.duration_ms, "startedAt": _ts(a.started_at),
            "finishedAt": _ts(a.finished_at)}


def message_view(m: OutboundMessage, attempts: list[Attempt] | None = None) -> dict[str, Any]:
    return {
        "id": str(m.id), "source": m.source, "dossierId": str(m.dossier_id) if m.dossier_id else None,
        "subjectType": m.subject_type, "subjectId": m.subject_id, "channel": m.channel, "to": m.to,
        "templateCode": m.template_code, "templateLanguage": m.template_language,
        "payload": {"text": m.text, "subject": m.subject, "variables": m.variables or {}},
        "status": m.status, "attemptCount": m.attempt_count,
        "attempts": [attempt_view(a) for a in (attempts if attempts is not None else [])],
        "nextAttemptAt": _ts(m.due_at) if m.status == statuses.QUEUED else None,
        "providerMessageId": m.provider_message_id, "error": _error(m),
        "crmMessageId": m.crm_message_id, "notificationKey": m.notification_key,
        "references": m.refs or {}, "consentBasis": m.consent_basis or {}, "version": m.version,
        "createdAt": _ts(m.created_at), "updatedAt": _ts(m.updated_at), "sentAt": _ts(m.sent_at),
        "deliveredAt": _ts(m.delivered_at), "readAt": _ts(m.read_at), "failedAt": _ts(m.failed_at),
    }


def status_payload(m: OutboundMessage, occurred_at: Any) -> dict[str, Any]:
    """The ``outbound.status_changed`` payload (docs/events.md)."""
    return {
        "messageId": str(m.id), "crmMessageId": m.crm_message_id,
        "dossierId": str(m.dossier_id) if m.dossier_id else None, "channel": m.channel,
        "status": m.status, "providerMessageId": m.provider_message_id, "error": _error(m),
        "occurredAt": _ts(occurred_at), "version": m.version, "source": m.source,
        "notificationKey": m.notification_key, "subjectType": m.subject_type, "subjectId": m.subject_id,
    }


def audit_state(m: OutboundMessage) -> dict[str, Any]:
    return {"status": m.status, "providerMessageId": m.provider_message_id, "attemptCount": m.attempt_count,
            "errorCode": m.last_error_code}
