"""Composition root of the outbound service: built once per process, never at import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask

from atlas_outbound.adapters.providers import Account, Provider
from atlas_outbound.adapters.providers.email import SmtpEmail
from atlas_outbound.adapters.providers.http import HttpPool
from atlas_outbound.adapters.providers.sms import TwilioSms
from atlas_outbound.adapters.providers.whatsapp import WhatsAppCloud
from atlas_outbound.adapters.secrets import SecretBox
from atlas_outbound.domain.retry import Backoff
from atlas_outbound.service_layer.providers import AccountCache
from atlas_outbound.settings import OutboundSettings
from atlas_shared.cli.service import ServiceSpec
from atlas_shared.db.types import utcnow
from atlas_shared.logs import configure_logging
from atlas_shared.platform import Platform
from atlas_shared.settings import ServiceSettings
from atlas_shared.web.app import create_app

NAME, PORT = "outbound", 8003


@dataclass
class Container:
    platform: Platform
    settings: OutboundSettings
    secrets: SecretBox
    providers: dict[str, Provider]
    accounts: AccountCache
    backoff: Backoff
    clock: Callable[[], datetime] = field(default=utcnow)

    @property
    def email_ready(self) -> bool:
        return bool(self.settings.smtp_host)

    @property
    def default_email_account(self) -> Account:
        return Account(account=self.settings.email_from, secret=None)


def build(settings: OutboundSettings | None = None, clock: Callable[[], datetime] = utcnow,
          providers: dict[str, Any] | None = None) -> Container:
    base = ServiceSettings.from_env(NAME, PORT)
    configure_logging(NAME, base.log_level)
    platform = Platform.build(base)
    s = settings or OutboundSettings.from_env()
    secrets = SecretBox(s.secrets_key)
    http = HttpPool(pool_size=s.senders * s.send_concurrency)  # every call in flight keeps its connection
    container = Container(
        platform=platform, settings=s, secrets=secrets,
        providers=providers or {
            "WHATSAPP": WhatsAppCloud(s.whatsapp_base_url, s.whatsapp_api_version, s.http_timeout, http),
            "SMS": TwilioSms(s.twilio_base_url, s.public_url, s.http_timeout, http),
            "EMAIL": SmtpEmail(s.smtp_host, s.smtp_port, s.smtp_user, s.smtp_password, s.smtp_starttls,
                               s.email_from, s.http_timeout)},
        accounts=AccountCache(lambda: platform.db.session(tenant_bypass=True), secrets),
        backoff=Backoff(s.retry_schedule, s.retry_jitter), clock=clock)
    platform.extras["outbound"] = container
    return container


def create_http_app(container: Container) -> Flask:
    from atlas_outbound.entrypoints.http.messages.routes import blp as messages
    from atlas_outbound.entrypoints.http.ops.routes import blp as ops
    from atlas_outbound.entrypoints.http.providers.routes import blp as providers
    from atlas_outbound.entrypoints.http.templates.routes import blp as templates
    from atlas_outbound.entrypoints.http.webhooks.routes import blp as webhooks
    from atlas_outbound.metrics import QueueCollector
    return create_app(container.platform, title="Atlas outbound",
                      description="Resilient WhatsApp, SMS and email sending with an outbox, workers, "
                                  "retries and delivery callbacks.",
                      blueprints=[messages, templates, providers, ops, webhooks],
                      collectors=[QueueCollector(container.platform)])


def _subscriptions(container: Container) -> list[Any]:
    from atlas_outbound.entrypoints.consumers import subscriptions
    return subscriptions(container)


def _loops(container: Container) -> list[Any]:
    from atlas_outbound.entrypoints.sender import Sender
    return [Sender(container).run]


def _commands() -> list[Any]:
    from atlas_outbound.entrypoints.commands import commands
    return commands


SPEC = ServiceSpec(name=NAME, default_port=PORT, migrations="atlas_outbound:migrations",
                   wsgi="atlas_outbound.entrypoints.wsgi:create_app()", build=build,
                   subscriptions=_subscriptions, loops=_loops, commands=_commands())
