"""Composition root of the public portal: built once per process, never at import."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask

from atlas_portal.adapters.abuse import AbuseSettings, RateLimiter
from atlas_portal.adapters.search_totals import SearchTotals
from atlas_shared.cli.service import ServiceSpec
from atlas_shared.context import RequestContext
from atlas_shared.logs import configure_logging
from atlas_shared.platform import Platform
from atlas_shared.settings import DEMO_ORG_ID, ServiceSettings
from atlas_shared.web.app import create_app

NAME, PORT = "public-portal", 8005


@dataclass
class Container:
    platform: Platform


def build() -> Container:
    settings = ServiceSettings.from_env(NAME, PORT)
    configure_logging(NAME, settings.log_level)
    platform = Platform.build(settings)
    _custom_plans_only(platform)
    abuse = AbuseSettings.from_env()
    platform.extras.update(
        abuse=abuse, limiter=RateLimiter(abuse.write_capacity, abuse.write_period),
        platform_org_id=os.environ.get("ATLAS_PLATFORM_ORG_ID") or DEMO_ORG_ID,
        # The listings service's local photo store (ATLAS_MEDIA_DIR), served at /media/.
        media_dir=Path(os.environ.get("ATLAS_MEDIA_DIR") or settings.var_dir / "media"),
        site_url=os.environ.get("ATLAS_PUBLIC_SITE_URL", "").rstrip("/"),
        # Counted search totals, reused while paging/sorting (default: the answers' max-age, 30 s).
        search_totals=SearchTotals(ttl=float(os.environ.get("ATLAS_PORTAL_TOTALS_TTL", "30"))),
        # Above this many expected matches a search's total is PostgreSQL's estimate (0: always count).
        exact_total_up_to=int(os.environ.get("ATLAS_PORTAL_EXACT_TOTAL_UP_TO", "200")))
    return Container(platform=platform)


def _custom_plans_only(platform: Platform) -> None:
    """PostgreSQL: no server-side prepared statements for this service. psycopg prepares a statement
    run 5 times on a connection, and PostgreSQL may then switch it to a generic plan that ignores the
    values — for public search (which city, which word, which budget) the plan depends on them: the
    generic plans measured about twice as slow on average. Parsing is cheap next to that."""
    if platform.db.dialect != "postgresql":
        return
    from sqlalchemy import event

    @event.listens_for(platform.db.engine, "connect")
    def _no_prepare(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.prepare_threshold = None


def create_http_app(container: Container) -> Flask:
    from atlas_portal.entrypoints.http.biz.routes import blp as biz
    from atlas_portal.entrypoints.http.listings.routes import blp as listings
    from atlas_portal.entrypoints.web import install_pages
    app = create_app(container.platform, title="Atlas public portal",
                     description="Public search over published listings, served from the portal's "
                                 "own read model (keeps working while the listings service is down); "
                                 "contact, report and Biz demo forms; the public web pages.",
                     blueprints=[listings, biz])
    install_pages(app)
    return app


def _subscriptions(container: Container):  # type: ignore[no-untyped-def]
    from atlas_portal.entrypoints.consumers import subscriptions
    return subscriptions()


@click.command("rebuild-read-model",
               help="Ask the listings service to re-send every listing; the worker applies them.")
@click.option("--from-scratch", is_flag=True, help="Empty the read model first (public search is "
                                                   "empty until the snapshots arrive).")
def rebuild_read_model(from_scratch: bool) -> None:
    from atlas_portal.service_layer.read_model import request_rebuild
    platform = build().platform
    request_rebuild(platform.uow(RequestContext.system(actor="cli:rebuild-read-model"),
                                 tenant_bypass=True), from_scratch)
    click.echo("rebuild requested: the listings service will re-send every listing")


SPEC = ServiceSpec(name=NAME, default_port=PORT, migrations="atlas_portal:migrations",
                   wsgi="atlas_portal.entrypoints.wsgi:create_app()", build=build,
                   subscriptions=_subscriptions, commands=[rebuild_read_model])
