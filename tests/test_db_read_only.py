"""core.db on PostgreSQL: a GET request reads without a transaction (no BEGIN, no ROLLBACK round
trip), turns one on before its first write or locking read, so its writes stay atomic, and the
connection goes back to the pool as it was lent."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from flask import Flask
from psycopg.pq import TransactionStatus

from core import db as core_db

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                                reason="PostgreSQL only (TEST_DATABASE_URL)")


@pytest.fixture
def engine(database_url):
    core_db.configure_engine_events()
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1), pool_size=1)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE read_only_note (text TEXT)")
    yield engine
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE read_only_note")
    engine.dispose()


def _status(connection) -> TransactionStatus:
    return connection.connection.dbapi_connection.info.transaction_status


def test_a_get_reads_outside_a_transaction_and_writes_inside_one(engine):
    with Flask(__name__).test_request_context(method="GET"):
        with engine.connect() as connection:
            with connection.begin() as transaction:
                connection.exec_driver_sql("SELECT count(*) FROM read_only_note")
                reading = _status(connection)
                connection.exec_driver_sql("INSERT INTO read_only_note VALUES ('one')")
                connection.exec_driver_sql("INSERT INTO read_only_note VALUES ('two')")
                writing = _status(connection)
                transaction.rollback()  # both writes go together
            with connection.begin():
                connection.exec_driver_sql("SELECT id FROM (SELECT 1 AS id) AS one FOR UPDATE")
                locking = _status(connection)
            with connection.begin():
                with connection.begin_nested():  # a savepoint needs a transaction around it
                    connection.exec_driver_sql("INSERT INTO read_only_note VALUES ('nested')")
                nested = _status(connection)

    assert reading == TransactionStatus.IDLE  # no BEGIN was sent
    assert writing == TransactionStatus.INTRANS and locking == TransactionStatus.INTRANS
    assert nested == TransactionStatus.INTRANS
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT text FROM read_only_note").scalars().all() == ["nested"]


def test_outside_a_get_and_back_in_the_pool_a_connection_keeps_its_transactions(engine):
    with Flask(__name__).test_request_context(method="GET"), engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")  # the pool's one connection, lent to a GET
    with Flask(__name__).test_request_context(method="POST"), engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
        in_a_post = _status(connection)
        connection.rollback()
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
        outside_requests = _status(connection)

    assert in_a_post == TransactionStatus.INTRANS and outside_requests == TransactionStatus.INTRANS
