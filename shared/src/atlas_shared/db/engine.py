"""One engine and session factory per process, created by the composition root (never at import)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from atlas_shared.db.tenancy import BYPASS_KEY, ORG_KEY, install_tenant_guard


class AtlasSession(Session):
    """The only Session class services use: tenant scoping is installed on it."""


install_tenant_guard(AtlasSession)


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            # Several processes (web workers, relay, consumers) share the file: WAL lets readers
            # run beside one writer, and BEGIN IMMEDIATE makes writers queue instead of deadlock.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
            # Writers take the write lock up front so two read-then-write transactions cannot
            # deadlock on the upgrade; read-only sessions keep WAL's concurrent reads.
            readonly = conn.get_execution_options().get("atlas_readonly")
            conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True,
                         pool_recycle=1800)


class Database:
    """Engine + session factory for one service database."""

    def __init__(self, url: str, *, pool_size: int | None = None) -> None:
        self.url = url
        self.engine = make_engine(url, pool_size=pool_size or int(os.environ.get("ATLAS_DB_POOL_SIZE", "10")))
        self._sessions = sessionmaker(self.engine, class_=AtlasSession, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self, org_id: str | uuid.UUID | None = None, *, tenant_bypass: bool = False,
                read_only: bool = False) -> Session:
        session = self._sessions()
        session.info[ORG_KEY] = str(org_id) if org_id is not None else None
        session.info[BYPASS_KEY] = tenant_bypass
        if read_only:
            session.connection(execution_options={"atlas_readonly": True})
        return session

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
