"""An application on a database of its own whose requests really commit (a SQLite file, or a
private PostgreSQL database when TEST_DATABASE_URL is set), for concurrency and failure tests:
the normal fixtures run each test inside one rolled-back transaction, which hides both."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
import sqlalchemy as sa
from flask import Flask

from app import create_app
from core.extensions import db
from tests import factories


def is_postgres() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


@contextmanager
def live_app(folder: Path, **config) -> Iterator[Flask]:
    """A migrated application on a fresh database; ``config`` is added to the test configuration."""
    from tests.conftest import _private_postgres_database

    drop = None
    if is_postgres():
        url, drop = _private_postgres_database(os.environ["TEST_DATABASE_URL"])
    else:
        url = f"sqlite:///{folder / 'live.db'}"
    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                              "UPLOAD_FOLDER": str(folder / "uploads"), "EXPORT_IN_BACKGROUND": False,
                              "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 25, "max_overflow": 5, "pool_timeout": 20},
                              **config})
    if not is_postgres():
        # Durability against power loss is not under test: skip the fsyncs (a killed process
        # still loses nothing that was committed, WAL or not).
        sa.event.listen(_engine(application), "connect",
                        lambda connection, _record: connection.execute("PRAGMA synchronous=OFF"))
    try:
        with application.app_context():
            flask_migrate.upgrade()
        yield application
    finally:
        with application.app_context():
            db.engine.dispose()
        if drop is not None:
            drop()


def _engine(application: Flask) -> sa.Engine:
    with application.app_context():
        return db.engine


def prepare(application: Flask, build):
    """Run ``build()`` in an application context and commit; return its (plain) result."""
    with application.app_context():
        result = build()
        db.session.commit()
        return result


def logged_in(application: Flask, username: str, password: str = factories.PASSWORD):
    client = application.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def count(application: Flask, model, *where) -> int:
    with application.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
