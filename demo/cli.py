"""``flask demo load``: fill an empty database with the demo data set."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from core.extensions import db
from core.models import utcnow
from demo.loader import database_is_empty, load_demo

demo = AppGroup("demo", help="Demo data (demo mode only).")


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database has data.")
@click.option("--seed", default=2026, show_default=True)
def demo_load(if_empty: bool, seed: int) -> None:
    """Load the demo province, units, lecturers, classes, accounts and observed lessons into an
    empty database."""
    if not current_app.config.get("DEMO_MODE"):
        raise click.ClickException("Demo data has well-known passwords; it loads only with LECTERN_ENV=demo.")
    if not database_is_empty():
        if if_empty:
            click.echo("The database already has data; demo data not loaded.")
            return
        raise click.ClickException("The database is not empty.")
    load_demo(now=utcnow(), seed=seed)
    db.session.commit()
    click.echo("Demo data loaded. Accounts: admin, director, reviewer, reviewer2, reviewer3, lecturer, secretary, "
               "overseer, director2, reviewer4, reviewer5, reviewer6 — password lectern-demo.")


def register(app: Flask) -> None:
    app.cli.add_command(demo)
