"""Composition root of the crm service: built once per process, never at import."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from atlas_shared.cli.service import ServiceSpec
from atlas_shared.logs import configure_logging
from atlas_shared.platform import Platform
from atlas_shared.settings import ServiceSettings
from atlas_shared.web.app import create_app

NAME, PORT = "crm", 8001


@dataclass
class Container:
    platform: Platform


def build() -> Container:
    settings = ServiceSettings.from_env(NAME, PORT)
    configure_logging(NAME, settings.log_level)
    return Container(platform=Platform.build(settings))


def create_http_app(container: Container) -> Flask:
    return create_app(container.platform, title="Atlas CRM",
                      description="Dossiers (cases), their pipeline, stakeholders, messages, appointments, timeline, consents, audit, search and reporting.",
                      blueprints=[])


SPEC = ServiceSpec(name=NAME, default_port=PORT, migrations="atlas_crm:migrations",
                   wsgi="atlas_crm.entrypoints.wsgi:create_app()", build=build)
