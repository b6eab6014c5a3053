"""The simulator's HTTP face (aiohttp).

Provider shapes:
  POST /{version}/{phone_number_id}/messages          WhatsApp Cloud API → {"messages":[{"id":"wamid…"}]}
  POST /2010-04-01/Accounts/{sid}/Messages.json       Twilio-style SMS (basic auth) → {"sid":"SM…"}
Control (tests, ops drills):
  PUT  /_sim/rules      {"rules":[{channel?, to?, times?, delayMs?, status?, code?, message?,
                                   deliveryError?}]}
  PUT  /_sim/callbacks  {url?, appSecret?, statuses?, shuffle?, duplicates?, delayMs?, batch?, enabled?}
  GET  /_sim/calls      calls per message (our id from biz_opaque_callback_data / StatusCallback)
  POST /_sim/reset
Status callbacks are signed like Meta's (X-Hub-Signature-256) and Twilio's (X-Twilio-Signature).
"""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import parse_qs, urlparse

from aiohttp import BasicAuth, ClientSession, ClientTimeout, web

from atlas_outbound.simulator.callbacks import schedule, twilio_callbacks, whatsapp_callbacks
from atlas_outbound.simulator.state import RUNTIME, STATE, CallbackPlan, Rule, Runtime, SimState


def _meta_error(status: int, code: int | None, message: str) -> web.Response:
    """Meta's error body; without a code it is a bare gateway error (as a 5xx from the edge is)."""
    kind = "OAuthException" if status == 401 else "GraphMethodException"
    error = {"message": message, "type": kind, "fbtrace_id": "SIMULATED"}
    if code is not None:
        error["code"] = code
    return web.json_response({"error": error}, status=status)


async def whatsapp_send(request: web.Request) -> web.Response:
    state = request.app[STATE]
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        return _meta_error(401, 190, "Invalid OAuth access token.")
    try:
        body = await request.json()
    except ValueError:
        return _meta_error(400, 100, "Invalid parameter: body is not JSON.")
    to = str(body.get("to") or "")
    if body.get("messaging_product") != "whatsapp" or not to or body.get("type") not in ("text", "template"):
        return _meta_error(400, 100, "Invalid parameter.")
    ref = str(body.get("biz_opaque_callback_data") or f"{to}:{json.dumps(body, sort_keys=True)}")
    state.record_call(ref)
    rule = state.rule_for("WHATSAPP", to)
    if rule and rule.delay_ms:
        await asyncio.sleep(rule.delay_ms / 1000)
    if rule and rule.status >= 300:
        return _meta_error(rule.status, rule.code, rule.message)
    wamid = state.next_id("wamid.SIM")
    state.accepted.setdefault(ref, []).append(wamid)
    schedule(request.app, whatsapp_callbacks(request.app, request.match_info["phone_number_id"], wamid, to,
                                               body.get("biz_opaque_callback_data"), rule))
    return web.json_response({"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                              "messages": [{"id": wamid}]})


async def twilio_send(request: web.Request) -> web.Response:
    state = request.app[STATE]
    auth = request.headers.get("Authorization", "")
    try:
        credentials = BasicAuth.decode(auth)
    except ValueError:
        return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
    form = dict(await request.post())
    to = str(form.get("To") or "").lstrip("+")
    callback = str(form.get("StatusCallback") or "")
    ref = (parse_qs(urlparse(callback).query).get("messageId") or [f"{to}:{form.get('Body')}"])[0]
    state.record_call(ref)
    rule = state.rule_for("SMS", to)
    if rule and rule.delay_ms:
        await asyncio.sleep(rule.delay_ms / 1000)
    if rule and rule.status >= 300:
        return web.json_response({"code": rule.code or rule.status, "message": rule.message,
                                  "status": rule.status}, status=rule.status)
    sid = state.next_id("SM")
    state.accepted.setdefault(ref, []).append(sid)
    if callback:
        schedule(request.app, twilio_callbacks(request.app, callback, credentials, sid, form, rule))
    return web.json_response({"sid": sid, "status": "queued", "to": form.get("To"),
                              "date_created": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())},
                             status=201)


# -- control ----------------------------------------------------------------------------------------

async def put_rules(request: web.Request) -> web.Response:
    body = await request.json()
    request.app[STATE].rules = [Rule.from_dict(r) for r in body.get("rules") or []]
    return web.json_response({"rules": len(request.app[STATE].rules)})


async def put_callbacks(request: web.Request) -> web.Response:
    body = await request.json()
    plan = request.app[STATE].callbacks
    for key, attr in (("url", "url"), ("appSecret", "app_secret"), ("statuses", "statuses"),
                      ("shuffle", "shuffle"), ("duplicates", "duplicates"), ("delayMs", "delay_ms"),
                      ("batch", "batch"), ("enabled", "enabled")):
        if key in body:
            setattr(plan, attr, body[key])
    return web.json_response({"callbacks": plan.__dict__})


async def get_calls(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE].summary())


async def reset(request: web.Request) -> web.Response:
    request.app[STATE].reset()
    return web.json_response({"reset": True})


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "service": "wa-simulator"})


async def _client(app: web.Application):  # type: ignore[no-untyped-def]
    runtime = app[RUNTIME]
    runtime.http = ClientSession(timeout=ClientTimeout(total=10))
    yield
    for task in list(runtime.tasks):
        task.cancel()
    await runtime.http.close()


def create_app(webhook_url: str | None = None, app_secret: str | None = None) -> web.Application:
    app = web.Application()
    app[STATE] = SimState(callbacks=CallbackPlan(url=webhook_url, app_secret=app_secret))
    app[RUNTIME] = Runtime()
    app.cleanup_ctx.append(_client)
    app.router.add_post("/{version}/{phone_number_id}/messages", whatsapp_send)
    app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", twilio_send)
    app.router.add_put("/_sim/rules", put_rules)
    app.router.add_put("/_sim/callbacks", put_callbacks)
    app.router.add_get("/_sim/calls", get_calls)
    app.router.add_post("/_sim/reset", reset)
    app.router.add_get("/healthz", healthz)
    return app
