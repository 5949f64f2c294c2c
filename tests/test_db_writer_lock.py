"""core.db: writers to a SQLite file take turns through a lock file beside it, held from the
start of their transaction to its end, however it ends."""
from __future__ import annotations

import fcntl
import os
import threading
import time

import pytest
import sqlalchemy as sa

from core import db as core_db


@pytest.fixture
def engine(tmp_path):
    core_db.configure_engine_events()
    engine = sa.create_engine(f"sqlite:///{tmp_path}/lectern.db")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE note (text TEXT)")
    yield engine
    engine.dispose()


def _lock_is_free(tmp_path) -> bool:
    handle = os.open(tmp_path / "lectern.db-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(handle)  # and the lock with it


def test_a_writer_holds_the_lock_for_its_transaction_and_lets_it_go_however_it_ends(engine, tmp_path):
    with engine.connect() as connection:
        connection.begin()  # outside a request: a write transaction
        held = not _lock_is_free(tmp_path)
        connection.commit()
        after_commit = _lock_is_free(tmp_path)
        connection.begin()
        connection.rollback()
        after_rollback = _lock_is_free(tmp_path)
    abandoned = engine.connect()
    abandoned.begin()
    abandoned.close()  # back to the pool with its transaction open

    assert held and after_commit and after_rollback
    assert _lock_is_free(tmp_path)


def test_a_writer_holds_the_lock_until_its_commit_has_run(engine, tmp_path):
    """Let go before the COMMIT, the next writer's BEGIN IMMEDIATE found the database still
    locked, and SQLite's busy handler slept a millisecond or more (the scoresheet save's p99)."""
    seen = []
    with engine.connect() as connection:
        dbapi_connection = connection.connection.dbapi_connection
        dbapi_connection.set_trace_callback(
            lambda sql: seen.append((sql, _lock_is_free(tmp_path))) if sql in ("COMMIT", "ROLLBACK") else None)
        connection.begin()
        connection.exec_driver_sql("INSERT INTO note VALUES ('kept')")
        connection.commit()
        connection.begin()
        connection.rollback()
        dbapi_connection.set_trace_callback(None)

    assert seen == [("COMMIT", False), ("ROLLBACK", False)]
    assert _lock_is_free(tmp_path)


def test_a_connection_given_back_with_its_transaction_still_open_lets_the_lock_go(engine, tmp_path):
    """A COMMIT that failed (here a deferred foreign key) leaves SQLite's transaction open while
    SQLAlchemy counts it ended and gives the connection back without a rollback."""
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        connection.exec_driver_sql("CREATE TABLE child (parent_id INTEGER REFERENCES parent (id))")
    connection = engine.connect()
    connection.begin()
    connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    connection.exec_driver_sql("INSERT INTO child VALUES (7)")
    with pytest.raises(sa.exc.IntegrityError):
        connection.commit()
    connection.close()

    assert _lock_is_free(tmp_path)
    with engine.begin() as again:
        assert again.exec_driver_sql("SELECT count(*) FROM child").scalar() == 0


def test_a_writer_waits_while_another_holds_the_lock_and_then_writes(engine, tmp_path):
    with engine.begin():
        pass  # creates the lock file
    holder = os.open(tmp_path / "lectern.db-writer.lock", os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another process's writer, as far as the engine can tell
    done = threading.Event()

    def write():
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO note VALUES ('written')")
        done.set()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    time.sleep(0.3)
    waited = not done.is_set()
    os.close(holder)
    writer.join(5)

    assert waited and done.is_set()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT text FROM note").scalars().all() == ["written"]


def test_readers_in_a_request_take_no_lock(engine, tmp_path):
    from flask import Flask

    with engine.begin():
        pass
    holder = os.open(tmp_path / "lectern.db-writer.lock", os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        with Flask(__name__).test_request_context(method="GET"), engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM note").scalar() == 0
    finally:
        os.close(holder)


def test_work_that_only_reads_holds_neither_lock_while_a_writer_writes(engine, tmp_path):
    """A background export reads in ``reading_only()``: a sheet saved meanwhile does not wait for it."""
    with engine.begin():
        pass
    done = threading.Event()

    def write():  # another thread: not reading_only(), so a write transaction
        with engine.begin() as writer:
            writer.exec_driver_sql("INSERT INTO note VALUES ('saved meanwhile')")
        done.set()

    with core_db.reading_only(), engine.connect() as reader:
        reader.begin()
        reader.exec_driver_sql("SELECT count(*) FROM note")
        lock_free = _lock_is_free(tmp_path)
        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        written_while_reading = done.wait(2)
        reader.rollback()
    writer.join(20)

    assert lock_free and written_while_reading
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT text FROM note").scalars().all() == ["saved meanwhile"]


def _reads_first_app(tmp_path):
    """Lectern on a SQLite file, with a ``@reads_first`` view to open requests on."""
    from app import create_app
    from core.extensions import db

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/lectern.db"})
    app.add_url_rule("/reads-first-probe", "reads_first_probe", core_db.reads_first(lambda: ""), methods=["POST"])
    with app.app_context():
        db.session.execute(sa.text("CREATE TABLE note (text TEXT)"))
        db.session.commit()
    return app


def test_a_reads_first_request_reads_without_the_lock_and_writes_after_another_writer(tmp_path):
    """A scoresheet save reads while another writer holds the lock; from ``begin_writing()`` it
    holds the lock, in a transaction of its own that sees what the other wrote meanwhile (a write
    in the reading transaction would fail: SQLITE_BUSY_SNAPSHOT), and lets go when it ends."""
    from core.extensions import db

    app = _reads_first_app(tmp_path)
    other = sa.create_engine(f"sqlite:///{tmp_path}/lectern.db")
    with app.test_request_context("/reads-first-probe", method="POST"):
        db.session.execute(sa.text("SELECT count(*) FROM note")).scalar()
        lock_free_while_reading = _lock_is_free(tmp_path)
        writer = threading.Thread(target=_write_first, args=(other,))  # another worker's save, outside
        writer.start()                                                 # this request: committed after it read
        writer.join(5)
        core_db.begin_writing()
        held_while_writing = not _lock_is_free(tmp_path)
        db.session.execute(sa.text("INSERT INTO note VALUES ('second')"))
        seen = db.session.execute(sa.text("SELECT text FROM note ORDER BY rowid")).scalars().all()
        db.session.commit()
        released = _lock_is_free(tmp_path)
        db.engine.dispose()
    other.dispose()

    assert (lock_free_while_reading, held_while_writing, released) == (True, True, True)
    assert seen == ["first", "second"]


def _write_first(engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO note VALUES ('first')")


def test_a_reads_first_request_may_not_write_before_begin_writing(tmp_path):
    """It would write what it read without the lock: refused, and nothing is written."""
    from core.extensions import db

    app = _reads_first_app(tmp_path)
    with app.test_request_context("/reads-first-probe", method="POST"):
        db.session.execute(sa.text("SELECT count(*) FROM note")).scalar()
        with pytest.raises(RuntimeError, match="begin_writing"):
            db.session.execute(sa.text("INSERT INTO note VALUES ('too early')"))
        db.session.rollback()
        assert db.session.execute(sa.text("SELECT count(*) FROM note")).scalar() == 0
        db.engine.dispose()
