"""Provider callback bodies → status reports (Meta's webhook envelope, Twilio's form)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from atlas_outbound.service_layer.callbacks import StatusReport
from atlas_outbound.service_layer.signals import timestamp


def meta_statuses(envelope: Any) -> list[StatusReport]:
    """Every ``value.statuses[]`` of every entry and change (one POST may carry several)."""
    if not isinstance(envelope, dict) or envelope.get("object") != "whatsapp_business_account":
        raise ValueError("not a WhatsApp Business Account webhook")
    reports = []
    for entry in envelope.get("entry") or []:
        for change in entry.get("changes") or []:
            for status in (change.get("value") or {}).get("statuses") or []:
                if not status.get("id") or not status.get("status"):
                    continue
                reports.append(StatusReport(
                    provider_message_id=str(status["id"]), status=str(status["status"]),
                    occurred_at=timestamp(status.get("timestamp")), errors=list(status.get("errors") or []),
                    message_ref=status.get("biz_opaque_callback_data")))
    return reports


def twilio_status(form: Mapping[str, str], message_ref: str | None) -> StatusReport | None:
    sid = form.get("MessageSid") or form.get("SmsSid")
    status = form.get("MessageStatus") or form.get("SmsStatus")
    if not sid or not status:
        return None
    code = form.get("ErrorCode")
    errors = [{"code": code, "title": form.get("ErrorMessage") or f"Twilio error {code}"}] if code else []
    return StatusReport(provider_message_id=sid, status=status, occurred_at=None, errors=errors,
                        message_ref=message_ref)
