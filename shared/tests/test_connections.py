"""Database connections as a use case meets them on PostgreSQL: read-only use cases see each
statement's own snapshot (autocommit, no BEGIN/ROLLBACK round trips); a pooled connection that died
while idle is replaced before anyone uses it; JIT is off."""

import time

import pytest
from sqlalchemy import create_engine, text

from atlas_shared.db import engine as engine_module


@pytest.fixture
def pg(make_db):
    db = make_db()
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL connections (ATLAS_TEST_DATABASE_URL)")
    return db


def test_a_read_only_use_case_runs_each_statement_on_its_own_while_a_write_keeps_one_transaction(pg):
    with pg.session(read_only=True) as s:
        first = s.execute(text("SELECT statement_timestamp(), now()")).one()
        time.sleep(0.01)
        second = s.execute(text("SELECT now()")).scalar()
        assert first[1] == first[0] and second > first[1]  # a transaction per statement
    with pg.session() as s:
        first = s.execute(text("SELECT now()")).scalar()
        time.sleep(0.01)
        assert s.execute(text("SELECT now()")).scalar() == first  # one transaction
        s.rollback()


def test_a_connection_that_died_while_idle_is_replaced_before_it_is_used(pg, monkeypatch):
    with pg.session() as s:
        dead = s.execute(text("SELECT pg_backend_pid()")).scalar()
        s.rollback()
    admin = create_engine(pg.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # the server ends it, as a restart or an idle timeout would
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dead}).scalar()
    admin.dispose()
    monkeypatch.setattr(engine_module, "PING_IDLE_SECONDS", 0.0)  # idle "long enough" at once
    with pg.session(read_only=True) as s:
        assert s.execute(text("SELECT pg_backend_pid()")).scalar() != dead


def test_jit_is_off_on_every_connection(pg):
    with pg.session(read_only=True) as s:
        assert s.execute(text("SHOW jit")).scalar() == "off"
