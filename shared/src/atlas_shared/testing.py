"""Pytest plugin for every Atlas test suite (loaded from the root conftest.py).

Databases: PostgreSQL when ``ATLAS_TEST_DATABASE_URL`` is set (a fresh database per service per test
run, migrated once, tables truncated before each test and the rows the migrations seeded put back),
otherwise a migrated SQLite file per test.
Broker: RabbitMQ when ``ATLAS_TEST_BROKER_URL`` is set, otherwise the embedded filesystem transport
in a temporary folder. When a variable is set and its server is unreachable the run FAILS, it never
skips (CI relies on this).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, Table, create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from atlas_shared.db.migrations import upgrade
from atlas_shared.security import DEV_SECRET, issue_dev_token

PG_ENV, BROKER_ENV = "ATLAS_TEST_DATABASE_URL", "ATLAS_TEST_BROKER_URL"
RUN_ID = uuid.uuid4().hex[:8]


def pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def broker_test_url() -> str | None:
    return os.environ.get(BROKER_ENV) or None


def create_pg_database(name: str, admin_url: Any = None) -> str:
    """Create an empty PostgreSQL database (dropped first if it exists) on the server of
    ``admin_url`` — by default the test server, ``ATLAS_TEST_DATABASE_URL`` — and return its URL
    (raises if the server is down). Benchmarks pass their own server."""
    admin = make_url(admin_url or pg_admin_url())
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False)


def drop_pg_database(name: str, admin_url: Any = None) -> None:
    """Drop a database (its sessions ended) from the server of ``admin_url`` (default as above);
    ``admin_url`` must name another database of that server."""
    engine = create_engine(make_url(admin_url or pg_admin_url()), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


class MigratedDatabases:
    """One migrated database per migration tree for the whole run; a clean copy for each test."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.templates: dict[str, str] = {}
        self.pg_names: list[str] = []
        self.seeds: dict[str, list[tuple[Table, list[dict[str, Any]]]]] = {}

    def template(self, migrations: str) -> str:
        if migrations not in self.templates:
            service = migrations.split(":")[0].removeprefix("atlas_")
            if pg_admin_url():
                name = f"atlas_test_{service}_{RUN_ID}"
                url = create_pg_database(name)
                self.pg_names.append(name)
            else:
                url = f"sqlite:///{self.root / f'{service}-template.db'}"
            upgrade(migrations, url)
            if not url.startswith("sqlite"):
                self.seeds[url] = seed_rows(url)
            self.templates[migrations] = url
        return self.templates[migrations]

    def fresh(self, migrations: str, folder: Path) -> str:
        url = self.template(migrations)
        if url.startswith("sqlite"):
            source = Path(url.split("///", 1)[1])
            target = folder / source.name.replace("-template", "")
            shutil.copyfile(source, target)
            return f"sqlite:///{target}"
        truncate_all(url, self.seeds.get(url))
        return url

    def close(self) -> None:
        for name in self.pg_names:
            drop_pg_database(name)


def seed_rows(url: str) -> list[tuple[Table, list[dict[str, Any]]]]:
    """The rows the migrations themselves inserted (reference data), to put back after a truncate."""
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        found = [(table, [dict(row._mapping) for row in conn.execute(_stored_columns(table))])
                 for name, table in metadata.tables.items() if name != "alembic_version"]
    engine.dispose()
    return [(table, rows) for table, rows in found if rows]


def _stored_columns(table: Table) -> Any:
    """Every column but the generated ones (the database computes those again on insert)."""
    return select(*[c for c in table.columns if c.computed is None])


def truncate_all(url: str, seeds: list[tuple[Table, list[dict[str, Any]]]] | None = None) -> None:
    engine = create_engine(url)
    names = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    with engine.begin() as conn:
        if names:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))
        for table, rows in seeds or []:
            conn.execute(table.insert(), rows)
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigratedDatabases]:
    dbs = MigratedDatabases(tmp_path_factory.mktemp("db-templates"))
    yield dbs
    dbs.close()


@pytest.fixture
def database_url(migrated_databases: MigratedDatabases, tmp_path: Path) -> Callable[[str], str]:
    """``database_url("atlas_listings:migrations")`` → a migrated, empty database for this test."""
    return lambda migrations: migrated_databases.fresh(migrations, tmp_path)


@pytest.fixture
def broker_url() -> str:
    return broker_test_url() or "filesystem://"


@pytest.fixture
def atlas_env(tmp_path: Path, broker_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Isolated ATLAS_* environment for in-process services: var dir, broker, dev secrets."""
    var = tmp_path / "var"
    var.mkdir()
    monkeypatch.setenv("ATLAS_VAR_DIR", str(var))
    monkeypatch.setenv("ATLAS_BROKER_URL", broker_url)
    monkeypatch.setenv("ATLAS_JWT_SECRET", DEV_SECRET)
    monkeypatch.delenv("ATLAS_JWT_JWKS_URL", raising=False)
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    return var


def make_token(org_ids: list[str] | str, roles: list[str] | str = "ADMIN_ORG",
               user_id: str | None = None, ttl: int = 3600) -> str:
    orgs = [org_ids] if isinstance(org_ids, str) else org_ids
    role_list = [roles] if isinstance(roles, str) else roles
    return issue_dev_token(os.environ.get("ATLAS_JWT_SECRET", DEV_SECRET), orgs, role_list,
                           user_id=user_id, ttl=ttl)


def auth_headers(org_id: str, roles: list[str] | str = "ADMIN_ORG", user_id: str | None = None,
                 token_orgs: list[str] | None = None) -> dict[str, str]:
    token = make_token(token_orgs or [org_id], roles, user_id=user_id)
    return {"Authorization": f"Bearer {token}", "X-Org-Id": org_id}


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = pg_admin_url() or "embedded SQLite"
    broker = broker_test_url() or "embedded filesystem transport"
    return [f"atlas: database={db} broker={broker}"]
