"""Form helpers shared by every feature."""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request
from flask_babel import get_translations
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms import Field, HiddenField, SelectChoice

from core.errors import DomainError
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.models import MAX_ID, FormSubmission, utcnow


def record_id(value) -> int:
    """A select's coerce for an id: an integer the database can hold; anything else raises
    ValueError, which the field reports as an invalid choice (never a database overflow)."""
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError("not an id")
    return number


def id_or_none(value):
    """A select's coerce for an optional id: "" (no choice) is None."""
    return record_id(value) if value not in (None, "", "None") else None


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class _CatalogueTranslations:
    """WTForms' own messages, looked up in Lectern's catalogue (see core/wtforms_messages.py)."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


NUL_REFUSED = _l("Remove the invisible NUL character from this text.")


def has_nul(value: object) -> bool:
    """Whether ``value`` is text holding a NUL character, which PostgreSQL cannot store."""
    return isinstance(value, str) and "\x00" in value


class BaseForm(FlaskForm):
    """Every form of Lectern: CSRF from Flask-WTF, messages in the user's language. Text with
    a NUL character is refused on its field (any other character is kept as typed)."""

    class Meta:
        def get_translations(self, form):
            return _CatalogueTranslations()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if any(has_nul(value) for value in field.raw_data or ()):
                field.errors = [*field.errors, str(NUL_REFUSED)]
                valid = False
        return valid


class EmptyForm(BaseForm):
    """A bare POST button: only the CSRF token."""


class OnceForm(BaseForm):
    """A form that creates a record, sent once: each rendering carries a fresh one-time token
    (a hidden field) that ``claim_submission`` claims in the transaction writing the record."""

    submission = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted() or not self.submission.data:
            self.submission.data = secrets.token_urlsafe(24)  # a re-rendered form with errors keeps its token


class AlreadySubmitted(Exception):
    """The same form was sent before (a double click, a resend): ``location`` shows its result."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def claim_submission(form: OnceForm) -> FormSubmission | None:
    """Claim the form's token for the signed-in user before the record is written; set the
    returned row's ``location`` to the new record's page before committing. Raises
    ``AlreadySubmitted`` when a submission with this token got there first — also when it is
    still being written by a parallel request (the database makes this one wait, then refuses
    the duplicate key). None when the request carries no token (nothing to deduplicate)."""
    token = (form.submission.data or "")[:64]
    if not token or not request.form.get("submission"):
        return None
    earlier = db.session.get(FormSubmission, token)
    if earlier is not None:
        raise AlreadySubmitted(earlier.location)
    row = FormSubmission(token=token, user_id=current_user.id, at=utcnow(), location="")
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        db.session.rollback()
        earlier = db.session.get(FormSubmission, token)
        raise AlreadySubmitted(earlier.location if earlier else "") from None
    return row


def remember_location(claim: FormSubmission | None, location: str) -> str:
    """Keep where the claimed submission led (a repeated one is sent there); returns it."""
    if claim is not None:
        claim.location = location
    return location


def already_submitted(error: AlreadySubmitted, fallback: str):
    """The answer to a repeated submission: back to what the first one created."""
    flash(_("This form had already been sent; it was saved once."), "info")
    return redirect(error.location or fallback)


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Attach a service's refusal to the form, on its field when it names one."""
    field = getattr(form, error.field, None) if error.field else None
    if isinstance(field, Field):
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def render_form(template: str, form: FlaskForm, **context):
    """Render a page with a form; 422 when the form carries errors, so bad input is a 4xx
    and the page still shows everything the user typed."""
    status = 422 if form.errors else 200
    return render_template(template, form=form, **context), status


def safe_next(target: str | None, default: str) -> str:
    r"""Only same-site relative paths are followed after login or a language switch. Control
    characters are refused: browsers drop tabs and newlines (``/\t/evil.example`` becomes
    ``//evil.example``), and a newline cannot go into a Location header at all."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ord(character) < 32 or ord(character) == 127 for character in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
