"""Status callbacks the simulator sends back, signed like Meta's and Twilio's."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from aiohttp import BasicAuth, web

from atlas_outbound.domain.signatures import meta_signature, twilio_signature
from atlas_outbound.simulator.state import RUNTIME, STATE, CallbackPlan, Rule

log = logging.getLogger(__name__)


def schedule(app: web.Application, coro: Any) -> None:
    task = asyncio.get_running_loop().create_task(coro)
    app[RUNTIME].tasks.add(task)
    task.add_done_callback(app[RUNTIME].tasks.discard)


def _status_entry(wamid: str, status: str, to: str, ref: str | None,
                  error: dict[str, Any] | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": wamid, "status": status, "timestamp": str(int(time.time())),
                             "recipient_id": to}
    if ref:
        entry["biz_opaque_callback_data"] = ref
    if status == "failed":
        entry["errors"] = [error or {"code": 131026, "title": "Message undeliverable"}]
    return entry


def _envelope(phone_number_id: str, statuses: list[dict[str, Any]]) -> dict[str, Any]:
    changes = [{"field": "messages", "value": {"messaging_product": "whatsapp",
                                               "metadata": {"phone_number_id": phone_number_id},
                                               "statuses": [s]}} for s in statuses]
    return {"object": "whatsapp_business_account", "entry": [{"id": "SIMULATED-WABA", "changes": changes}]}


async def whatsapp_callbacks(app: web.Application, pnid: str, wamid: str, to: str, ref: str | None,
                              rule: Rule | None) -> None:
    plan: CallbackPlan = app[STATE].callbacks
    if not (plan.enabled and plan.url):
        return
    failure = rule.delivery_error if rule else None
    entries = [_status_entry(wamid, s, to, ref, failure)
               for s in plan.sequence(app[STATE].rng, failed=failure is not None)]
    batches = [entries] if plan.batch else [[e] for e in entries]
    for batch in batches:
        await asyncio.sleep(plan.delay_ms / 1000)
        raw = json.dumps(_envelope(pnid, batch)).encode()
        headers = {"Content-Type": "application/json"}
        if plan.app_secret:
            headers["X-Hub-Signature-256"] = meta_signature(raw, plan.app_secret)
        await _post(app, plan.url, raw, headers)


async def twilio_callbacks(app: web.Application, url: str, credentials: BasicAuth, sid: str,
                            form: dict[str, Any], rule: Rule | None) -> None:
    plan: CallbackPlan = app[STATE].callbacks
    if not plan.enabled:
        return
    failure = rule.delivery_error if rule else None
    words = {"sent": "sent", "delivered": "delivered", "read": "delivered", "failed": "undelivered"}
    for status in dict.fromkeys(words[s] for s in plan.sequence(app[STATE].rng, failed=failure is not None)):
        await asyncio.sleep(plan.delay_ms / 1000)
        params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": credentials.login,
                  "To": str(form.get("To") or ""), "From": str(form.get("From") or "")}
        if status == "undelivered":
            params["ErrorCode"] = str((failure or {}).get("code", 30003))
        headers = {"X-Twilio-Signature": twilio_signature(url, params, credentials.password),
                   "Content-Type": "application/x-www-form-urlencoded"}
        await _post(app, url, params, headers)


async def _post(app: web.Application, url: str, data: Any, headers: dict[str, str]) -> None:
    state = app[STATE]
    try:
        assert app[RUNTIME].http is not None
        async with app[RUNTIME].http.post(url, data=data, headers=headers) as res:
            await res.read()
            state.callbacks_sent += 1
            if res.status >= 300:
                state.callback_errors += 1
    except Exception as exc:  # noqa: BLE001 - a receiver that is down is counted, like Meta retries
        state.callback_errors += 1
        log.debug("callback to %s failed: %s", url, exc)
