"""Composition root of the coop service: built once per process, never at import."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from atlas_shared.cli.service import ServiceSpec
from atlas_shared.logs import configure_logging
from atlas_shared.platform import Platform
from atlas_shared.settings import ServiceSettings
from atlas_shared.web.app import create_app

NAME, PORT = "coop", 8004


@dataclass
class Container:
    platform: Platform


def build() -> Container:
    settings = ServiceSettings.from_env(NAME, PORT)
    configure_logging(NAME, settings.log_level)
    return Container(platform=Platform.build(settings))


def create_http_app(container: Container) -> Flask:
    return create_app(container.platform, title="Atlas Coop Habitat",
                      description="Housing co-operatives: members, contribution plans and ledger, projects, lots and FIFO allocation.",
                      blueprints=[])


SPEC = ServiceSpec(name=NAME, default_port=PORT, migrations="atlas_coop:migrations",
                   wsgi="atlas_coop.entrypoints.wsgi:create_app()", build=build)
