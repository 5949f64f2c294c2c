"""``flask translate …``: extract, update and compile the message catalogues."""
from __future__ import annotations

# B404: runs pybabel with a fixed argument list, no shell
import subprocess  # nosec B404
import sys
from pathlib import Path

import click
from babel.messages.pofile import read_po, write_po
from flask import Flask
from flask.cli import AppGroup, with_appcontext

translate = AppGroup("translate", help="Manage the Vietnamese and English catalogues.")


def _pybabel(*args: str) -> None:
    # B603: fixed argv
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)  # nosec B603


@translate.command("update")
def translate_update() -> None:
    """Extract messages into messages.pot and merge them into every catalogue."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "_nl:1,2", "-c", "i18n:", "--sort-by-file", "--no-wrap", "--ignore-dirs", ".* __pycache__",
             "-o", "translations/messages.pot", ".")
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-wrap", "--ignore-obsolete", "--no-fuzzy-matching")
    fill_english("translations/en/LC_MESSAGES/messages.po")


def fill_english(path: str) -> None:
    """Message ids are English, so every English entry is its id (singular and plural)."""
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id:
            message.string = tuple(message.id) if isinstance(message.id, tuple) else message.id
            message.flags.discard("fuzzy")
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=0, ignore_obsolete=True)


@translate.command("compile")
def translate_compile() -> None:
    """Compile the catalogues to .mo files."""
    _pybabel("compile", "-d", "translations", "--statistics")


@translate.command("init")
@click.argument("lang")
def translate_init(lang: str) -> None:
    _pybabel("init", "-i", "translations/messages.pot", "-d", "translations", "-l", lang, "--no-wrap")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Write a consistent online backup of the database to TARGET (uploads to TARGET.uploads/)."""
    from flask import current_app

    from core import backup

    try:
        backup.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
        backup.copy_uploads(current_app.config["UPLOAD_FOLDER"], target.with_name(target.name + ".uploads"))
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {target}")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm that the current database content is replaced.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database content with the backup SOURCE (and its uploads, if saved)."""
    from flask import current_app

    from core import backup
    from core.extensions import db

    if not yes:
        raise click.ClickException("Restoring replaces every record; run again with --yes to confirm.")
    db.engine.dispose()
    try:
        backup.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
        backup.copy_uploads(str(source.with_name(source.name + ".uploads")), Path(current_app.config["UPLOAD_FOLDER"]))
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Database restored from {source}. Restart the web server (gunicorn): its workers keep "
               "progress data by results versions, which the restore wound back.")


def register(app: Flask) -> None:
    app.cli.add_command(translate)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
