"""Pages of the meetings blueprint: the minutes, their sections, action items, the report."""
from datetime import datetime

from flask import Blueprint
from flask_babel import format_datetime

bp = Blueprint("meetings", __name__)

from meetings.enums import ActionStatus, AmendmentTarget, AttendanceStatus, MinutesState  # noqa: E402
from meetings.views import minutes, reports, sections  # noqa: E402,F401  (routes)


def meetings_of(lecturer):
    """For the lecturer page: their attendance, the content updates for their topics and their
    open action items, or None when the signed-in user may not see the lecturer."""
    from flask_login import current_user

    from lecturers.permissions import can_view_lecturer
    from meetings.queries import lecturer_meetings

    if not current_user.is_authenticated or not can_view_lecturer(current_user, lecturer):
        return None
    from core.models import utcnow

    return lecturer_meetings(lecturer, today=utcnow().date())


def _clock(value: datetime | None) -> str:
    """A stored UTC time as the local hour and minute, e.g. 07:30."""
    return format_datetime(value, "HH:mm") if value else ""


def _register_globals(state) -> None:
    state.app.jinja_env.globals.update(
        MinutesState=MinutesState, AttendanceStatus=AttendanceStatus, ActionStatus=ActionStatus,
        AmendmentTarget=AmendmentTarget, meetings_of=meetings_of)
    state.app.jinja_env.filters["clock"] = _clock


bp.record_once(_register_globals)
