"""One engine and session factory per process, created by the composition root (never at import)."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc, text
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
    # JIT off: compiling a statement costs PostgreSQL tens to thousands of milliseconds (3.8 s on a
    # CRM report), far more than the OLTP statements and bounded reports here take to run.
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800,
                           connect_args={"options": "-c jit=off"})
    _ping_when_idle(engine)
    return engine


PING_IDLE_SECONDS = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """Pessimistic disconnect handling, minus the round trip on busy connections: a pooled connection
    is pinged at checkout only if it sat idle longer than ``PING_IDLE_SECONDS``; a dead one is
    replaced before the request sees it (SQLAlchemy retries the checkout on ``DisconnectionError``).
    A connection used a moment ago is handed out as is — a server restart takes longer than that,
    and an error on a connection that died anyway invalidates the pool (SQLAlchemy's disconnect
    detection). ``pool_pre_ping`` pinged every checkout: a quarter of a public search's round trips."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn, record) -> None:  # type: ignore[no-untyped-def]
        record.info["atlas_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _handed_out(dbapi_conn, record, _proxy) -> None:  # type: ignore[no-untyped-def]
        idle_since = record.info.get("atlas_idle_since")
        if idle_since is None or time.monotonic() - idle_since <= PING_IDLE_SECONDS:
            return  # new, or busy a moment ago
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as error:
            raise exc.DisconnectionError(str(error)) from error


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
            # PostgreSQL: a read-only use case runs in autocommit (each statement its own snapshot,
            # Django's default), sparing the BEGIN and ROLLBACK round trips; SQLite keeps its
            # transaction (its "begin" hook above), which costs no round trip.
            options: dict[str, object] = {"atlas_readonly": True}
            if self.engine.dialect.name == "postgresql":
                options["isolation_level"] = "AUTOCOMMIT"
            session.connection(execution_options=options)
        return session

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
