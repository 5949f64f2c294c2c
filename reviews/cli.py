"""``flask reviews …`` commands."""
from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

reviews_cli = AppGroup("reviews", help="Observed lessons and practice lectures.")


def register(app: Flask) -> None:
    app.cli.add_command(reviews_cli)
