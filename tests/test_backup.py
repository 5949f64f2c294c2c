"""`flask backup` makes a consistent copy while writes go on; `flask restore` brings it back."""
from __future__ import annotations

import os
import threading
import time
import uuid

import flask_migrate
import pytest
import sqlalchemy as sa

from app import create_app
from core.extensions import db
from core.models import AuditLog, log_action, utcnow

pytestmark = pytest.mark.slow


class _Thing:
    id = None
    unit_id = None


def _count(application) -> int:
    with application.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))


def _write(application, n: int) -> None:
    with application.app_context():
        for _ in range(n):
            log_action("backup_test", _Thing(), actor_id=None, now=utcnow())
            db.session.commit()


@pytest.fixture
def live_app(database_url, tmp_path):
    """An application on a database of its own whose writes really commit."""
    if database_url.startswith("postgresql"):
        admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        name = f"lectern_backup_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = sa.make_url(database_url).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'live.db'}"
    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                              "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    with application.app_context():
        flask_migrate.upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()
    if database_url.startswith("postgresql"):
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_backup_during_writes_is_consistent_and_restore_brings_it_back(live_app, tmp_path):
    if not live_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") and not os.path.exists("/usr/bin/pg_dump"):
        pytest.skip("pg_dump is not installed")
    _write(live_app, 20)
    stop = threading.Event()

    def keep_writing():
        while not stop.is_set():
            _write(live_app, 1)
            time.sleep(0.005)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        time.sleep(0.1)
        before = _count(live_app)
        result = live_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "lectern.backup")])
        after = _count(live_app)
    finally:
        stop.set()
        writer.join(10)

    assert result.exit_code == 0, result.output
    _write(live_app, 5)
    restored = live_app.test_cli_runner().invoke(args=["restore", str(tmp_path / "lectern.backup"), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert before <= _count(live_app) <= after  # a snapshot from during the backup, whole rows only


def test_restore_asks_for_confirmation_and_names_a_missing_file(live_app, tmp_path):
    runner = live_app.test_cli_runner()

    unconfirmed = runner.invoke(args=["restore", str(tmp_path / "none.backup")])
    missing = runner.invoke(args=["restore", str(tmp_path / "none.backup"), "--yes"])

    assert unconfirmed.exit_code != 0 and "--yes" in unconfirmed.output
    assert missing.exit_code != 0 and "none.backup" in missing.output
