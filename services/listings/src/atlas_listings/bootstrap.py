"""Composition root of the listings service: built once per process, never at import."""

from __future__ import annotations

import os
from dataclasses import dataclass

import click
from flask import Flask

from atlas_listings.adapters.storage import media_settings
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
    platform = Platform.build(settings)
    platform.extras["media"] = media_settings(os.environ, settings.var_dir)
    return Container(platform=platform)


def create_http_app(container: Container) -> Flask:
    from atlas_listings.entrypoints.http.annonces.routes import blp as annonces
    from atlas_listings.entrypoints.http.listings.routes import blp as listings
    from atlas_listings.entrypoints.http.media.routes import blp as media
    from atlas_listings.entrypoints.http.moderation.routes import of_listing, queue, report_status
    return create_app(container.platform, title="Atlas listings",
                      description="Listings (annonces): creation, photos, quality and trust, "
                                  "publication workflow, public reports and moderation.",
                      blueprints=[annonces, listings, media, of_listing, report_status, queue])


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
