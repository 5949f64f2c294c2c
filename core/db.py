"""Database engine settings: SQLite pragmas, transaction modes and the SQLite writer lock.

SQLite gets WAL, a busy timeout (``BUSY_TIMEOUT_MS``), foreign keys and ``synchronous=FULL`` on every connection.
Write transactions begin ``IMMEDIATE`` so a transaction that read first cannot fail with
``SQLITE_BUSY_SNAPSHOT`` when it later writes; GET and HEAD requests begin deferred so readers
run in parallel with a writer.

Writers to a SQLite file first take a lock on a file beside it (``<database>-writer.lock``) and
hold it until their transaction has ended (``WriterLockConnection``: after the COMMIT, not
before it, or the next writer's BEGIN found the database still locked and SQLite's busy handler
slept a millisecond or more). SQLite's own busy handler sleeps ever longer (up to 100 ms at a
time) while the database is locked, so under steady writes a waiting writer kept losing to the
one that just finished and waited up to a second; the lock file is polled every
``WRITER_POLL_S`` instead, so writers take turns (a save holds the lock about a millisecond,
and a waiter that looked every half millisecond left it unused for a fifth of the time). Work
outside a request that only reads (a background export) runs in ``reading_only()`` and begins
as a GET does.

On PostgreSQL, read-only requests (GET, HEAD, OPTIONS) read without a transaction (autocommit):
at READ COMMITTED each statement reads its own snapshot inside a transaction too, so they see
the same, and are spared the BEGIN and ROLLBACK round trips (a third of a small page's). Such a
request's first write (or locking read) turns the transaction back on, so its writes still
commit or roll back together.

A view marked ``@reads_first`` (saving a scoresheet: one short write, and two observers may
save at the same moment) reads without the SQLite writer lock, as a GET does (the signed-in
user's session, above all); its write transaction begins at ``begin_writing()``. What it read
before may be older than that transaction, so it reads what its write depends on after
``begin_writing()`` (``reviews.services.sheet_to_change``: the writer lock held from there on
was the save's bottleneck, so the user's session is read before it); a write before
``begin_writing()`` is a programming error and is refused. On PostgreSQL the mark changes
nothing.

A pooled connection that sat unused for over ``PING_AFTER_IDLE_S`` is tested before it is lent
(the server may have restarted, or a firewall dropped the connection), and a dead one is
replaced; one returned a moment ago is lent as it is. SQLAlchemy's ``pool_pre_ping`` tested every
connection on every checkout: a round trip per request, a twentieth of a small page on PostgreSQL.
"""
from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import Pool

_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A write waits this long for the SQLite write lock before the request answers 503 (core.errors).
# A write request holds the lock from its first statement to its end (a @reads_first one from
# begin_writing()); with each taking ~0.15 s, 5 s let a burst of about twenty simultaneous
# submissions fail; 15 s stays well inside gunicorn's 30 s worker timeout.
BUSY_TIMEOUT_MS = 15_000
WRITER_POLL_S = 0.0001
_READING = "reading_without_transaction"  # a PostgreSQL connection a read-only request put in autocommit
_READS_FIRST = "reads_first"  # a SQLite connection reading, before a @reads_first view's write transaction
PING_AFTER_IDLE_S = 10.0
_RETURNED_AT = "returned_at"  # when a pooled connection was last given back (time.monotonic())
# What must not run outside a transaction: writes, savepoints, and reads that lock rows.
_WRITE_VERB = re.compile(r"\s*(INSERT|UPDATE|DELETE|MERGE|SAVEPOINT)\b", re.IGNORECASE)
_LOCKING_READ = re.compile(r"\bFOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)
_reading_only: ContextVar[bool] = ContextVar("reading_only", default=False)
_configured = False


@contextmanager
def reading_only() -> Iterator[None]:
    """Work outside a request that only reads (a background export): its transactions begin as
    a GET's do, so it never holds the SQLite write lock while it reads."""
    token = _reading_only.set(True)
    try:
        yield
    finally:
        _reading_only.reset(token)


def reads_first(view):
    """Mark a view whose reads need not share its write's transaction (see the module's text)."""
    view.reads_first = True
    return view


def begin_writing() -> None:
    """From here on, the request's transaction writes, and what it reads is current: in a
    ``@reads_first`` request on SQLite, the reading transaction ends and a write transaction
    begins (taking the writer lock). Elsewhere the transaction writes already, or (PostgreSQL)
    its next statement reads current data: nothing to do."""
    from core.extensions import db

    connection = db.session.connection()
    if connection.info.get(_READS_FIRST):
        _start_writing(connection)


def lock_rows(statement, parameters: dict) -> None:
    """Hold the rows a ``SELECT … FOR UPDATE`` picks until the transaction ends: on PostgreSQL,
    run it; a SQLite write transaction holds the whole database already (``BEGIN IMMEDIATE``,
    ``begin_writing()``), so there is nothing to run."""
    from core.extensions import db

    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        connection.execute(statement, parameters)


class WriterLockConnection(sqlite3.Connection):
    """A SQLite connection that lets go of the writer lock (``_take_writer_lock``) once its
    transaction has ended: after its COMMIT or ROLLBACK has run, when no other writer can find
    the database locked by it any more."""

    writer_lock: int | None = None  # the lock file's descriptor, open while the connection lives

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._unlock_when_ended()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._unlock_when_ended()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.writer_lock is not None:
                os.close(self.writer_lock)  # and the lock with it
                self.writer_lock = None

    def _unlock_when_ended(self) -> None:
        if self.writer_lock is not None and not self.in_transaction:
            fcntl.flock(self.writer_lock, fcntl.LOCK_UN)


def _is_reads_first_request() -> bool:
    return has_request_context() and getattr(current_app.view_functions.get(request.endpoint), "reads_first", False)


def configure_engine_events() -> None:
    global _configured
    if _configured:
        return
    event.listen(Engine, "do_connect", _sqlite_connection_class)
    event.listen(Engine, "connect", _sqlite_on_connect)
    event.listen(Engine, "begin", _begin)
    event.listen(Engine, "before_cursor_execute", _transaction_for_writes)
    event.listen(Engine, "commit", _end_reads_first)
    event.listen(Engine, "rollback", _end_reads_first)
    event.listen(Pool, "checkout", _ping_if_idle)
    event.listen(Pool, "checkin", _back_in_pool)
    _configured = True


def _sqlite_connection_class(dialect, _record, _args, kwargs) -> None:
    if dialect.name == "sqlite":
        kwargs["factory"] = WriterLockConnection


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # SQLAlchemy's begin event emits BEGIN itself
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", f"busy_timeout={BUSY_TIMEOUT_MS}", "synchronous=FULL"):
        dbapi_connection.execute(f"PRAGMA {pragma}")


def _begin(connection) -> None:
    read_only = _reading_only.get() or (has_request_context() and request.method in _READ_ONLY_METHODS)
    if connection.dialect.name == "postgresql":
        dbapi_connection = connection.connection.dbapi_connection
        if read_only and not dbapi_connection.autocommit:
            dbapi_connection.autocommit = True
            connection.info[_READING] = True
    elif connection.dialect.name == "sqlite":
        if read_only:
            connection.exec_driver_sql("BEGIN")
        elif _is_reads_first_request():
            connection.info[_READS_FIRST] = True
            connection.exec_driver_sql("BEGIN")
        else:
            _take_writer_lock(connection)
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _transaction_for_writes(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    """A read-only request about to write on PostgreSQL: from here on, in a transaction. A
    ``@reads_first`` request about to write on SQLite before ``begin_writing()``: refused, since
    it would write what it read without the lock (and SQLite would refuse it once another writer
    committed)."""
    if connection.info.get(_READING) and _writes(statement):
        connection.connection.dbapi_connection.autocommit = False
        del connection.info[_READING]
    elif connection.info.get(_READS_FIRST) and _writes(statement):
        raise RuntimeError("a @reads_first view writes only after core.db.begin_writing()")


def _writes(statement: str) -> bool:
    """Whether a statement writes or locks rows. The search for a locking clause runs only on a
    statement naming FOR at all: a page's statements are long, and the search took 30 µs each."""
    return _WRITE_VERB.match(statement) is not None or (
        "FOR" in statement.upper() and _LOCKING_READ.search(statement) is not None)


def _start_writing(connection) -> None:
    """End the reading transaction (it wrote nothing) and begin a write transaction, after the
    writer lock: SQLite refuses a write from a transaction whose snapshot another writer has
    moved past (``SQLITE_BUSY_SNAPSHOT``), so the write cannot continue the reading one."""
    del connection.info[_READS_FIRST]
    connection.exec_driver_sql("COMMIT")
    _take_writer_lock(connection)
    connection.exec_driver_sql("BEGIN IMMEDIATE")  # a database still locked: an OperationalError, a 503


def _take_writer_lock(connection) -> None:
    """Wait (up to ``BUSY_TIMEOUT_MS``) for the writer lock of the connection's SQLite file; after
    that, SQLite's own busy timeout still applies, and then the request answers 503."""
    path = connection.engine.url.database
    dbapi_connection = connection.connection.dbapi_connection
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    if not isinstance(dbapi_connection, WriterLockConnection):  # not made through our do_connect event
        return
    handle = dbapi_connection.writer_lock
    if handle is None:
        try:
            handle = dbapi_connection.writer_lock = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:  # a folder we may not write to: SQLite's busy timeout alone, as without the lock
            return
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                return
            time.sleep(WRITER_POLL_S)


def _end_reads_first(connection) -> None:
    connection.info.pop(_READS_FIRST, None)


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    """Test a connection idle for over ``PING_AFTER_IDLE_S`` with ``SELECT 1``; a dead one makes
    the pool discard it and lend another (``DisconnectionError``)."""
    returned = record.info.get(_RETURNED_AT)
    if returned is None or time.monotonic() - returned < PING_AFTER_IDLE_S:
        return  # new, or back in the pool a moment ago
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()  # the transaction the driver may have begun for it
    except Exception as error:  # noqa: BLE001  (whatever the driver raises for a dead connection)
        raise DisconnectionError(f"an idle pooled connection did not answer: {error}") from error


def _back_in_pool(dbapi_connection, record) -> None:
    """A connection given back: as the pool lent it. A SQLite transaction still open (a COMMIT
    that failed, and no rollback after it) is rolled back, and lets the writer lock go."""
    if isinstance(dbapi_connection, WriterLockConnection) and dbapi_connection.in_transaction:
        dbapi_connection.rollback()
    if record is None:
        return
    record.info[_RETURNED_AT] = time.monotonic()
    if record.info.pop(_READING, False) and dbapi_connection is not None:
        dbapi_connection.autocommit = False  # as the pool lent it
    record.info.pop(_READS_FIRST, None)
