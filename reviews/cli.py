"""``flask reviews …`` commands."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from core.extensions import db
from core.models import utcnow
from reviews import recalc as recalculation

reviews_cli = AppGroup("reviews", help="Observed lessons and practice lectures.")


@reviews_cli.command("recalc")
def recalc() -> None:
    """Recompute every sheet's total, percent and rating and every finalised observation's
    consolidation. Draft sheets that differ are rewritten; submitted sheets and finalised
    observations are locked, so their differences are listed and never rewritten."""
    report = recalculation.recalculate(now=utcnow())
    db.session.commit()
    for difference in report.differences:
        click.echo(difference.describe())
    click.echo(report.summary())


def register(app: Flask) -> None:
    app.cli.add_command(reviews_cli)
