"""Locale selection, translated enum labels, the templates' gettext and the date/number
filters used by templates."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from enum import StrEnum
from gettext import NullTranslations

from babel import Locale
from flask import Flask, current_app, session
from flask_babel import LazyString, format_date, format_datetime, format_decimal, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import escape
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
    locale = get_locale()
    if isinstance(value, datetime):  # shown in the local time zone: Babel converts it
        return format_datetime(value, DATE_PATTERNS.get(str(locale), DATE_PATTERNS["vi"]))
    return _day(value, locale)


def _day(value: date, locale: Locale | None) -> str:
    """A calendar date as ``DATE_PATTERNS`` writes it ("04/12/2026", "4 Dec 2026"), without
    Babel's pattern machinery: a page of results shows dozens (tests compare it with Babel)."""
    if locale is not None and locale.language == "en":
        return f"{value.day} {locale.months['format']['abbreviated'][value.month]} {value.year:04d}"
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    pattern = DATE_PATTERNS.get(str(get_locale()), DATE_PATTERNS["vi"]) + " HH:mm"
    return format_datetime(value, pattern)


# Per-locale tables below are keyed by (language, territory): each request parses its own Locale
# object, and comparing two of them costs more than the lookup saves.
_SEPARATORS: dict[tuple[str, str | None], dict[int, str]] = {}


def _separators(locale: Locale) -> dict[int, str]:
    """A ``str.translate`` table from Python's "1,234.5" to the locale's ("1.234,5" in Vietnamese)."""
    key = (locale.language, locale.territory)
    table = _SEPARATORS.get(key)
    if table is None:
        symbols = locale.number_symbols["latn"]
        table = _SEPARATORS[key] = str.maketrans({",": symbols["group"], ".": symbols["decimal"]})
    return table


def _number(value: int | float | Decimal | None, digits: int = 2) -> str:
    """``value`` with thousands grouped and at most ``digits`` decimals, as Babel's pattern
    ``#,##0.##`` writes it (half-even rounding of the decimal written form), without Babel's
    pattern machinery: a results table formats a few hundred figures."""
    if value is None:
        return "—"
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        rounded = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    except InvalidOperation:  # NaN, infinity, or beyond Decimal's precision: Babel's own way
        return format_decimal(value, format="#,##0." + "#" * digits)
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.translate(_separators(get_locale() or Locale.parse("vi")))


def _label(value) -> str:
    return getattr(value, "label", value) or ""


_CATALOGUES: dict[tuple[str, str | None], NullTranslations] = {}


def catalogue() -> NullTranslations:
    """The catalogue of the locale being rendered. Flask-Babel finds it again on each call
    (domain, locale, its name, its cache); this keeps one per locale, as Flask-Babel's own cache
    does, found from the request's locale alone."""
    locale = get_locale()
    if locale is None:  # outside a request: no translation
        return get_translations()
    key = (locale.language, locale.territory)
    found = _CATALOGUES.get(key)
    if found is None:
        found = _CATALOGUES[key] = get_translations()
    return found


def translate(message: str, **variables) -> str:
    """``gettext`` through :func:`catalogue`."""
    text = catalogue().ugettext(message)
    return text % variables if variables else text


def lazy_gettext(message: str, **variables) -> LazyString:
    """Flask-Babel's ``lazy_gettext`` (a label translated when shown), through :func:`translate`."""
    return LazyString(translate, message, **variables)


def _template_callables(find: Callable[[], NullTranslations]) -> dict:
    """Templates' ``_``, ``gettext``, ``ngettext``, ``pgettext`` and ``npgettext`` on the catalogue
    ``find`` gives. They behave as Jinja's "newstyle" gettext, which Flask-Babel installs (the
    text ``%``-formatted with the keyword arguments, which are escaped on pages), except that
    the message itself is escaped too rather than trusted as markup: the catalogues hold none."""

    def finish(eval_ctx, text: str, variables: dict) -> str:
        if eval_ctx.autoescape:
            text = escape(text)  # a message of our own catalogue, as plain text; the % arguments escaped too
        return text % variables if variables or "%" in text else text

    @pass_eval_context
    def gettext(eval_ctx, string: str, **variables) -> str:
        return finish(eval_ctx, find().ugettext(string), variables)

    @pass_eval_context
    def ngettext(eval_ctx, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        return finish(eval_ctx, find().ungettext(singular, plural, num), variables)

    @pass_eval_context
    def pgettext(eval_ctx, context: str, string: str, **variables) -> str:
        variables.setdefault("context", context)
        return finish(eval_ctx, find().upgettext(context, string), variables)

    @pass_eval_context
    def npgettext(eval_ctx, context: str, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("context", context)
        variables.setdefault("num", num)
        return finish(eval_ctx, find().unpgettext(context, singular, plural, num), variables)

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "pgettext": pgettext, "npgettext": npgettext}


def page_gettext() -> dict:
    """Context processor: the gettext callables bound to this page's catalogue, found once per
    page (a long table translates a few hundred labels). Macros imported without the page's
    context use the environment's, which find it on each call."""
    page_catalogue = catalogue()
    return _template_callables(lambda: page_catalogue)


def register_filters(app: Flask) -> None:
    app.jinja_env.globals.update(_template_callables(catalogue))
    app.context_processor(page_gettext)
    app.jinja_env.filters.update(date=_date, datetime=_datetime, number=_number, label=_label)
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
