"""Database engine settings: SQLite pragmas and transaction mode, retry of serialisation errors.

SQLite gets WAL, a busy timeout (``BUSY_TIMEOUT_MS``), foreign keys and ``synchronous=FULL`` on every connection.
Write transactions begin ``IMMEDIATE`` so a transaction that read first cannot fail with
``SQLITE_BUSY_SNAPSHOT`` when it later writes; GET and HEAD requests begin deferred so readers
run in parallel with a writer.
"""
from __future__ import annotations

import sqlite3

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A write waits this long for the SQLite write lock before the request answers 503 (core.errors).
# Each write request holds the lock for its whole length (~0.15 s), so 5 s let a burst of about
# twenty simultaneous submissions fail; 15 s stays well inside gunicorn's 30 s worker timeout.
BUSY_TIMEOUT_MS = 15_000
_configured = False


def configure_engine_events() -> None:
    global _configured
    if _configured:
        return
    event.listen(Engine, "connect", _sqlite_on_connect)
    event.listen(Engine, "begin", _sqlite_begin)
    _configured = True


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # SQLAlchemy's begin event emits BEGIN itself
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", f"busy_timeout={BUSY_TIMEOUT_MS}", "synchronous=FULL"):
        dbapi_connection.execute(f"PRAGMA {pragma}")


def _sqlite_begin(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    if has_request_context() and request.method in _READ_ONLY_METHODS:
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
