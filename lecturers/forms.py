from __future__ import annotations

from datetime import date

from flask import current_app
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectChoice, SelectField,
                     SelectMultipleField, StringField, SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from core import uploads
from core.forms import BaseForm, OnceForm, id_or_none
from core.i18n import lazy_gettext as _l
from lecturers import lesson_plans
from lecturers.enums import ClassStatus, Degree, Gender, LecturerKind, PlanSection, TheoryLevel, WorkloadRole


def _blank(choices):
    return [SelectChoice("", "—"), *choices]


def _none_if_blank(value):
    """Coerce for optional selects: the blank choice means None. (A filter would run after
    coercion, so the blank choice would then fail WTForms' "Not a valid choice" check.)"""
    return value or None


class LecturerForm(OnceForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    birth_year = IntegerField(_l("Year of birth"), validators=[Optional(), NumberRange(1940, date.today().year - 18)])
    gender = SelectField(_l("Gender"), choices=_blank(Gender.choices()), coerce=_none_if_blank)
    kind = SelectField(_l("Kind"), choices=LecturerKind.choices())
    home_body = StringField(_l("Home body (for adjuncts)"), validators=[Optional(), Length(max=200)],
                            description=_l("For example: Ban Tổ chức, UBKT, MTTQ"))
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    workload_role = SelectField(_l("Teaching norm"), choices=WorkloadRole.choices())
    theory_level = SelectField(_l("Political-theory level"), choices=_blank(TheoryLevel.choices()),
                               coerce=_none_if_blank)
    degree = SelectField(_l("Degree"), choices=_blank(Degree.choices()), coerce=_none_if_blank)
    has_methods_certificate = BooleanField(_l("Holds a teaching-methods certificate"))
    start_date = DateField(_l("Start date"), validators=[Optional()])
    topic_ids = SelectMultipleField(_l("Topics they may teach"), coerce=int, choices=[])
    user_id = SelectField(_l("Linked user account"), coerce=lambda v: int(v) if v not in (None, "", "None") else None,
                          choices=[])
    is_active = BooleanField(_l("Active"), default=True)
    version = HiddenField()

    def values(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name not in ("csrf_token", "version")}


class ProgrammeForm(BaseForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])
    name = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=300)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=300)])
    is_active = BooleanField(_l("Active"), default=True)


class TopicForm(BaseForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    periods = IntegerField(_l("Periods"), default=4, validators=[InputRequired(), NumberRange(1, 60)])
    is_active = BooleanField(_l("Active"), default=True)


class ClassForm(BaseForm):
    programme_id = SelectField(_l("Programme"), coerce=int, choices=[])
    name = StringField(_l("Class name"), validators=[DataRequired(), Length(max=300)])
    start_date = DateField(_l("Start date"), validators=[InputRequired()])
    end_date = DateField(_l("End date"), validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    is_cluster = BooleanField(_l("Cluster class held at a commune"))
    learner_count = IntegerField(_l("Number of learners"), default=0, validators=[InputRequired(), NumberRange(0, 5000)])
    status = SelectField(_l("Status"), choices=ClassStatus.choices())

    def values(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class SessionForm(BaseForm):
    topic_id = SelectField(_l("Topic"), coerce=int, choices=[])
    lecturer_id = SelectField(_l("Lecturer"), coerce=int, choices=[])
    date = DateField(_l("Date"), validators=[InputRequired()])
    periods = IntegerField(_l("Periods"), default=4, validators=[InputRequired(), NumberRange(1, 20)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])

    def values(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class RosterImportForm(BaseForm):
    """Upload a roster; or, with ``token``, import the file a clean dry run kept."""

    file = FileField(_l("Roster file (.xlsx)"), description=_l("One row per lecturer, headings in row 1."),
                     render_kw={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    dry_run = BooleanField(_l("Dry run: check every row and write nothing"), default=True)
    token = HiddenField()

    def validate_file(self, field) -> None:
        if not field.data and not self.token.data:
            raise ValidationError(_l("Choose the .xlsx file to import."))


def _text_area(label, description=None, max_length: int = lesson_plans.MAX_TEXT, rows: int = 5):
    return TextAreaField(label, validators=[Optional(), Length(max=max_length)], description=description,
                         render_kw={"rows": rows})


class PlanForm(BaseForm):
    """The structured fields of a lesson plan's draft, and its file."""

    title = StringField(_l("Plan title"), validators=[DataRequired(), Length(max=lesson_plans.MAX_TITLE)])
    audience = StringField(_l("Intended audience"), validators=[Optional(), Length(max=lesson_plans.MAX_AUDIENCE)],
                           description=_l("Who the learners are and what they already know, for example: "
                                          "quần chúng ưu tú, đối tượng kết nạp Đảng."))
    duration_periods = IntegerField(_l("Duration (periods)"), validators=[Optional(), NumberRange(1, 60)],
                                    description=_l("In periods (tiết) of 45 minutes."))
    aims_knowledge = _text_area(_l("Aims: knowledge"))
    aims_skills = _text_area(_l("Aims: skills"))
    aims_attitude = _text_area(_l("Aims: attitude"))
    outline = _text_area(_l("Content outline and time split"),
                         _l("One part per line; end a line with its minutes to show the time split, for example: "
                            "“I. Bản chất của Đảng — 40 phút”."))
    methods = _text_area(_l("Teaching methods"))
    aids = _text_area(_l("Teaching aids"))
    readings = _text_area(_l("Readings"), _l("Required and further readings, one per line."))
    file = FileField(_l("Lesson plan file"), render_kw={"accept": uploads.ACCEPT})
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        megabytes = current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)
        self.file.description = _l("A .docx, .pdf or .pptx file of at most %(size)s MB. Documents with macros "
                                   "are refused.", size=megabytes)

    def values(self) -> dict:
        return {name: self[name].data for name in lesson_plans.PLAN_FIELDS}


class NewPlanForm(PlanForm, OnceForm):
    programme_id = SelectField(_l("Programme"), choices=[], coerce=id_or_none)
    topic_id = SelectField(_l("Topic"), choices=[], coerce=id_or_none,
                           description=_l("Teaching sessions of this topic count as prepared once the plan is "
                                          "approved."))


class PlanReviewForm(BaseForm):
    """A reviewer's comments on a version under review (each optional), and the decision."""

    general = _text_area(PlanSection.GENERAL.label, max_length=lesson_plans.MAX_COMMENT, rows=3)
    aims = _text_area(PlanSection.AIMS.label, max_length=lesson_plans.MAX_COMMENT, rows=3)
    outline = _text_area(PlanSection.OUTLINE.label, max_length=lesson_plans.MAX_COMMENT, rows=3)
    methods = _text_area(PlanSection.METHODS.label, max_length=lesson_plans.MAX_COMMENT, rows=3)
    aids = _text_area(PlanSection.AIDS.label, max_length=lesson_plans.MAX_COMMENT, rows=3)
    readings = _text_area(PlanSection.READINGS.label, max_length=lesson_plans.MAX_COMMENT, rows=3)
    file = _text_area(PlanSection.FILE.label, max_length=lesson_plans.MAX_COMMENT, rows=3)
    approve = SubmitField(_l("Approve"))
    request_changes = SubmitField(_l("Request changes"))
    comment_only = SubmitField(_l("Send comments only"))

    def comments(self) -> dict[str, str]:
        return {section.value: self[section.value].data or "" for section in PlanSection}

    def decision(self) -> str | None:
        """``approve``, ``request_changes``, or None for comments only."""
        return next((name for name in ("approve", "request_changes") if self[name].data), None)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.approve.data or self.request_changes.data or self.comment_only.data):
            self.form_errors.append(_l("Choose what to do: approve, request changes or send comments."))
            return False
        return True
