"""WTForms' built-in validation messages, marked for extraction into our catalogue.

WTForms ships no Vietnamese translation, so ``core.forms.BaseForm`` looks its messages up in
Lectern's own catalogue; listing them here puts them in ``messages.pot``. Never imported.
"""
from flask_babel import lazy_ngettext as _nl

from core.i18n import lazy_gettext as _l

MESSAGES = [
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _nl("'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field.", 1),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid time value."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _nl("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 1),
    _nl("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1),
    _nl("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.", 1),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Field must be equal to %(other_name)s."),
    _l("Invalid input."),
    _l("Invalid email address."),
]
