"""WhatsApp Cloud API: ``POST {base}/{version}/{phone_number_id}/messages`` with a bearer token.

Cloud API has no request idempotency key. Each send carries our message id in
``biz_opaque_callback_data``, which Meta echoes in every status callback: a worker that died after Meta
accepted a message (before it could commit the wamid) is reconciled from that callback instead of
sending again (service_layer.sending).
"""

from __future__ import annotations

from typing import Any

from atlas_outbound.adapters.providers import Accepted, Account, SendFailed, SendRequest, sanitise
from atlas_outbound.adapters.providers.http import HTTPError, HttpPool
from atlas_outbound.domain.retry import Failure


class WhatsAppCloud:
    channel = "WHATSAPP"

    def __init__(self, base_url: str, api_version: str, timeout: float, http: HttpPool) -> None:
        self.base_url, self.api_version = base_url, api_version
        self.timeout = (min(3.05, timeout), timeout)
        self.http = http

    def body(self, request: SendRequest) -> dict[str, Any]:
        body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual",
                                "to": request.to.lstrip("+"), "biz_opaque_callback_data": request.message_id}
        if request.template_code:
            template: dict[str, Any] = {"name": request.template_code,
                                        "language": {"code": request.template_language or "fr"}}
            if request.template_values:
                template["components"] = [{"type": "body", "parameters": [
                    {"type": "text", "text": value} for value in request.template_values]}]
            body.update(type="template", template=template)
        else:
            body.update(type="text", text={"preview_url": False, "body": request.text or ""})
        return body

    def send(self, request: SendRequest, account: Account) -> Accepted:
        url = f"{self.base_url}/{self.api_version}/{account.account}/messages"
        headers = {"Authorization": f"Bearer {account.secret}"}
        try:
            res = self.http.post_json(url, self.body(request), headers, self.timeout)
        except HTTPError as exc:
            raise SendFailed(Failure(None, None, sanitise(f"{type(exc).__name__}: {exc}",
                                                          [account.secret]))) from None
        data = res.json()
        if res.status_code < 300:
            wamid = ((data.get("messages") or [{}])[0]).get("id")
            if wamid:
                return Accepted(str(wamid), res.status_code, data)
            raise SendFailed(Failure(res.status_code, None, "answer without messages[0].id"), data)
        error = data.get("error") or {}
        code = str(error["code"]) if error.get("code") is not None else None
        message = error.get("message") or res.reason or f"HTTP {res.status_code}"
        details = (error.get("error_data") or {}).get("details")
        text = f"{message} ({details})" if details else message
        raise SendFailed(Failure(res.status_code, code, sanitise(text, [account.secret])),
                         {"error": {k: error.get(k) for k in ("code", "type", "message", "error_subcode",
                                                              "fbtrace_id") if k in error}})

