"""Fixtures for the shared library's own tests: an empty database with the platform tables (plus the
test module's own tables), and a broker with per-test names that are deleted afterwards on RabbitMQ.

PostgreSQL (``ATLAS_TEST_DATABASE_URL``): one fresh database for the run, tables truncated per test.
Otherwise a SQLite file in the test's tmp_path.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, inspect, text

from atlas_shared.db.engine import Database
from atlas_shared.db.platform import AUDIT_TRIGGERS, platform_metadata
from atlas_shared.messaging.broker import Broker, dead_letter_name, delay_name
from atlas_shared.testing import RUN_ID, create_pg_database, drop_pg_database, pg_admin_url, truncate_all


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


@pytest.fixture(scope="session")
def library_pg_url() -> Iterator[str | None]:
    if not pg_admin_url():
        yield None
        return
    name = f"atlas_test_shared_lib_{RUN_ID}"
    url = create_pg_database(name)
    yield url
    drop_pg_database(name)


@pytest.fixture
def make_db(library_pg_url: str | None, tmp_path: Path) -> Iterator[Callable[..., Database]]:
    """``make_db(Base.metadata)`` → an empty ``Database`` with the platform tables and those tables."""
    opened: list[Database] = []

    def make(*metadatas: MetaData) -> Database:
        url = library_pg_url or f"sqlite:///{tmp_path / 'library.db'}"
        _create_schema(url, metadatas)
        if library_pg_url:
            truncate_all(url)
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
