"""The migrations build exactly the models' schema, and the database itself guards the audit log."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.extensions import db
from core.models import AuditLog, log_action, utcnow


def test_migrations_match_the_models(app):
    context = MigrationContext.configure(db.session.connection(), opts={"compare_type": True})

    assert compare_metadata(context, db.metadata) == []


def test_audit_log_refuses_update_even_in_raw_sql(app, world):
    entry = log_action("test", world.lecturer, actor_id=world.director.id, now=utcnow())
    db.session.flush()

    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(sa.update(AuditLog).where(AuditLog.id == entry.id).values(action="forged"))


def test_audit_log_refuses_delete_even_in_raw_sql(app, world):
    entry = log_action("test", world.lecturer, actor_id=world.director.id, now=utcnow())
    db.session.flush()

    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(sa.delete(AuditLog).where(AuditLog.id == entry.id))

    assert db.session.get(AuditLog, entry.id).action == "test"


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    from app import create_app

    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    with application.app_context():
        with db.engine.connect() as connection:
            pragmas = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                       for name in ("journal_mode", "foreign_keys", "busy_timeout")}
        db.engine.dispose()

    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 15_000}
