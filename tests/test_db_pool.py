"""core.db: a pooled connection that sat idle is tested before it is lent, and a dead one is
replaced; one given back a moment ago is lent without a round trip."""
from __future__ import annotations

import os
from types import SimpleNamespace

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DisconnectionError

from core import db as core_db

on_postgres = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                                 reason="PostgreSQL only (TEST_DATABASE_URL)")


class _Connection:
    """A DBAPI connection that records what it ran, and can be dead."""

    def __init__(self, *, dead: bool = False) -> None:
        self.dead, self.ran = dead, []

    def cursor(self):
        def execute(statement):
            if self.dead:
                raise OSError("server closed the connection unexpectedly")
            self.ran.append(statement)
        return SimpleNamespace(execute=execute, close=lambda: None)

    def rollback(self) -> None:
        self.ran.append("ROLLBACK")


def _record(idle_s: float | None) -> SimpleNamespace:
    info = {} if idle_s is None else {core_db._RETURNED_AT: core_db.time.monotonic() - idle_s}
    return SimpleNamespace(info=info)


def test_only_a_connection_idle_for_long_is_pinged_and_a_dead_one_is_refused():
    fresh, recent, idle = _Connection(), _Connection(), _Connection()
    core_db._ping_if_idle(fresh, _record(None), None)
    core_db._ping_if_idle(recent, _record(0.01), None)
    core_db._ping_if_idle(idle, _record(core_db.PING_AFTER_IDLE_S + 1), None)
    assert (fresh.ran, recent.ran, idle.ran) == ([], [], ["SELECT 1", "ROLLBACK"])
    with pytest.raises(DisconnectionError):
        core_db._ping_if_idle(_Connection(dead=True), _record(core_db.PING_AFTER_IDLE_S + 1), None)


@on_postgres
def test_a_dead_idle_connection_is_replaced_and_a_fresh_one_is_lent_untested(database_url, monkeypatch):
    core_db.configure_engine_events()
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1), pool_size=1)
    killer = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1),
                              poolclass=sa.pool.NullPool)

    def pooled_backend_dies() -> int:
        with engine.connect() as connection:
            pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with killer.connect() as connection:
            connection.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
        return pid

    try:
        monkeypatch.setattr(core_db, "PING_AFTER_IDLE_S", 0.0)  # every connection counts as idle
        dead = pooled_backend_dies()
        with engine.connect() as connection:  # tested, found dead, replaced: the request does not fail
            assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() != dead

        monkeypatch.setattr(core_db, "PING_AFTER_IDLE_S", 3600.0)  # given back a moment ago: not tested
        pooled_backend_dies()
        raw = engine.raw_connection()  # lent as it is: the dead server connection shows on first use
        with pytest.raises(psycopg.OperationalError):  # (a request answers 503 here: core.errors)
            raw.cursor().execute("SELECT 1")
        raw.invalidate()
    finally:
        engine.dispose()
        killer.dispose()
