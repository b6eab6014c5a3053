"""Composition root of the crm service: built once per process, never at import."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from atlas_crm.entrypoints.cli_insights import refresh_milestones, search_reindex
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
    from atlas_crm.entrypoints.http.activities.routes import blp as activities
    from atlas_crm.entrypoints.http.admin import blueprints as admin
    from atlas_crm.entrypoints.http.appointments.routes import blp as appointments
    from atlas_crm.entrypoints.http.b2b import blueprints as b2b
    from atlas_crm.entrypoints.http.consents.routes import blp as consents
    from atlas_crm.entrypoints.http.dossiers.routes import blp as dossiers
    from atlas_crm.entrypoints.http.insights import blueprints as insights
    from atlas_crm.entrypoints.http.messages.routes import blp as messages
    from atlas_crm.entrypoints.http.org_settings.routes import blp as org_settings
    from atlas_crm.entrypoints.http.stakeholders.routes import blp as stakeholders
    return create_app(container.platform, title="Atlas CRM",
                      description="Dossiers (cases), their pipeline, stakeholders, messages, appointments, "
                                  "timeline and consents; audit trail, search, reports, dashboard and the "
                                  "inbound WhatsApp webhook.",
                      blueprints=[dossiers, stakeholders, messages, appointments, activities, consents,
                                  org_settings, *insights(), *b2b(), *admin()])


def _subscriptions(container: Container):  # type: ignore[no-untyped-def]
    from atlas_crm.entrypoints.consumers import subscriptions
    from atlas_crm.entrypoints.consumers_insights import subscriptions as insights
    return subscriptions() + insights()


SPEC = ServiceSpec(name=NAME, default_port=PORT, migrations="atlas_crm:migrations",
                   wsgi="atlas_crm.entrypoints.wsgi:create_app()", build=build, subscriptions=_subscriptions,
                   commands=[search_reindex, refresh_milestones])
