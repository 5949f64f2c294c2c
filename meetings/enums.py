"""Codes of the meetings feature, each with a translated label; minutes states with their
allowed transitions."""
from flask_babel import lazy_pgettext as pgettext  # lazy; named so extraction sees pgettext(context, msgid)

from core.i18n import LabelledEnum
from core.i18n import lazy_gettext as _l


class MinutesState(LabelledEnum):
    """draft → approved (the chair signs off). Approved minutes are locked: corrections are
    amendments with a reason."""

    DRAFT = "draft", _l("Draft")
    APPROVED = "approved", pgettext("minutes", "Approved")  # lesson plans' "Approved" reads differently


MINUTES_TRANSITIONS = {
    MinutesState.DRAFT: {MinutesState.APPROVED},
    MinutesState.APPROVED: set(),
}


class AttendanceStatus(LabelledEnum):
    EXPECTED = "expected", _l("Not recorded")
    PRESENT = "present", pgettext("attendance", "Present")
    EXCUSED = "excused", _l("Absent with reason")
    UNEXCUSED = "unexcused", _l("Absent without reason")


RECORDED_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED)


class ActionStatus(LabelledEnum):
    """An action item is open until it is closed, once, as done or dropped."""

    OPEN = "open", pgettext("action item", "Open")
    DONE = "done", pgettext("action item", "Done")
    DROPPED = "dropped", pgettext("action item", "Dropped")


CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.DROPPED)


class AmendmentTarget(LabelledEnum):
    """What an amendment of approved minutes corrects."""

    CONCLUSION = "conclusion", _l("Conclusion of the chair")
    AGENDA_CONCLUSION = "agenda_conclusion", _l("Conclusion of an agenda item")
    CONTENT_UPDATE = "content_update", _l("Content update")
    ATTENDANCE = "attendance", _l("Attendance")
    NOTE = "note", _l("Other correction")
