"""Delivery callbacks sent straight to outbound: Meta's signed status webhook and Twilio's SMS status.

No JWT (``@public``): each request proves itself with the provider's signature; a missing one answers
401, a wrong one 403, and nothing is stored.
"""

from __future__ import annotations

import json

from flask import Response, request
from flask.views import MethodView

from atlas_outbound.domain.signatures import meta_signature_ok, twilio_signature_ok
from atlas_outbound.entrypoints.http.common import container
from atlas_outbound.entrypoints.http.webhooks import parsing
from atlas_outbound.service_layer import callbacks, providers
from atlas_shared.context import RequestContext
from atlas_shared.errors import Forbidden, Unauthorized, ValidationFailed
from atlas_shared.metrics import WEBHOOK_REJECTED
from atlas_shared.web.app import accepts, current_platform, public
from atlas_shared.web.blueprint import Blueprint

blp = Blueprint("outbound-webhooks", __name__, url_prefix="/api/v1/webhooks",
                description="Provider delivery callbacks (signed; no token)")


def _uow_for(source: str):  # type: ignore[no-untyped-def]
    platform = current_platform()
    return lambda org: platform.uow(RequestContext.system(org_id=str(org) if org else None,
                                                          actor=f"webhook:{source}"),
                                    tenant_bypass=org is None)


def _refuse(webhook: str, missing: bool) -> None:
    WEBHOOK_REJECTED.labels("outbound", webhook).inc()
    if missing:
        raise Unauthorized("The provider signature is missing.", code="SIGNATURE_MISSING")
    raise Forbidden("The provider signature does not match.", code="SIGNATURE_INVALID")


@blp.route("/whatsapp/status")
class WhatsAppStatus(MethodView):
    @public
    @blp.response(200)
    def get(self):  # type: ignore[no-untyped-def]
        """Meta's subscription handshake: echoes hub.challenge when hub.verify_token matches."""
        token = container().settings.whatsapp_verify_token
        args = request.args
        if args.get("hub.mode") == "subscribe" and token and args.get("hub.verify_token") == token:
            return Response(request.args.get("hub.challenge", ""), mimetype="text/plain")
        raise Forbidden("Verification token mismatch.")

    @public
    @blp.response(200)
    def post(self):  # type: ignore[no-untyped-def]
        """Status callbacks (sent/delivered/read/failed), X-Hub-Signature-256 signed with
        ATLAS_WHATSAPP_APP_SECRET; deduplicated per (wamid, status), applied monotonically."""
        raw, header = request.get_data(cache=True), request.headers.get("X-Hub-Signature-256")
        c = container()
        if not meta_signature_ok(raw, header, c.settings.whatsapp_app_secret):
            _refuse("whatsapp-status", missing=not header)
        try:
            reports = parsing.meta_statuses(json.loads(raw or b"{}"))
        except ValueError as exc:
            raise ValidationFailed(f"Not a WhatsApp webhook body: {exc}.") from None
        outcomes = callbacks.receive(_uow_for("whatsapp"), reports, "whatsapp-webhook", c.clock())
        return {"received": len(reports), "outcomes": outcomes}


@blp.route("/sms/status")
class SmsStatus(MethodView):
    @public
    @accepts("application/x-www-form-urlencoded")
    @blp.response(200)
    def post(self):  # type: ignore[no-untyped-def]
        """Twilio-style status callback (form), X-Twilio-Signature checked against the org's auth
        token over ATLAS_OUTBOUND_PUBLIC_URL + path + query."""
        c = container()
        form = request.form.to_dict()
        header = request.headers.get("X-Twilio-Signature")
        query = request.query_string.decode()
        url = c.settings.public_url + request.path + (f"?{query}" if query else "")
        token = providers.twilio_auth_token(
            current_platform().uow(RequestContext.system(actor="webhook:sms"), read_only=True,
                                   tenant_bypass=True), c.secrets, form.get("AccountSid", ""))
        if token is None or not twilio_signature_ok(url, form, header, token):
            _refuse("sms-status", missing=not header)
        report = parsing.twilio_status(form, request.args.get("messageId"))
        if report is None:
            raise ValidationFailed("MessageSid and MessageStatus are required.")
        outcomes = callbacks.receive(_uow_for("sms"), [report], "sms-webhook", c.clock())
        return {"received": 1, "outcomes": outcomes}
