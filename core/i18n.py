"""Locale selection, translated enum labels and the date/number filters used by templates."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from flask import Flask, current_app, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user
from wtforms import SelectChoice

DATE_PATTERNS = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}


def select_locale() -> str:
    """The user's saved choice, then the session's, then Vietnamese. Never the browser's:
    many Vietnamese users run English browsers."""
    languages = current_app.config["LANGUAGES"]
    saved = getattr(current_user, "locale", None) if current_user else None
    for choice in (saved, session.get("lang")):
        if choice in languages:
            return choice
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


class LabelledEnum(StrEnum):
    """A string enum whose members carry a lazily translated label.

    ``KIND = "code", _l("Label")`` stores ``"code"`` and shows the label in the UI.
    """

    label: str

    def __new__(cls, value: str, label: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[SelectChoice]:
        """Options for a form's select field."""
        return [SelectChoice(member.value, member.label) for member in cls]


def _date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    pattern = DATE_PATTERNS.get(str(get_locale()), DATE_PATTERNS["vi"])
    if isinstance(value, datetime):
        return format_datetime(value, pattern)
    return format_date(value, pattern)


def _datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    pattern = DATE_PATTERNS.get(str(get_locale()), DATE_PATTERNS["vi"]) + " HH:mm"
    return format_datetime(value, pattern)


def _number(value: int | float | Decimal | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0." + "#" * digits)


def _label(value) -> str:
    return getattr(value, "label", value) or ""


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(date=_date, datetime=_datetime, number=_number, label=_label)
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
