"""Form helpers shared by every feature."""
from __future__ import annotations

from urllib.parse import urlsplit

from collections.abc import Iterable

from flask import render_template
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from core.errors import DomainError


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class EmptyForm(FlaskForm):
    """A bare POST button: only the CSRF token."""


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Attach a service's refusal to the form, on its field when it names one."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def render_form(template: str, form: FlaskForm, **context):
    """Render a page with a form; 422 when the form carries errors, so bad input is a 4xx
    and the page still shows everything the user typed."""
    status = 422 if form.errors else 200
    return render_template(template, form=form, **context), status


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths are followed after login or a language switch."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
