"""Who may read, record, approve and amend minutes, close action items and read the reports.

Minutes are kept by the unit's secretary or director and read by the unit's staff
(director, secretary, reviewers) and its province's overseers; the chair approves. A
lecturer does not open the minutes: their attendance, the content updates for their topics
and their action items appear on their own page.
"""
from __future__ import annotations

from accounts.enums import STAFF_ROLES, Role
from accounts.models import Unit, User
from core.permissions import predicate
from meetings.models import ActionItem, Meeting

KEEPERS = frozenset({Role.DIRECTOR, Role.SECRETARY})


def _roles(user: User, unit: Unit) -> set[Role]:
    return user.roles_in(unit.id, unit.province_id)


@predicate
def can_list_meetings(user: User, unit: Unit) -> bool:
    return bool(_roles(user, unit) & STAFF_ROLES)


@predicate
def can_view_meeting(user: User, meeting: Meeting) -> bool:
    return can_list_meetings(user, meeting.unit)


@predicate
def can_open_meeting(user: User, unit: Unit) -> bool:
    return bool(_roles(user, unit) & KEEPERS)


@predicate
def can_edit_meeting(user: User, meeting: Meeting) -> bool:
    """The draft minutes are recorded by the unit's secretary or director."""
    return not meeting.is_approved and can_open_meeting(user, meeting.unit)


@predicate
def can_approve_meeting(user: User, meeting: Meeting) -> bool:
    """Only the meeting's chair signs the minutes off (the chair is a director of the unit)."""
    return not meeting.is_approved and meeting.chair_id == user.id and Role.DIRECTOR in _roles(user, meeting.unit)


@predicate
def can_amend_meeting(user: User, meeting: Meeting) -> bool:
    return meeting.is_approved and Role.DIRECTOR in _roles(user, meeting.unit)


@predicate
def can_view_action_item(user: User, item: ActionItem) -> bool:
    return item.owner.user_id == user.id or can_list_meetings(user, item.unit)


@predicate
def can_close_action_item(user: User, item: ActionItem) -> bool:
    """An open item is closed by the unit's secretary or director, or by its owner."""
    if not item.is_open:
        return False
    return item.owner.user_id == user.id or bool(_roles(user, item.unit) & KEEPERS)


@predicate
def can_view_meeting_report(user: User, unit: Unit) -> bool:
    """Attendance rates and missing months: the director, and the province's overseers."""
    return bool(_roles(user, unit) & {Role.DIRECTOR, Role.OVERSEER})
