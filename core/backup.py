"""Consistent online backups and restores of the database (ASVS data safety; security notes §4).

SQLite: the online backup API copies a consistent snapshot while other connections keep writing,
then ``PRAGMA integrity_check`` must answer ``ok``. PostgreSQL: ``pg_dump -Fc`` (consistent while
the database is in use) and ``pg_restore --clean``. The uploads folder is backed up by copying it:
stored files are never overwritten, so copying after the database is safe.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
# B404: only pg_dump and pg_restore, with fixed arguments and no shell
import subprocess  # nosec B404
from pathlib import Path

import sqlalchemy as sa


class BackupError(RuntimeError):
    pass


def _sqlite_path(url: sa.engine.URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return url.database


def backup(database_url: str, target: Path) -> Path:
    """Write a consistent copy of the database to ``target`` (a .sqlite or .dump file)."""
    url = sa.make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("The backup failed its integrity check.")
        finally:
            copy.close()
            source.close()
        return target
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(url)])
    return target


def restore(database_url: str, source: Path) -> None:
    """Replace the database's content with a backup made by :func:`backup`."""
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        backup_db = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_path(url))
        try:
            backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
        return
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={_libpq(url)}",
          str(source)])


def copy_uploads(folder: str, target: Path) -> None:
    if os.path.isdir(folder):
        shutil.copytree(folder, target, dirs_exist_ok=True)


def _libpq(url: sa.engine.URL) -> str:
    """The URL in the form libpq tools understand (no SQLAlchemy driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(argv: list[str]) -> None:
    # B603: a fixed program and arguments built from the configured URL, no shell
    result = subprocess.run(argv, capture_output=True, text=True, check=False)  # nosec B603
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{argv[0]} failed")
