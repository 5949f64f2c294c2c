"""``flask demo load``: fill an empty database with the demo data set."""
from __future__ import annotations

import sys
import time

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from core.extensions import db
from core.models import utcnow
from demo.loader import database_is_empty, load_demo
from demo.synth import SYNTH_PASSWORD, SynthSize, synthesize

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


@demo.command("synth")
@click.option("--units", default=100, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--lecturers", default=3000, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--years", default=10, show_default=True, type=click.IntRange(1, 50))
@click.option("--seed", default=2026, show_default=True)
def demo_synth(units: int, lecturers: int, years: int, seed: int) -> None:
    """Generate a large synthetic data set (province scale by default) into an empty database,
    with bulk inserts; for measuring performance. Every account's password is lectern-synth."""
    if not current_app.config.get("DEMO_MODE"):
        raise click.ClickException("Synthetic data has a well-known password; it loads only with LECTERN_ENV=demo.")
    if not database_is_empty():
        raise click.ClickException("The database is not empty.")
    started = time.monotonic()
    connection = db.session.connection()
    with click.progressbar(length=units, label="Synthesising units", file=sys.stderr) as bar:
        counts = synthesize(connection, SynthSize(units=units, lecturers=lecturers, years=years, seed=seed),
                            now=utcnow(), progress=bar.update)
    db.session.commit()
    # Planner statistics for the bulk-loaded tables (autovacuum may lag). On PostgreSQL the few
    # rows the triggers updated over and over (units', lecturers' and content versions) left
    # thousands of pages of dead versions behind them: rewritten compact (VACUUM FULL; small
    # tables, so quick), or reading the province's content stamp scans 30 MB for 102 rows.
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as autocommit:
            autocommit.exec_driver_sql("VACUUM FULL ANALYZE unit, lecturer, content_version")
            autocommit.exec_driver_sql("ANALYZE")
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    click.echo(", ".join(f"{table}: {count}" for table, count in sorted(counts.items())))
    click.echo(f"Synthetic data generated in {time.monotonic() - started:.0f} s. Accounts: u001.director, "
               f"u001.reviewer1…, u001.secretary, synth.overseer, synth.admin — password {SYNTH_PASSWORD}.")


def register(app: Flask) -> None:
    app.cli.add_command(demo)
