"""Fixtures for the shared library's own tests: an empty database with the platform tables (plus the
test module's own tables), and a broker with per-test names that are deleted afterwards on RabbitMQ.

PostgreSQL (``ATLAS_TEST_DATABASE_URL``): one fresh database for the run, tables emptied before each test.
Otherwise a copy of a SQLite template file in the test's tmp_path.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, inspect, text

from atlas_shared.db.engine import Database
from atlas_shared.db.platform import AUDIT_TRIGGERS, platform_metadata
from atlas_shared.messaging.broker import Broker, dead_letter_name, delay_name
from atlas_shared.testing import RUN_ID, create_pg_database, drop_pg_database, pg_admin_url


def _create_schema(url: str, metadatas: tuple[MetaData, ...]) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        fresh = not inspect(conn).has_table("audit_events")
        for metadata in (platform_metadata, *metadatas):
            metadata.create_all(conn)
        if fresh:  # the immutability triggers, as the platform migration installs them
            for statement in AUDIT_TRIGGERS[engine.dialect.name]:
                conn.execute(text(statement))
    engine.dispose()


class PgLibraryDatabase:
    """One PostgreSQL database for the run; each test empties the tables it may have filled."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.created: set[int] = set()

    def prepare(self, metadatas: tuple[MetaData, ...]) -> None:
        if any(id(m) not in self.created for m in (platform_metadata, *metadatas)):
            _create_schema(self.url, metadatas)
            self.created |= {id(m) for m in (platform_metadata, *metadatas)}
        tables = [t for m in (platform_metadata, *metadatas) for t in reversed(m.sorted_tables)]
        with self.engine.begin() as conn:  # DELETE is much faster than TRUNCATE on small tables
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
            for table in tables:
                conn.execute(table.delete())
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))


@pytest.fixture(scope="session")
def library_pg() -> Iterator[PgLibraryDatabase | None]:
    if not pg_admin_url():
        yield None
        return
    name = f"atlas_test_shared_lib_{RUN_ID}"
    pg = PgLibraryDatabase(create_pg_database(name))
    yield pg
    pg.engine.dispose()
    drop_pg_database(name)


@pytest.fixture(scope="session")
def sqlite_templates() -> dict[tuple[int, ...], Path]:
    return {}


@pytest.fixture
def make_db(library_pg: PgLibraryDatabase | None, sqlite_templates: dict[tuple[int, ...], Path],
            tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[Callable[..., Database]]:
    """``make_db(Base.metadata)`` → an empty ``Database`` with the platform tables and those tables."""
    opened: list[Database] = []

    def make(*metadatas: MetaData) -> Database:
        if library_pg is not None:
            library_pg.prepare(metadatas)
            url = library_pg.url
        else:  # schema built once per set of tables, copied for each test
            key = tuple(id(m) for m in metadatas)
            if key not in sqlite_templates:
                template = tmp_path_factory.mktemp("library-db") / "template.db"
                _create_schema(f"sqlite:///{template}", metadatas)
                sqlite_templates[key] = template
            target = tmp_path / f"library-{len(opened)}.db"
            shutil.copyfile(sqlite_templates[key], target)
            url = f"sqlite:///{target}"
        db = Database(url, pool_size=5)
        opened.append(db)
        return db

    yield make
    for db in opened:
        db.dispose()


class Topology:
    """Unique service names for one test; their exchanges and queues are deleted at teardown."""

    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self.services: list[str] = []
        self.queues: list[str] = []

    def service(self, prefix: str = "t") -> str:
        name = f"{prefix}{uuid.uuid4().hex[:12]}"
        self.services.append(name)
        return name

    def consumer_queues(self, queue: str, retry_steps: int) -> None:
        self.queues += [queue, dead_letter_name(queue), *(delay_name(queue, i) for i in range(retry_steps))]

    def delete_all(self) -> None:
        if self.broker.embedded:
            return  # lives in tmp_path
        with self.broker.connection() as conn:
            channel = conn.channel()
            for queue in self.queues:
                channel.queue_delete(queue)
            for service in self.services:
                channel.exchange_delete(self.broker.exchange(service).name)
            channel.close()


@pytest.fixture
def broker(broker_url: str, tmp_path: Path) -> Broker:
    return Broker(broker_url, tmp_path / "var")


@pytest.fixture
def topology(broker: Broker) -> Iterator[Topology]:
    topo = Topology(broker)
    yield topo
    topo.delete_all()
