"""Shapes minutes for their page, the .docx and PDF exports and the API: the values in effect
after amendments, attendance grouped the way minutes list it, and the action items carried
from earlier meetings with their status at this meeting."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lecturers.enums import LecturerKind
from meetings import queries
from meetings.enums import ActionStatus, AmendmentTarget, AttendanceStatus
from meetings.models import ActionItem, AgendaItem, Attendance, ContentUpdate, Meeting, MeetingAmendment


@dataclass(frozen=True)
class AttendanceLine:
    attendance: Attendance
    status: AttendanceStatus
    reason: str
    amended: bool

    @property
    def lecturer(self):
        return self.attendance.lecturer


@dataclass(frozen=True)
class CarriedItem:
    item: ActionItem
    closed_here: bool  # closed at this meeting
    closed_later: bool  # still open at this meeting, closed since

    @property
    def status_here(self) -> ActionStatus:
        return self.item.status if self.closed_here else ActionStatus.OPEN


@dataclass
class MinutesPage:
    meeting: Meeting
    today: date
    conclusion: str
    attendance: list[AttendanceLine]
    agenda: list[tuple[AgendaItem, str, bool]]  # (item, conclusion in effect, amended)
    updates: list[tuple[ContentUpdate, str, bool]]  # (update, text in effect, amended)
    carried: list[CarriedItem]
    notes: list[MeetingAmendment] = field(default_factory=list)  # free corrections ("other")

    def with_status(self, *statuses: AttendanceStatus) -> list[AttendanceLine]:
        return [line for line in self.attendance if line.status in statuses]

    @property
    def present_full_time(self) -> list[AttendanceLine]:
        return [line for line in self.with_status(AttendanceStatus.PRESENT)
                if line.attendance.kind == LecturerKind.FULL_TIME]

    @property
    def present_adjunct(self) -> list[AttendanceLine]:
        return [line for line in self.with_status(AttendanceStatus.PRESENT)
                if line.attendance.kind != LecturerKind.FULL_TIME]

    @property
    def not_recorded(self) -> list[AttendanceLine]:
        return self.with_status(AttendanceStatus.EXPECTED)

    def counts(self) -> dict[str, int]:
        return {status.value: len(self.with_status(status)) for status in AttendanceStatus}

    def is_overdue(self, item: ActionItem) -> bool:
        return item.is_overdue(self.today)


def minutes_page(meeting: Meeting, *, today: date) -> MinutesPage:
    """``meeting`` loaded by ``queries.meeting_detail``."""
    corrected = meeting.corrections()

    def text_of(target: AmendmentTarget, row_id: int | None, original: str) -> tuple[str, bool]:
        values = corrected.get((target.value, row_id))
        return (values["text"], True) if values else (original, False)

    attendance = []
    for row in meeting.attendances:
        values = corrected.get((AmendmentTarget.ATTENDANCE.value, row.id))
        status, reason = (values["status"], values["reason"]) if values else (row.status, row.reason)
        attendance.append(AttendanceLine(row, AttendanceStatus(status), reason, values is not None))
    carried = [CarriedItem(item, closed_here=bool(item.closure and item.closure.meeting_id == meeting.id),
                           closed_later=bool(item.closure and item.closure.meeting_id != meeting.id))
               for item in queries.carried_action_items(meeting)]
    return MinutesPage(
        meeting=meeting, today=today,
        conclusion=text_of(AmendmentTarget.CONCLUSION, None, meeting.conclusion)[0],
        attendance=attendance,
        agenda=[(item, *text_of(AmendmentTarget.AGENDA_CONCLUSION, item.id, item.conclusion))
                for item in meeting.agenda_items],
        updates=[(update, *text_of(AmendmentTarget.CONTENT_UPDATE, update.id, update.body))
                 for update in meeting.content_updates],
        carried=carried,
        notes=[amendment for amendment in meeting.amendments if amendment.target == AmendmentTarget.NOTE])
