"""Forms for planning observations, scoresheets (built from the rubric version), finalising,
amending and responding."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal
from wtforms import BooleanField, DateField, DecimalField, HiddenField, IntegerField, RadioField, SelectField, \
    SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import TextInput

from core.forms import BaseForm, OnceForm, id_or_none, options
from core.i18n import lazy_gettext as _l
from core.memo import DerivedCache
from reviews import scoring
from reviews.enums import PRACTICE_HEADINGS, SHEET_TEXTS, ConflictKind, ConsolidationMethod, ObservationKind, \
    ObservationState, PracticePurpose, PracticeVerdict, Rating, ResponseKind
from reviews.rubrics import Criterion, FrozenVersion, RubricVersion, ScoredCriterion

TEXT_LIMIT = 20_000


class PlanObservationForm(OnceForm):
    kind = SelectField(_l("Type"), choices=ObservationKind.choices())
    lecturer_id = SelectField(_l("Lecturer"), coerce=int, choices=[])
    session_id = SelectField(_l("Teaching session"), coerce=id_or_none, choices=[],
                             description=_l("Choose the session to observe, or leave empty for an ad hoc lesson."))
    topic_id = SelectField(_l("Topic"), coerce=id_or_none, choices=[])
    topic_text = StringField(_l("Topic (free text, for an ad hoc lesson)"), validators=[Optional(), Length(max=300)])
    date = DateField(_l("Date"), validators=[Optional()])
    version_id = SelectField(_l("Rubric"), coerce=int, choices=[])
    observer_ids = SelectMultipleField(_l("Observers"), coerce=int, choices=[], validators=[DataRequired()])
    chair_id = SelectField(_l("Chair"), coerce=id_or_none, choices=[],
                           description=_l("Leads the debrief and finalises. Default: you if you observe, "
                                          "else the first observer."))
    is_unannounced = BooleanField(_l("Unannounced: hidden from the lecturer until finalised"))


def score_field_name(criterion: Criterion | ScoredCriterion) -> str:
    return "score_" + criterion.code.replace(".", "_").replace("-", "_")


class _SheetBase(BaseForm):
    notes = TextAreaField(_l("Running notes"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    strengths = TextAreaField(_l("Strengths"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    shortcomings = TextAreaField(_l("Shortcomings"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    recommendations = TextAreaField(_l("Recommendations"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    version = HiddenField()

    criteria: list[ScoredCriterion] = []

    def scores(self) -> dict[str, str]:
        """Scores by criterion code, as typed (validated by the service)."""
        return {c.code: getattr(self, score_field_name(c)).data or "" for c in self.criteria}

    def texts(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in SHEET_TEXTS}

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None

    def comments(self) -> dict[str, str]:
        """A practice lecture's comments by heading (empty for an observed lesson)."""
        return {heading: getattr(self, f"comment_{heading}").data or "" for heading in PRACTICE_HEADINGS
                if hasattr(self, f"comment_{heading}")}


PRACTICE_HEADING_LABELS = {
    "content": _l("Content"), "method": _l("Method"), "demeanour": _l("Demeanour and language"),
    "slides": _l("Slides"), "timing": _l("Timing"),
}


_SHEET_FORMS: DerivedCache[type] = DerivedCache(64)


def build_sheet_form(version: FrozenVersion, *, practice: bool = False, **kwargs) -> _SheetBase:
    """A scoresheet form with one select per criterion offering only its valid steps; at a
    practice lecture, also the comment headings (and the score is optional). The form class
    of a published version is made once (the version does not change), a draft's each time."""
    form_class = _SHEET_FORMS.get((version.id, practice))
    if form_class is None:
        form_class = _sheet_form_class(version, practice=practice)
        if not version.is_draft:
            _SHEET_FORMS.put((version.id, practice), form_class)
    return form_class(**kwargs)


def _sheet_form_class(version: FrozenVersion, *, practice: bool) -> type[_SheetBase]:
    class SheetForm(_SheetBase):
        pass

    if practice:
        for heading in PRACTICE_HEADINGS:
            setattr(SheetForm, f"comment_{heading}", TextAreaField(
                PRACTICE_HEADING_LABELS[heading], validators=[Optional(), Length(max=TEXT_LIMIT)]))
    SheetForm.criteria = list(version.criteria)
    for criterion in version.criteria:
        values = scoring.allowed_values(criterion.spec)
        choices = options([("", "—")] + [(_plain(v), _plain(v)) for v in values])
        setattr(SheetForm, score_field_name(criterion),
                SelectField(f"{criterion.code}. {criterion.title}", choices=choices, validate_choice=False))
    return SheetForm


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

    lecturer_id = SelectField(_l("Lecturer"), coerce=id_or_none, choices=[], validate_choice=False)
    observer_id = SelectField(_l("Observer"), coerce=id_or_none, choices=[], validate_choice=False)
    state = SelectField(_l("State"), default="",
                        choices=options([("", "—")] + [(s.value, s.label) for s in ObservationState]))
    kind = SelectField(_l("Type"), default="",
                       choices=options([("", "—")] + [(k.value, k.label) for k in ObservationKind]))
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])


# --- rubric authoring -------------------------------------------------------------------------

_POINTS = re.compile(r"^\d{1,4}(?:[.,]\d+)?$")
CODE = Regexp(r"^[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*$",
              message=_l("Use letters and digits, separated by dots (for example 2.1 or II)."))
STEPS = ("0.25", "0.5", "1")


def _decimal_or_none(value):
    """Coerce for the step select: anything that is not a number is not a valid choice."""
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


class PointsField(DecimalField):
    """Points typed the Vietnamese way ("1,5") or the English way ("1.5"), at most two decimals.
    A text box with a decimal keypad on phones; what was typed is shown back on an error."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, places=None, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        try:
            if not _POINTS.match(text):
                raise InvalidOperation
            self.data = Decimal(text.replace(",", "."))
        except InvalidOperation as exc:
            self.data = None
            raise ValueError(self.gettext("Enter a number such as 1.5 or 0.25.")) from exc
        if self.data.as_tuple().exponent < -2:
            self.data = None
            raise ValueError(self.gettext("Use at most two decimal places."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format_decimal(self.data, format="0.##")


class RubricForm(BaseForm):
    name = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=300)],
                       description=_l("For example: Phiếu đánh giá giờ giảng lý luận chính trị"))
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=300)])


class DomainForm(BaseForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=16), CODE],
                       description=_l("Its number on the form, for example 2 or II."))
    title = StringField(_l("Title (Vietnamese)"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=300)])

    def values(self) -> dict:
        return {name: self[name].data or "" for name in ("code", "title", "title_en")}


class CriterionForm(BaseForm):
    domain_id = SelectField(_l("Domain"), coerce=int, choices=[])
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=16), CODE],
                       description=_l("Unique in this version, for example 2.1."))
    title = TextAreaField(_l("Wording (Vietnamese)"), validators=[DataRequired(), Length(max=500)],
                          render_kw={"rows": 3})
    title_en = TextAreaField(_l("Wording (English)"), validators=[Optional(), Length(max=500)],
                             render_kw={"rows": 3})
    max_points = PointsField(_l("Maximum points"), validators=[
        InputRequired(), NumberRange(min=Decimal("0.25"), max=100, message=_l("Between 0.25 and 100 points."))])
    step = SelectField(_l("Step"), coerce=_decimal_or_none, default=Decimal("0.25"), choices=[],
                       description=_l("Observers score in steps of this size; the maximum must be a whole number "
                                      "of steps."))
    is_critical = BooleanField(_l("Critical: a zero here makes the lesson Unsatisfactory"))
    descriptors = TextAreaField(_l("Level descriptors (optional)"), validators=[Optional(), Length(max=5000)],
                                description=_l("One level per line, for example: 2 đ: liên hệ sát thực tiễn địa "
                                               "phương."), render_kw={"rows": 4})

    def __init__(self, *args, domains=(), locale: str = "vi", **kwargs):
        super().__init__(*args, **kwargs)
        self.domain_id.choices = options((d.id, f"{d.code}. {d.display_title(locale)}") for d in domains)
        steps = [Decimal(step) for step in STEPS]
        if isinstance(self.step.data, Decimal) and self.step.data not in steps:
            steps.append(self.step.data)  # keep an unusual step of a copied criterion
        self.step.choices = options((str(step.normalize()), format_decimal(step, format="0.##")) for step in steps)

    def values(self) -> dict:
        texts = {name: self[name].data or "" for name in ("code", "title", "title_en", "descriptors")}
        return {**texts, "max_points": self.max_points.data, "step": self.step.data,
                "is_critical": self.is_critical.data}


def _band(rating: Rating) -> PointsField:
    return PointsField(_l("Minimum total for %(rating)s", rating=rating.label), validators=[
        InputRequired(), NumberRange(min=0, max=1000, message=_l("Between 0 and 1000 points."))])


class BandsForm(BaseForm):
    """The three minimums; a total below the Satisfactory minimum is Unsatisfactory."""

    excellent = _band(Rating.EXCELLENT)
    good = _band(Rating.GOOD)
    satisfactory = _band(Rating.SATISFACTORY)

    def minimums(self) -> dict[str, Decimal]:
        return {code: self[code].data for code in ("excellent", "good", "satisfactory")}


class ConsolidationForm(BaseForm):
    consolidation_method = RadioField(_l("How to consolidate the sheets of an observation"),
                                      choices=ConsolidationMethod.choices(), validators=[InputRequired()],
                                      description=_l("With fewer than 5 submitted sheets the mean is always used."))


class PracticeForm(OnceForm):
    lecturer_id = SelectField(_l("Lecturer"), coerce=int, choices=[])
    topic_id = SelectField(_l("Topic"), coerce=id_or_none, choices=[])
    topic_text = StringField(_l("Topic (free text, if not in the list)"), validators=[Optional(), Length(max=300)])
    purpose = SelectField(_l("Purpose"), choices=PracticePurpose.choices())
    audience = StringField(_l("Audience assumed"), validators=[Optional(), Length(max=300)],
                           description=_l("Who the lecture is meant for, e.g. đảng viên mới."))
    allowed_minutes = IntegerField(_l("Allowed duration (minutes)"), default=45,
                                   validators=[InputRequired(), NumberRange(1, 600)])
    date = DateField(_l("Date"), validators=[InputRequired()])
    version_id = SelectField(_l("Rubric (scores are optional)"), coerce=int, choices=[])
    attendee_ids = SelectMultipleField(_l("Invited attendees"), coerce=int, choices=[], validators=[DataRequired()],
                                       description=_l("Centre leaders, board leaders and colleagues."))
    chair_id = SelectField(_l("Chair"), coerce=id_or_none, choices=[])


class SelfAssessmentForm(BaseForm):
    self_assessment = TextAreaField(_l("Your self-assessment"), validators=[DataRequired(), Length(max=TEXT_LIMIT)])
    actual_minutes = IntegerField(_l("Actual duration (minutes)"), validators=[Optional(), NumberRange(1, 600)])


class VerdictForm(BaseForm):
    verdict = RadioField(_l("Verdict"), choices=PracticeVerdict.choices(), validators=[InputRequired()])
    rehearse_by = DateField(_l("Rehearse again by"), validators=[Optional()],
                            description=_l("Needed when the lecturer rehearses again: the follow-up is scheduled "
                                           "with the same attendees."))
    actual_minutes = IntegerField(_l("Actual duration (minutes)"), validators=[Optional(), NumberRange(1, 600)])
    debrief = TextAreaField(_l("Debrief (rút kinh nghiệm)"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    action_points = TextAreaField(_l("Agreed action points for the lecturer"),
                                  validators=[Optional(), Length(max=TEXT_LIMIT)])
