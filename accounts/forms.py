from __future__ import annotations

from wtforms import (BooleanField, HiddenField, IntegerField, PasswordField, SelectChoice, SelectField,
                     SelectMultipleField, StringField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from accounts.enums import UnitKind
from accounts.services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from core.forms import BaseForm
from core.i18n import lazy_gettext as _l


class LoginForm(BaseForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    next = HiddenField()


class LanguageForm(BaseForm):
    lang = SelectField(_l("Language"), choices=[SelectChoice("vi", "Tiếng Việt"), SelectChoice("en", "English")])
    next = HiddenField()


class UnitSwitchForm(BaseForm):
    unit_id = SelectField(_l("Unit"), coerce=int)
    next = HiddenField()


class PasswordChangeForm(BaseForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)])


class ProvinceForm(BaseForm):
    name = StringField(_l("Province name"), validators=[DataRequired(), Length(max=200)])


class UnitForm(BaseForm):
    province_id = SelectField(_l("Province"), coerce=int)
    name = StringField(_l("Unit name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind of unit"), choices=UnitKind.choices())
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    is_active = BooleanField(_l("Active"), default=True)
    norm_director = IntegerField(_l("Yearly norm: director (hours)"), default=40, validators=[NumberRange(0, 2000)])
    norm_deputy = IntegerField(_l("Yearly norm: deputy director (hours)"), default=60,
                               validators=[NumberRange(0, 2000)])
    norm_full_time = IntegerField(_l("Yearly norm: full-time lecturer (hours)"), default=120,
                                  validators=[NumberRange(0, 2000)])
    norm_full_time_admin = IntegerField(_l("Yearly norm: full-time lecturer with office duties (hours)"),
                                        default=90, validators=[NumberRange(0, 2000)])
    norm_adjunct = IntegerField(_l("Yearly norm: adjunct lecturer (hours, 0 for none)"), default=0,
                                validators=[NumberRange(0, 2000)])


class UserForm(BaseForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(min=3, max=64),
        Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Use only letters without accents, digits, dot, dash and underscore."))])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Initial password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)])
    roles = SelectMultipleField(_l("Roles"), choices=[], validate_choice=True)
    is_enabled = BooleanField(_l("Account active"), default=True)


class UserEditForm(UserForm):
    """Editing an account: the username is fixed and the password is reset separately."""

    username = None
    password = None


def _code_field():
    return StringField(_l("Code from your authenticator app"), validators=[DataRequired(), Length(max=12)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 12})


class TotpCodeForm(BaseForm):
    """Confirming an enrolment, or the second step of signing in: one 6-digit code."""

    code = _code_field()


class TotpDisableForm(BaseForm):
    password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    code = _code_field()
