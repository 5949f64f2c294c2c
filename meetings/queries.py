"""Reads for meetings: lists and the minutes with everything they show, action items carried
from month to month, a lecturer's record, attendance rates and months without minutes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from core.extensions import db
from lecturers.models import Lecturer, Topic, lecturer_topic
from meetings.enums import AmendmentTarget, AttendanceStatus, MinutesState
from meetings.models import ActionClosure, ActionItem, AgendaItem, Attendance, ContentUpdate, Meeting, MeetingAmendment
from reviews.models import Observation


def meeting_query(unit_id: int):
    """A unit's minutes, newest month first, with what the list shows, in a fixed number of queries."""
    return (sa.select(Meeting).where(Meeting.unit_id == unit_id)
            .options(joinedload(Meeting.chair), joinedload(Meeting.secretary),
                     selectinload(Meeting.attendances), selectinload(Meeting.guests),
                     selectinload(Meeting.amendments),
                     selectinload(Meeting.action_items).selectinload(ActionItem.closure))
            .order_by(Meeting.month.desc(), Meeting.id.desc()))


def meeting_detail(meeting_id: int) -> Meeting | None:
    """The minutes with everything their page and exports show."""
    query = (sa.select(Meeting).where(Meeting.id == meeting_id)
             .options(joinedload(Meeting.unit), joinedload(Meeting.chair), joinedload(Meeting.secretary),
                      joinedload(Meeting.approved_by),
                      selectinload(Meeting.attendances).joinedload(Attendance.lecturer),
                      selectinload(Meeting.guests),
                      selectinload(Meeting.agenda_items).selectinload(AgendaItem.contributions),
                      selectinload(Meeting.content_updates).selectinload(ContentUpdate.topics),
                      selectinload(Meeting.action_items).joinedload(ActionItem.owner),
                      selectinload(Meeting.action_items).selectinload(ActionItem.closure)
                      .joinedload(ActionClosure.closed_by),
                      selectinload(Meeting.observations).joinedload(Observation.lecturer),
                      selectinload(Meeting.observations).joinedload(Observation.topic),
                      selectinload(Meeting.observations).selectinload(Observation.amendments),
                      selectinload(Meeting.amendments).joinedload(MeetingAmendment.by)))
    return db.session.scalar(query)


def last_place(unit_id: int) -> str:
    """Where the unit's latest meeting was held: the default place of the next one."""
    return db.session.scalar(sa.select(Meeting.place).where(Meeting.unit_id == unit_id)
                             .order_by(Meeting.month.desc()).limit(1)) or ""


def _with_item_details(query):
    return query.options(joinedload(ActionItem.owner), joinedload(ActionItem.meeting),
                         joinedload(ActionItem.closure).joinedload(ActionClosure.closed_by))


def carried_action_items(meeting: Meeting) -> list[ActionItem]:
    """Action items of earlier meetings still open when this one started (or closed at it):
    every meeting shows them until they are closed."""
    earlier = sa.select(Meeting.id).where(Meeting.unit_id == meeting.unit_id, Meeting.month < meeting.month)
    still_open = sa.or_(~ActionItem.closure.has(),
                        ActionItem.closure.has(sa.or_(ActionClosure.closed_at >= meeting.starts_at,
                                                      ActionClosure.meeting_id == meeting.id)))
    query = (sa.select(ActionItem).join(ActionItem.meeting)
             .where(ActionItem.unit_id == meeting.unit_id, ActionItem.meeting_id.in_(earlier), still_open)
             .order_by(ActionItem.due_on, ActionItem.id))
    return list(db.session.scalars(_with_item_details(query)))


@dataclass(frozen=True)
class ActionFilters:
    status: str | None = None  # "open", "overdue", "closed" or None for all
    owner_id: int | None = None


def action_item_query(unit_id: int, filters: ActionFilters = ActionFilters(), *, today: date | None = None):
    """A unit's action items: open ones first by due date, then closed ones, newest first."""
    query = sa.select(ActionItem).where(ActionItem.unit_id == unit_id)
    if filters.status in ("open", "overdue"):
        query = query.where(~ActionItem.closure.has())
    if filters.status == "overdue" and today is not None:
        query = query.where(ActionItem.due_on < today)
    if filters.status == "closed":
        query = query.where(ActionItem.closure.has())
    if filters.owner_id:
        query = query.where(ActionItem.owner_id == filters.owner_id)
    is_closed = sa.exists(sa.select(ActionClosure.id).where(ActionClosure.action_item_id == ActionItem.id))
    return _with_item_details(query).order_by(is_closed, ActionItem.due_on, ActionItem.id)


# --- a lecturer's page ------------------------------------------------------------------------


@dataclass(frozen=True)
class LecturerMeetings:
    today: date
    attendances: list[tuple[Attendance, str, str]]  # (row, status in effect, reason in effect), newest first
    updates: list[ContentUpdate]  # approved content updates for the lecturer's topics, newest first
    open_items: list[ActionItem]  # the lecturer's open action items, soonest due first

    @staticmethod
    def text_of(update: ContentUpdate) -> str:
        """The update's text in effect (amended where amended)."""
        corrected = update.meeting.corrections().get((AmendmentTarget.CONTENT_UPDATE.value, update.id))
        return corrected["text"] if corrected else update.body


def lecturer_meetings(lecturer: Lecturer, *, today: date, months: int = 12) -> LecturerMeetings:
    # Joined, not select-in: a meeting has few amendments and an update few topics, and the page
    # then runs the same queries whether or not there are any.
    attendance_query = (sa.select(Attendance).join(Attendance.meeting)
                        .where(Attendance.lecturer_id == lecturer.id)
                        .options(joinedload(Attendance.meeting).joinedload(Meeting.amendments))
                        .order_by(Meeting.month.desc()).limit(months))
    attendances = [(row, *_attendance_in_effect(row)) for row in db.session.scalars(attendance_query).unique()]
    topics = sa.select(lecturer_topic.c.topic_id).where(lecturer_topic.c.lecturer_id == lecturer.id)
    update_query = (sa.select(ContentUpdate).join(ContentUpdate.meeting)
                    .where(Meeting.unit_id == lecturer.unit_id, Meeting.state == MinutesState.APPROVED,
                           ContentUpdate.topics.any(Topic.id.in_(topics)))
                    .options(joinedload(ContentUpdate.topics),
                             joinedload(ContentUpdate.meeting).joinedload(Meeting.amendments))
                    .order_by(Meeting.month.desc(), ContentUpdate.id.desc()).limit(30))
    item_query = _with_item_details(sa.select(ActionItem).where(ActionItem.owner_id == lecturer.id,
                                                                ~ActionItem.closure.has())
                                    .order_by(ActionItem.due_on, ActionItem.id))
    updates = list(db.session.scalars(update_query).unique())
    return LecturerMeetings(today=today, attendances=attendances, updates=updates,
                            open_items=list(db.session.scalars(item_query)))


def _attendance_in_effect(row: Attendance) -> tuple[str, str]:
    corrected = row.meeting.corrections().get((AmendmentTarget.ATTENDANCE.value, row.id))
    return (corrected["status"], corrected["reason"]) if corrected else (row.status, row.reason)


# --- the director's report ----------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceRate:
    lecturer: Lecturer
    present: int
    excused: int
    unexcused: int

    @property
    def meetings(self) -> int:
        return self.present + self.excused + self.unexcused

    @property
    def percent(self) -> float | None:
        return round(self.present * 100 / self.meetings, 1) if self.meetings else None


def year_filter(year: int):
    return Meeting.month.between(date(year, 1, 1), date(year, 12, 1))


def attendance_rates(unit_id: int, year: int) -> list[AttendanceRate]:
    """Per lecturer, how often they were present at the unit's approved meetings of ``year``
    (amended attendance counts as amended), in the order of the unit's lecturer list."""
    query = (sa.select(Attendance).join(Attendance.meeting)
             .where(Meeting.unit_id == unit_id, Meeting.state == MinutesState.APPROVED, year_filter(year))
             .options(joinedload(Attendance.lecturer), joinedload(Attendance.meeting).selectinload(Meeting.amendments)))
    tally: dict[int, dict[str, int]] = {}
    lecturers: dict[int, Lecturer] = {}
    for row in db.session.scalars(query):
        status, _reason = _attendance_in_effect(row)
        lecturers[row.lecturer_id] = row.lecturer
        counts = tally.setdefault(row.lecturer_id, {value.value: 0 for value in AttendanceStatus})
        counts[status] += 1
    ordered = sorted(lecturers.values(), key=lambda lecturer: (lecturer.sort_key, lecturer.id))
    return [AttendanceRate(lecturer, tally[lecturer.id][AttendanceStatus.PRESENT],
                           tally[lecturer.id][AttendanceStatus.EXCUSED], tally[lecturer.id][AttendanceStatus.UNEXCUSED])
            for lecturer in ordered]


@dataclass(frozen=True)
class MonthRow:
    month: date
    meeting: Meeting | None
    is_due: bool  # the month has begun, and the unit kept minutes by then

    @property
    def is_missing(self) -> bool:
        return self.meeting is None and self.is_due


def months_of_year(unit_id: int, year: int, *, today: date) -> list[MonthRow]:
    """Every month of ``year`` with its minutes, if any. A month is missing when it has begun
    without minutes, from the unit's first minutes on (earlier months predate its records)."""
    meetings = {meeting.month: meeting for meeting in db.session.scalars(
        sa.select(Meeting).where(Meeting.unit_id == unit_id, year_filter(year)).options(joinedload(Meeting.chair)))}
    first = db.session.scalar(sa.select(sa.func.min(Meeting.month)).where(Meeting.unit_id == unit_id))
    start, end = first or date(year, 1, 1), today.replace(day=1)
    return [MonthRow(month, meetings.get(month), start <= month <= end)
            for month in (date(year, number, 1) for number in range(1, 13))]


def missing_months(unit_id: int, year: int, *, today: date) -> list[date]:
    return [row.month for row in months_of_year(unit_id, year, today=today) if row.is_missing]
