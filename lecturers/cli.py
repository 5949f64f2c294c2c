"""``flask roster …`` commands (roster import from .xlsx)."""
from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from accounts.models import Unit, User
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from lecturers import services
from lecturers.roster import MAX_FILE_BYTES, RosterReport

roster = AppGroup("roster", help="Import lecturer rosters.")


@roster.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit-id", type=int, required=True, help="The unit the lecturers belong to.")
@click.option("--dry-run", is_flag=True, help="Check every row and write nothing.")
@click.option("--actor", "username", help="Username recorded in the audit log (default: none, a system import).")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language of the report.")
def import_roster(file: Path, unit_id: int, dry_run: bool, username: str | None, lang: str) -> None:
    """Import FILE (.xlsx, one row per lecturer): all rows or none. Exits with status 1 when
    any row has a problem."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise click.ClickException(f"No unit with id {unit_id}.")
    actor = db.session.scalar(sa.select(User).where(User.username == username)) if username else None
    if username and actor is None:
        raise click.ClickException(f"No user {username!r}.")
    with force_locale(lang):
        with file.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        try:
            report = services.import_roster(data, unit=unit, dry_run=dry_run, actor=actor, now=utcnow())
        except DomainError as error:
            raise click.ClickException(str(error.message)) from error
        _echo_report(report)
    if report.written:
        db.session.commit()
    else:
        db.session.rollback()
    if not report.ok:
        raise click.exceptions.Exit(1)


def _echo_report(report: RosterReport) -> None:
    for problem in report.problems:
        click.echo(f"{_('Row')} {problem.row} · {problem.column}: {problem.message}")
    for row in report.rows:
        action = row.action.label if row.action else "—"
        changed = f" ({', '.join(row.changed_columns)})" if row.changed_columns else ""
        click.echo(f"{_('Row')} {row.number}\t{row.name or '—'}\t{action}{changed}")
        for problem in row.problems:
            click.echo(f"    {problem.column}: {problem.message}")
    if report.ignored_columns:
        click.echo(_("These columns were not recognised and are ignored: %(columns)s.",
                     columns=", ".join(report.ignored_columns)))
    click.echo(report.summary())
    if report.written:
        click.echo(_("The roster was imported."))
    elif report.ok:
        click.echo(_("Dry run: nothing was written."))
    else:
        click.echo(_("Nothing was written. Correct the rows listed above in the file and run the import again."))


def register(app: Flask) -> None:
    app.cli.add_command(roster)
