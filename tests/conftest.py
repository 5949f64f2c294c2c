"""Test fixtures. The schema comes from the real migrations, once per run; each test runs
inside a transaction that is rolled back, on SQLite (default) or on PostgreSQL when
TEST_DATABASE_URL points at a server (a private database is created for the run)."""
from __future__ import annotations

import os
import re
import uuid

import flask_migrate

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session

from app import create_app
from core import memo
from core.extensions import db
from tests import factories


def _private_postgres_database(url: str):
    """Create a fresh database on the server at ``url``; return its URL and a cleanup."""
    admin_url = sa.make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"lectern_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with engine.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


class _ConnectionBoundSession(Session):
    """Flask-SQLAlchemy's session ignores a session-wide ``bind``; tests bind to one connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


class _Client(FlaskClient):
    """pytest-flask keeps one app context for the whole test, so ``g`` outlives a request;
    start each request with an empty ``g``, as a real server would (Flask-Login caches the
    user there, Flask-Babel the locale, Flask-WTF the CSRF token). The test's own setup is
    committed first (a savepoint inside the test's transaction), so a request that rolls back
    after an error undoes only its own work, as on a real server."""

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
            vars(g._get_current_object()).clear()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def database_url():
    url = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    if not url.startswith("postgresql"):
        yield url
        return
    private_url, drop = _private_postgres_database(url)
    yield private_url
    drop()


@pytest.fixture(scope="session")
def _app(database_url):
    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    application.test_client_class = _Client
    with application.app_context():
        flask_migrate.upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def app(_app, tmp_path):
    """The application, with every database change of the test rolled back afterwards, and
    uploaded files written under the test's own temporary folder."""
    _app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    _app.config["CHART_CACHE_FOLDER"] = str(tmp_path / "chart-cache")
    _app.config["EXPORT_FOLDER"] = str(tmp_path / "exports")
    _app.config["EXPORT_IN_BACKGROUND"] = False
    memo.clear_all()  # ids and stamps repeat from test to test: each database is rolled back
    with _app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _ConnectionBoundSession}
        )
        try:
            yield _app
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def world(app):
    """Two provinces; province P has a board, unit A and unit B; province Q has unit Z.
    One user per role in unit A, an overseer of P and a director of Z."""
    return factories.make_world()


@pytest.fixture
def login(client):
    def _login(user, password: str = factories.PASSWORD):
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return _login


# BEGIN, SAVEPOINT, RELEASE, COMMIT, ROLLBACK: how the statements are grouped, not what is read or written.
TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|SAVEPOINT|RELEASE|COMMIT|ROLLBACK)\b", re.IGNORECASE)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter:`` … ``counter.n`` is the number of SQL queries run
    (statements that read or write; transaction control is not counted)."""
    from contextlib import contextmanager

    class Counter:
        n = 0

    @contextmanager
    def counting():
        counter = Counter()

        def count(_connection, _cursor, statement, *_args):
            if not TRANSACTION_CONTROL.match(statement):
                counter.n += 1

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)

    return counting
