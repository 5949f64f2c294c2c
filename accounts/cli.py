"""``flask accounts …`` and ``flask tokens …`` commands."""
from __future__ import annotations

import secrets

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from accounts import services
from accounts.enums import Role
from accounts.models import Unit, User
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow

accounts = AppGroup("accounts", help="Create accounts.")
tokens = AppGroup("tokens", help="Personal access tokens for the JSON API.")


@accounts.command("create-admin")
@click.argument("username")
@click.option("--full-name", default="Quản trị hệ thống")
@click.option("--unit-id", type=int, help="Unit to record the grant on (default: the first unit).")
def create_admin(username: str, full_name: str, unit_id: int | None) -> None:
    """Create an administrator with a random one-time password, printed once."""
    unit = db.session.get(Unit, unit_id) if unit_id else db.session.scalar(sa.select(Unit).order_by(Unit.id))
    if unit is None:
        raise click.ClickException("Create a unit first (or load the demo data).")
    password = secrets.token_urlsafe(12)
    try:
        services.create_user(username=username, full_name=full_name, password=password,
                             grants=[(unit.id, Role.ADMIN)], actor=None, now=utcnow())
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Created administrator {username} with one-time password: {password}")


@tokens.command("create")
@click.argument("username")
@click.option("--name", default="cli", help="A label to recognise the token by.")
def create_token(username: str, name: str) -> None:
    """Create a personal access token for USERNAME and print it once."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or not user.is_enabled:
        raise click.ClickException(f"No active user {username!r}.")
    token = services.create_api_token(user, name=name, now=utcnow(),
                                      lifetime=current_app.config["API_TOKEN_LIFETIME"])
    db.session.commit()
    click.echo(token)


def register(app: Flask) -> None:
    app.cli.add_command(accounts)
    app.cli.add_command(tokens)
