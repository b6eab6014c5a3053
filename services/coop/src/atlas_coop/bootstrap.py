"""Composition root of the coop service: built once per process, never at import."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

import click
from flask import Flask

from atlas_coop.adapters.storage import DocumentSettings, document_settings
from atlas_shared.cli.service import ServiceSpec
from atlas_shared.logs import configure_logging
from atlas_shared.platform import Platform
from atlas_shared.settings import ServiceSettings
from atlas_shared.web.app import create_app

NAME, PORT = "coop", 8004
DOCUMENTS = "coop.documents"


@dataclass
class Container:
    platform: Platform

    @property
    def documents(self) -> DocumentSettings:
        return self.platform.extras[DOCUMENTS]


def build() -> Container:
    settings = ServiceSettings.from_env(NAME, PORT)
    configure_logging(NAME, settings.log_level)
    platform = Platform.build(settings)
    platform.extras[DOCUMENTS] = document_settings(os.environ, settings.var_dir)
    return Container(platform=platform)


def create_http_app(container: Container) -> Flask:
    from atlas_coop.entrypoints.http import blueprints
    return create_app(container.platform, title="Atlas Coop Habitat",
                      description="Housing co-operatives: members, contribution plans and ledger, projects, "
                                  "lots and FIFO allocation.",
                      blueprints=blueprints())


def _subscriptions(container: Container):  # type: ignore[no-untyped-def]
    from atlas_coop.entrypoints.consumers import subscriptions
    return subscriptions()


def _loops(container: Container):  # type: ignore[no-untyped-def]
    from atlas_coop.entrypoints.scheduler import jobs_loop
    return [jobs_loop(container.platform)]


TODAY_HELP = "Run as of this date (default: today, UTC)."


def _today(value: str | None) -> date:
    from atlas_coop.service_layer import clock
    return date.fromisoformat(value) if value else clock.today()


@click.command("mark-late", help="Mark instalments past due + grace LATE (with penalty, default, notice).")
@click.option("--today", default=None, metavar="YYYY-MM-DD", help=TODAY_HELP)
def mark_late(today: str | None) -> None:
    from atlas_coop.service_layer.jobs import mark_late_everywhere
    counts = mark_late_everywhere(build().platform, _today(today))
    click.echo(f"marked late: {counts['markedLate']}, penalties updated: {counts['penaltiesUpdated']}")


@click.command("remind", help="Send the D-3 and D-1 payment reminders due today.")
@click.option("--today", default=None, metavar="YYYY-MM-DD", help=TODAY_HELP)
def remind(today: str | None) -> None:
    from atlas_coop.service_layer.jobs import remind_everywhere
    click.echo(f"reminders requested: {remind_everywhere(build().platform, _today(today))}")


SPEC = ServiceSpec(name=NAME, default_port=PORT, migrations="atlas_coop:migrations",
                   wsgi="atlas_coop.entrypoints.wsgi:create_app()", build=build,
                   subscriptions=_subscriptions, loops=_loops, commands=[mark_late, remind])
