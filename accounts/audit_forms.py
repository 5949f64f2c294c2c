"""The audit log's filters, read from the query string."""
from __future__ import annotations

from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from core.forms import BaseForm, options
from core.i18n import lazy_gettext as _l


def _int_or_none(value):
    """Coerce for the actor select: anything that is not a number is not a valid choice."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


class AuditFilterForm(BaseForm):
    """No CSRF: the filters change nothing."""

    class Meta:
        csrf = False

    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    actor_id = SelectField(_l("Who"), coerce=_int_or_none, choices=[])
    action = SelectField(_l("Action"), default="", choices=[])
    object_type = SelectField(_l("Object"), default="", choices=[])

    def fill(self, actors: list[tuple[int, str]], actions: list[str], object_types: list[str]) -> None:
        self.actor_id.choices = options([("", "—")] + actors)
        self.action.choices = options([("", "—")] + [(action, action) for action in actions])
        self.object_type.choices = options([("", "—")] + [(kind, kind) for kind in object_types])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must not be before the start date."))
