"""Composition root of the listings service: built once per process, never at import."""

from __future__ import annotations

from dataclasses import dataclass

import click
from flask import Flask

from atlas_shared.cli.service import ServiceSpec
from atlas_shared.logs import configure_logging
from atlas_shared.platform import Platform
from atlas_shared.settings import ServiceSettings
from atlas_shared.web.app import create_app

NAME, PORT = "listings", 8002


@dataclass
class Container:
    platform: Platform


def build() -> Container:
    settings = ServiceSettings.from_env(NAME, PORT)
    configure_logging(NAME, settings.log_level)
    return Container(platform=Platform.build(settings))


def create_http_app(container: Container) -> Flask:
    from atlas_listings.entrypoints.http.annonces.routes import blp as annonces
    return create_app(container.platform, title="Atlas listings",
                      description="Listings (annonces): creation, publication workflow, search.",
                      blueprints=[annonces])


def _subscriptions(container: Container):  # type: ignore[no-untyped-def]
    from atlas_listings.entrypoints.consumers import subscriptions
    return subscriptions(container.platform)


@click.command("seed-demo", help="Create and publish a few demo listings for an org.")
@click.option("--org", required=True)
@click.option("--count", default=6, show_default=True)
def seed_demo(org: str, count: int) -> None:
    from atlas_listings.service_layer.demo import seed
    click.echo(f"seeded {seed(build().platform, org, count)} listing(s)")


SPEC = ServiceSpec(name=NAME, default_port=PORT, migrations="atlas_listings:migrations",
                   wsgi="atlas_listings.entrypoints.wsgi:create_app()", build=build,
                   subscriptions=_subscriptions, commands=[seed_demo])
