"""Composition root of the outbound service: built once per process, never at import."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from atlas_shared.cli.service import ServiceSpec
from atlas_shared.logs import configure_logging
from atlas_shared.platform import Platform
from atlas_shared.settings import ServiceSettings
from atlas_shared.web.app import create_app

NAME, PORT = "outbound", 8003


@dataclass
class Container:
    platform: Platform


def build() -> Container:
    settings = ServiceSettings.from_env(NAME, PORT)
    configure_logging(NAME, settings.log_level)
    return Container(platform=Platform.build(settings))


def create_http_app(container: Container) -> Flask:
    return create_app(container.platform, title="Atlas outbound",
                      description="Resilient WhatsApp, SMS and email sending with an outbox, workers, retries and delivery callbacks.",
                      blueprints=[])


SPEC = ServiceSpec(name=NAME, default_port=PORT, migrations="atlas_outbound:migrations",
                   wsgi="atlas_outbound.entrypoints.wsgi:create_app()", build=build)
