"""Forms of contests: the contest, a component, a judge, an entry, a document, a conflict,
a judge's marks (built from the contest's components), an outside result."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from contests.enums import Aggregation, ConflictReason, ContestLevel, Eligibility, Prize
from contests.models import Contest
from core import uploads
from core.forms import BaseForm, OnceForm, id_or_none, options
from core.i18n import lazy_gettext as _l
from reviews import scoring

QUOTA_HINT = _l("Empty: all remaining entries.")


class ContestForm(OnceForm):
    name = StringField(_l("Name of the contest"), validators=[DataRequired(), Length(max=300)])
    level = SelectField(_l("Level"), choices=ContestLevel.choices())
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(1945, 2200)])
    starts_on = DateField(_l("From"), validators=[Optional()])
    ends_on = DateField(_l("To"), validators=[Optional()])
    eligibility = SelectField(_l("Who may enter"), choices=Eligibility.choices())
    aggregation = SelectField(_l("Combining the judges' marks"), choices=Aggregation.choices())
    tie_break = StringField(_l("Tie-break order (component codes)"), default="lecture, plan",
                            description=_l("Codes separated by commas, the first decides first."),
                            validators=[Length(max=200)])
    quota_first = IntegerField(_l("First prizes"), default=1, validators=[Optional(), NumberRange(0, 10_000)],
                               description=QUOTA_HINT)
    quota_second = IntegerField(_l("Second prizes"), default=2, validators=[Optional(), NumberRange(0, 10_000)],
                                description=QUOTA_HINT)
    quota_third = IntegerField(_l("Third prizes"), default=3, validators=[Optional(), NumberRange(0, 10_000)],
                               description=QUOTA_HINT)
    quota_consolation = IntegerField(_l("Consolation prizes"), validators=[Optional(), NumberRange(0, 10_000)],
                                     description=QUOTA_HINT)

    def values(self) -> dict:
        return {"name": self.name.data, "level": self.level.data, "year": self.year.data,
                "starts_on": self.starts_on.data, "ends_on": self.ends_on.data, "eligibility": self.eligibility.data,
                "aggregation": self.aggregation.data,
                "tie_break": [code.strip() for code in (self.tie_break.data or "").split(",") if code.strip()],
                "prize_quotas": {code: getattr(self, f"quota_{code}").data
                                 for code in ("first", "second", "third", "consolation")}}


class _Prefixed(BaseForm):
    PREFIX = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.PREFIX)
        super().__init__(*args, **kwargs)


class ComponentForm(_Prefixed):
    PREFIX = "component"
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)],
                       description=_l("e.g. plan, lecture, qa, scenario, written"))
    name = StringField(_l("Component"), validators=[DataRequired(), Length(max=200)])
    max_points = StringField(_l("Maximum points"), default="20", validators=[DataRequired(), Length(max=10)])
    weight = StringField(_l("Weight (coefficient)"), default="1", validators=[DataRequired(), Length(max=10)])
    time_limit_minutes = IntegerField(_l("Time limit (minutes)"), validators=[Optional(), NumberRange(1, 600)])
    rubric_version_id = SelectField(_l("Scored on a rubric"), choices=[], coerce=id_or_none,
                                    description=_l("Empty: each judge gives one mark. With a rubric, judges score "
                                                   "its criteria and the total is scaled to the maximum points."))

    def values(self) -> dict:
        return {"code": self.code.data, "name": self.name.data, "max_points": self.max_points.data,
                "weight": self.weight.data, "time_limit_minutes": self.time_limit_minutes.data,
                "rubric_version_id": self.rubric_version_id.data}


class JudgeForm(_Prefixed):
    PREFIX = "judge"
    user_id = SelectField(_l("Judge"), coerce=int, validators=[InputRequired()])


class EntryForm(_Prefixed):
    PREFIX = "entry"
    lecturer_id = SelectField(_l("Lecturer"), coerce=int, validators=[InputRequired()])
    topic = StringField(_l("Topic of the lecture"), validators=[DataRequired(), Length(max=300)])


class DocumentForm(_Prefixed):
    PREFIX = "document"
    title = StringField(_l("Document title"), validators=[Length(max=200)])
    file = FileField(_l("File"), render_kw={"accept": uploads.ACCEPT})


class ConflictForm(_Prefixed):
    PREFIX = "conflict"
    reason = SelectField(_l("Reason"), choices=ConflictReason.choices())
    note = StringField(_l("Note"), validators=[Length(max=1000)])


def mark_field_name(code: str) -> str:
    return f"mark_{code}"


def criterion_field_name(code: str, criterion_code: str) -> str:
    """The field of one rubric criterion of component ``code`` (dots kept out of the name)."""
    return f"mark_{code}__{criterion_code.replace('.', '_')}"


def submitted_marks(form: BaseForm, contest: Contest) -> dict[str, object]:
    """The marks as typed, by component code: a number, or ``{criterion code: score}`` for a
    component scored on a rubric."""
    return {component.code: {criterion.code: getattr(form, criterion_field_name(component.code, criterion.code)).data
                             for criterion in component.rubric_version.criteria}
            if component.rubric_version is not None else getattr(form, mark_field_name(component.code)).data
            for component in contest.components}


def build_marks_form(contest: Contest, marks: dict[str, object] | None = None, **kwargs) -> BaseForm:
    """One field per component, named ``mark_<code>``, holding the judge's mark as typed."""

    class MarksForm(BaseForm):
        pass

    for component in contest.components:
        if component.rubric_version is not None:
            for criterion in component.rubric_version.criteria:  # only the rubric's steps are offered
                setattr(MarksForm, criterion_field_name(component.code, criterion.code), SelectField(
                    f"{component.name} · {criterion.code}. {criterion.title}",
                    choices=options([("", "—")] + [(str(v), str(v.normalize()))
                                                    for v in scoring.allowed_values(criterion.spec())]),
                    validators=[Optional()],
                    description=_l("0 to %(max)s points", max=criterion.max_points.normalize())))
            continue
        setattr(MarksForm, mark_field_name(component.code), StringField(
            component.name, validators=[Optional(), Length(max=10)],
            description=_l("0 to %(max)s, steps of 0.25", max=component.max_points.normalize()),
            render_kw={"inputmode": "decimal"}))
    form = MarksForm(**kwargs)
    if marks is not None and not form.is_submitted():
        for code, value in marks.items():
            if isinstance(value, dict):
                for criterion_code, score in value.items():
                    getattr(form, criterion_field_name(code, criterion_code)).data = str(score)
            else:
                getattr(form, mark_field_name(code)).data = str(value)
    return form


class OutsideResultForm(BaseForm):
    contest_name = StringField(_l("Contest"), validators=[DataRequired(), Length(max=300)])
    level = SelectField(_l("Level"), choices=ContestLevel.choices())
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(1945, 2200)])
    prize = SelectField(_l("Prize"), choices=options([("", _l("No prize"))] + [(p.value, p.label) for p in Prize]))
