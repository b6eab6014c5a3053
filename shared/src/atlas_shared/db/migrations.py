"""Alembic glue: each service keeps its own migration tree; this runs it the same way everywhere."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

from atlas_shared.db.engine import make_engine
from atlas_shared.db.platform import AUDIT_TRIGGERS, platform_metadata


def alembic_config(script_location: str, database_url: str) -> Config:
    """``script_location`` is ``package:folder``, e.g. ``atlas_listings:migrations``."""
    package, _, folder = script_location.partition(":")
    path = resources.files(package).joinpath(folder)
    cfg = Config()
    cfg.set_main_option("script_location", str(path))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(script_location: str, database_url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(script_location, database_url), revision)


def run_env(service_metadata: MetaData) -> None:
    """Body of every service's ``migrations/env.py`` (online mode)."""
    from alembic import context

    url = context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection,
                          target_metadata=[service_metadata, platform_metadata],
                          render_as_batch=connection.dialect.name == "sqlite",
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def create_platform_tables_v1() -> None:
    """Outbox, inbox and audit tables with the immutability triggers (platform schema v1)."""
    from alembic import op

    bind = op.get_bind()
    platform_metadata.create_all(bind, tables=[platform_metadata.tables[n]
                                               for n in ("outbox", "inbox", "audit_events")])
    for statement in AUDIT_TRIGGERS.get(bind.dialect.name, []):
        op.execute(statement)


def drop_platform_tables_v1() -> None:
    from alembic import op

    for name in ("audit_events", "inbox", "outbox"):
        op.drop_table(name)
