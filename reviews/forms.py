"""Forms for planning observations, scoresheets (built from the rubric version), finalising,
amending and responding."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, SelectMultipleField, \
    StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.forms import BaseForm, options
from reviews import scoring
from reviews.enums import ConflictKind, ObservationKind, ObservationState, ResponseKind
from reviews.rubrics import Criterion, RubricVersion

TEXT_LIMIT = 20_000


def _int_or_none(value):
    return int(value) if value not in (None, "", "None") else None


class PlanObservationForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=ObservationKind.choices())
    lecturer_id = SelectField(_l("Lecturer"), coerce=int, choices=[])
    session_id = SelectField(_l("Teaching session"), coerce=_int_or_none, choices=[],
                             description=_l("Choose the session to observe, or leave empty for an ad hoc lesson."))
    topic_id = SelectField(_l("Topic"), coerce=_int_or_none, choices=[])
    topic_text = StringField(_l("Topic (free text, for an ad hoc lesson)"), validators=[Optional(), Length(max=300)])
    date = DateField(_l("Date"), validators=[Optional()])
    version_id = SelectField(_l("Rubric"), coerce=int, choices=[])
    observer_ids = SelectMultipleField(_l("Observers"), coerce=int, choices=[], validators=[DataRequired()])
    chair_id = SelectField(_l("Chair"), coerce=_int_or_none, choices=[],
                           description=_l("Leads the debrief and finalises. Default: you if you observe, "
                                          "else the first observer."))
    is_unannounced = BooleanField(_l("Unannounced: hidden from the lecturer until finalised"))


def score_field_name(criterion: Criterion) -> str:
    return "score_" + criterion.code.replace(".", "_").replace("-", "_")


class _SheetBase(BaseForm):
    notes = TextAreaField(_l("Running notes"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    strengths = TextAreaField(_l("Strengths"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    shortcomings = TextAreaField(_l("Shortcomings"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    recommendations = TextAreaField(_l("Recommendations"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    version = HiddenField()

    criteria: list[Criterion] = []

    def scores(self) -> dict[str, str]:
        """Scores by criterion code, as typed (validated by the service)."""
        return {c.code: getattr(self, score_field_name(c)).data or "" for c in self.criteria}

    def texts(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in ("notes", "strengths", "shortcomings",
                                                                    "recommendations")}

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


def build_sheet_form(version: RubricVersion, **kwargs) -> _SheetBase:
    """A scoresheet form with one select per criterion offering only its valid steps."""

    class SheetForm(_SheetBase):
        pass

    SheetForm.criteria = list(version.criteria)
    for criterion in version.criteria:
        values = scoring.allowed_values(criterion.spec())
        choices = options([("", "—")] + [(_plain(v), _plain(v)) for v in values])
        setattr(SheetForm, score_field_name(criterion),
                SelectField(f"{criterion.code}. {criterion.title}", choices=choices, validate_choice=False))
    return SheetForm(**kwargs)


def _plain(value: Decimal) -> str:
    """2.00 → "2", 1.50 → "1.5", 0.25 → "0.25"."""
    text = format(value.normalize(), "f")
    return text


class FinalizeForm(BaseForm):
    debrief = TextAreaField(_l("Debrief (rút kinh nghiệm)"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    action_points = TextAreaField(_l("Agreed action points for the lecturer"),
                                  validators=[Optional(), Length(max=TEXT_LIMIT)])


class AmendForm(BaseForm):
    reason = TextAreaField(_l("Reason for the amendment"), validators=[DataRequired(), Length(max=TEXT_LIMIT)])
    action_points = TextAreaField(_l("Agreed action points for the lecturer"),
                                  validators=[Optional(), Length(max=TEXT_LIMIT)])


def build_amend_form(version: RubricVersion, current: dict[int, Decimal], **kwargs) -> AmendForm:
    class Amend(AmendForm):
        pass

    Amend.criteria = list(version.criteria)
    for criterion in version.criteria:
        values = scoring.allowed_values(criterion.spec())
        # consolidated values may fall between steps (means): offer the current value too
        values = sorted(set(values) | {current.get(criterion.id, Decimal(0))})
        setattr(Amend, score_field_name(criterion),
                SelectField(f"{criterion.code}. {criterion.title}",
                            choices=options((_plain(v), _plain(v)) for v in values), validate_choice=False,
                            default=_plain(current.get(criterion.id, Decimal(0)))))
    return Amend(**kwargs)


class ResponseForm(BaseForm):
    kind = RadioField(_l("Your response"), choices=ResponseKind.choices(), validators=[InputRequired()])
    text = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=TEXT_LIMIT)])


class ConflictForm(BaseForm):
    observer_id = SelectField(_l("Observer"), coerce=int, choices=[])
    lecturer_id = SelectField(_l("Lecturer"), coerce=int, choices=[])
    kind = SelectField(_l("Kind of conflict"), choices=ConflictKind.choices())
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class ObservationFilterForm(BaseForm):
    """The list's filters, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    lecturer_id = SelectField(_l("Lecturer"), coerce=_int_or_none, choices=[], validate_choice=False)
    observer_id = SelectField(_l("Observer"), coerce=_int_or_none, choices=[], validate_choice=False)
    state = SelectField(_l("State"), default="",
                        choices=options([("", "—")] + [(s.value, s.label) for s in ObservationState]))
    kind = SelectField(_l("Kind"), default="",
                       choices=options([("", "—")] + [(k.value, k.label) for k in ObservationKind]))
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
