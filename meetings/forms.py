"""Forms of the minutes: details, attendance (built from the expected attendees), guests,
agenda items, contributions, content updates, action items, closing an item, amendments.

Times are typed in the unit's local time (Asia/Ho_Chi_Minh) and stored in UTC."""
from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import to_utc
from wtforms import DateField, HiddenField, MonthField, RadioField, SelectField, SelectMultipleField, StringField, \
    TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.forms import BaseForm, options, record_id
from core.i18n import lazy_gettext as _l
from meetings.enums import ActionStatus, AttendanceStatus
from meetings.models import Attendance

TEXT_LIMIT = 20_000


def local_to_utc(day: date | None, clock: time | None) -> datetime | None:
    """A local date and time as the naive UTC datetime the database stores."""
    if day is None or clock is None:
        return None
    return to_utc(datetime.combine(day, clock)).replace(tzinfo=None)


class _Prefixed(BaseForm):
    """A form shown beside others on the minutes' page: its field names and ids carry
    ``PREFIX`` (``agenda-title``, ``update-title``) so they stay unique on the page."""

    PREFIX = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.PREFIX)
        super().__init__(*args, **kwargs)


class _Versioned(BaseForm):
    version = HiddenField()

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class MeetingForm(_Versioned):
    month = MonthField(_l("Month"), validators=[InputRequired()],
                       description=_l("The month whose regular meeting these minutes record."))
    number = StringField(_l("Number"), validators=[DataRequired(), Length(max=40)],
                         description=_l("The number of the minutes, e.g. 05-BB/TTCT."))
    held_on = DateField(_l("Date held"), validators=[InputRequired()])
    start_time = TimeField(_l("Start time"), validators=[InputRequired()])
    end_time = TimeField(_l("End time"), validators=[Optional()],
                         description=_l("Needed before the minutes can be approved."))
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    chair_id = SelectField(_l("Chair"), coerce=record_id, choices=[], validate_choice=False, validators=[InputRequired()],
                           description=_l("A director of the unit; the chair approves the minutes."))
    secretary_id = SelectField(_l("Secretary"), coerce=record_id, choices=[], validate_choice=False,
                               validators=[InputRequired()])
    conclusion = TextAreaField(_l("Conclusion of the chair"), validators=[Optional(), Length(max=TEXT_LIMIT)])

    def values(self) -> dict:
        return {"month": self.month.data, "number": self.number.data or "",
                "starts_at": local_to_utc(self.held_on.data, self.start_time.data),
                "ends_at": local_to_utc(self.held_on.data, self.end_time.data), "place": self.place.data or "",
                "chair_id": self.chair_id.data, "secretary_id": self.secretary_id.data,
                "conclusion": self.conclusion.data or ""}


def _recorded():
    return options((status.value, status.label) for status in AttendanceStatus if status != AttendanceStatus.EXPECTED)


class _AttendanceBase(_Versioned):
    rows: list[Attendance] = []

    def statuses(self, *, others_present: bool = False) -> dict[int, tuple[str, str]]:
        """Attendance id → (status, reason) for every row whose status was chosen; with
        ``others_present``, every row left unchosen counts as present."""
        chosen = {}
        for row in self.rows:
            status = getattr(self, f"status_{row.id}").data or (
                AttendanceStatus.PRESENT.value if others_present else None)
            if status:
                chosen[row.id] = (status, getattr(self, f"reason_{row.id}").data or "")
        return chosen


def build_attendance_form(rows: list[Attendance], **kwargs) -> _AttendanceBase:
    """One radio group (present / absent with reason / absent without reason) and one reason
    box per expected attendee."""

    class AttendanceForm(_AttendanceBase):
        pass

    AttendanceForm.rows = list(rows)
    for row in rows:
        setattr(AttendanceForm, f"status_{row.id}", RadioField(row.lecturer.full_name, choices=_recorded(),
                                                              validate_choice=False, validators=[Optional()]))
        setattr(AttendanceForm, f"reason_{row.id}", StringField(_l("Reason"), validators=[Optional(),
                                                                                         Length(max=300)]))
    return AttendanceForm(**kwargs)


class GuestForm(_Prefixed):
    PREFIX = "guest"
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    position = StringField(_l("Position and organisation"), validators=[Optional(), Length(max=300)],
                           description=_l("e.g. Deputy head of the district propaganda board"))


class AgendaItemForm(_Prefixed, _Versioned):
    PREFIX = "agenda"
    title = StringField(_l("Agenda item"), validators=[DataRequired(), Length(max=300)])
    summary = TextAreaField(_l("What was presented"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    conclusion = TextAreaField(_l("Conclusion"), validators=[Optional(), Length(max=TEXT_LIMIT)])


class ContributionForm(_Prefixed):
    PREFIX = "contribution"
    agenda_id = SelectField(_l("Agenda item"), coerce=record_id, choices=[], validate_choice=False,
                            validators=[InputRequired()])
    speaker = StringField(_l("Speaker"), validators=[DataRequired(), Length(max=200)])
    content = TextAreaField(_l("Contribution"), validators=[DataRequired(), Length(max=TEXT_LIMIT)])


class ContentUpdateForm(_Prefixed):
    PREFIX = "update"
    title = StringField(_l("Content update"), validators=[DataRequired(), Length(max=300)],
                        description=_l("e.g. the new resolution to bring into the lecture"))
    body = TextAreaField(_l("What lecturers must change"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    topic_ids = SelectMultipleField(_l("Topics"), coerce=record_id, choices=[], validators=[DataRequired()],
                                    description=_l("The lecturers of these topics see the update on their page."))


class ActionItemForm(_Prefixed):
    PREFIX = "action"
    description = TextAreaField(_l("Task"), validators=[DataRequired(), Length(max=2000)])
    owner_id = SelectField(_l("Owner"), coerce=record_id, choices=[], validate_choice=False, validators=[InputRequired()])
    due_on = DateField(_l("Due date"), validators=[InputRequired()])


class CloseActionForm(BaseForm):
    status = RadioField(_l("Close as"), choices=options([(ActionStatus.DONE.value, ActionStatus.DONE.label),
                                                         (ActionStatus.DROPPED.value, ActionStatus.DROPPED.label)]),
                        validators=[InputRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=1000)])
    meeting_id = HiddenField()
    next = HiddenField()


class AmendForm(BaseForm):
    target = SelectField(_l("What to correct"), choices=[], validate_choice=False)
    status = SelectField(_l("Attendance (for a correction of attendance)"), validators=[Optional()],
                         choices=options([("", "—")]) + _recorded())
    text = TextAreaField(_l("Corrected text"), validators=[Optional(), Length(max=TEXT_LIMIT)],
                         description=_l("The full corrected text; for attendance, the reason of an absence."))
    reason = TextAreaField(_l("Reason for the amendment"), validators=[DataRequired(), Length(max=TEXT_LIMIT)])

    def parsed_target(self) -> tuple[str, int | None]:
        kind, _sep, row_id = (self.target.data or "").partition(":")
        return kind, int(row_id) if row_id.isdigit() else None
