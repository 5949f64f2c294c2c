"""``flask roster …`` commands (roster import from .xlsx)."""
from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

roster = AppGroup("roster", help="Import lecturer rosters.")


def register(app: Flask) -> None:
    app.cli.add_command(roster)
