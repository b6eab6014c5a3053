"""Provider accounts of the org (ADMIN_ORG) and its sending limits."""

from __future__ import annotations

from flask.views import MethodView

from atlas_outbound.entrypoints.http.common import container, uow
from atlas_outbound.entrypoints.http.providers.schemas import (
    EmailConfigSchema,
    LimitsSchema,
    ProviderConfigSchema,
    SmsConfigSchema,
    WhatsAppConfigSchema,
)
from atlas_outbound.service_layer import limits, providers
from atlas_shared.web.blueprint import Blueprint

blp = Blueprint("outbound-providers", __name__, url_prefix="/api/v1/admin/outbound",
                description="WhatsApp / SMS / email accounts and sending limits of the org")


@blp.route("/providers")
class Providers(MethodView):
    @blp.response(200, ProviderConfigSchema(many=True))
    def get(self):  # type: ignore[no-untyped-def]
        """The org's provider accounts (secrets shown as their last four characters)."""
        return providers.list_configs(uow(read_only=True))


def _configure(channel: str, data):  # type: ignore[no-untyped-def]
    return providers.configure(uow(), container().secrets, channel, data)


@blp.route("/providers/whatsapp")
class WhatsAppProvider(MethodView):
    @blp.arguments(WhatsAppConfigSchema)
    @blp.response(200, ProviderConfigSchema)
    def put(self, data):  # type: ignore[no-untyped-def]
        """Set the WhatsApp Cloud API phone-number id and access token (stored encrypted, audited)."""
        return _configure("WHATSAPP", data)

    @blp.response(204)
    def delete(self):  # type: ignore[no-untyped-def]
        """Remove the WhatsApp account (new WhatsApp messages are refused until one is set)."""
        providers.remove(uow(), "WHATSAPP")


@blp.route("/providers/sms")
class SmsProvider(MethodView):
    @blp.arguments(SmsConfigSchema)
    @blp.response(200, ProviderConfigSchema)
    def put(self, data):  # type: ignore[no-untyped-def]
        """Set the Twilio-compatible account SID, auth token and sending number."""
        return _configure("SMS", data)

    @blp.response(204)
    def delete(self):  # type: ignore[no-untyped-def]
        """Remove the SMS account."""
        providers.remove(uow(), "SMS")


@blp.route("/providers/email")
class EmailProvider(MethodView):
    @blp.arguments(EmailConfigSchema)
    @blp.response(200, ProviderConfigSchema)
    def put(self, data):  # type: ignore[no-untyped-def]
        """Set the org's From address (the SMTP server is the platform's, ATLAS_OUTBOUND_SMTP_*)."""
        return _configure("EMAIL", data)


@blp.route("/limits")
class Limits(MethodView):
    @blp.response(200, LimitsSchema)
    def get(self):  # type: ignore[no-untyped-def]
        """The org's daily quota and per-minute rate, and what is used (operators change them with
        `atlas-outbound limits set`)."""
        c = container()
        return limits.usage(uow(read_only=True), c.settings, c.clock())
