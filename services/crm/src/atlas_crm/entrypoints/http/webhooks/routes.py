"""Inbound WhatsApp webhook (Meta Cloud API). No JWT (``@public``): a POST proves itself with the
X-Hub-Signature-256 HMAC of its raw body; the org comes from the receiving phone-number id."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from flask import Response, current_app, g, request
from flask.views import MethodView

from atlas_crm.domain.whatsapp import signature_ok
from atlas_crm.service_layer import whatsapp_inbound
from atlas_shared.context import RequestContext
from atlas_shared.errors import Forbidden, Unauthorized
from atlas_shared.metrics import WEBHOOK_REJECTED
from atlas_shared.web.app import current_platform, public
from atlas_shared.web.blueprint import Blueprint

log = logging.getLogger(__name__)
blp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks",
                description="Provider webhooks (signed; no token)")


@dataclass(frozen=True)
class WhatsAppSecrets:
    app_secret: str | None
    verify_token: str | None

    @classmethod
    def current(cls) -> WhatsAppSecrets:
        """Read from the environment once per app (ATLAS_WHATSAPP_APP_SECRET / _VERIFY_TOKEN)."""
        found = current_app.extensions.get("crm_whatsapp")
        if found is None:
            found = cls(os.environ.get("ATLAS_WHATSAPP_APP_SECRET") or None,
                        os.environ.get("ATLAS_WHATSAPP_VERIFY_TOKEN") or None)
            current_app.extensions["crm_whatsapp"] = found
        return found


@blp.route("/whatsapp")
class WhatsAppWebhook(MethodView):
    @public
    @blp.response(200, description="hub.challenge, as text/plain")
    def get(self):  # type: ignore[no-untyped-def]
        """Meta's subscription handshake: answers hub.challenge when hub.mode is subscribe and
        hub.verify_token is ATLAS_WHATSAPP_VERIFY_TOKEN; 403 otherwise."""
        token, args = WhatsAppSecrets.current().verify_token, request.args
        if args.get("hub.mode") == "subscribe" and token and args.get("hub.verify_token") == token:
            return Response(request.args.get("hub.challenge", ""), mimetype="text/plain")
        raise Forbidden("Verification token mismatch.", code="VERIFY_TOKEN_MISMATCH")

    @public
    @blp.response(200, description="{stored, deliveryId | reason}")
    def post(self):  # type: ignore[no-untyped-def]
        """Messages and status callbacks, signed with ATLAS_WHATSAPP_APP_SECRET (X-Hub-Signature-256 over
        the raw body; missing or wrong: 401, nothing stored). The delivery is stored as received and
        answered at once; its messages are attached to dossiers, once per wamid, in the background.
        A delivery for no configured phone-number id is acknowledged and dropped."""
        raw, header = request.get_data(cache=True), request.headers.get("X-Hub-Signature-256")
        secrets = WhatsAppSecrets.current()
        if not signature_ok(raw, header, secrets.app_secret):
            WEBHOOK_REJECTED.labels("crm", "whatsapp").inc()
            if not secrets.app_secret:
                log.error("ATLAS_WHATSAPP_APP_SECRET is not set: every WhatsApp delivery is refused")
            raise Unauthorized("The X-Hub-Signature-256 signature is missing or wrong.",
                               code="SIGNATURE_MISSING" if not header else "SIGNATURE_INVALID")
        ctx = RequestContext.system(correlation_id=g.get("correlation_id"), actor="whatsapp-webhook")
        return whatsapp_inbound.store_delivery(current_platform().uow(ctx), raw)
