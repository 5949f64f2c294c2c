"""Loading and rendering helpers shared by the meetings pages."""
from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_login import current_user

from accounts.enums import Role
from accounts.queries import unit_users
from core.forms import EmptyForm, options
from core.models import utcnow
from core.permissions import require_visible
from lecturers import queries as lecturer_queries
from meetings import presenters, queries
from meetings.forms import ActionItemForm, AgendaItemForm, ContentUpdateForm, ContributionForm, GuestForm, MeetingForm
from meetings.models import Meeting
from meetings.permissions import can_view_meeting
from meetings.services import SECRETARY_ROLES

STAFF = (Role.DIRECTOR, Role.REVIEWER, Role.SECRETARY, Role.OVERSEER)
KEEPERS = (Role.DIRECTOR, Role.SECRETARY)


def load_meeting(meeting_id: int) -> Meeting:
    """The minutes with everything their page shows, or 404 when they do not exist or the user
    may not know they exist (another unit's)."""
    meeting = queries.meeting_detail(meeting_id)
    if meeting is None:
        abort(404)
    require_visible(can_view_meeting(current_user, meeting))
    return meeting


def back_to(meeting: Meeting, anchor: str | None = None):
    return redirect(url_for("meetings.meeting_detail", meeting_id=meeting.id, _anchor=anchor))


def people_choices(form: MeetingForm, unit) -> None:
    users = [user for user in unit_users(unit.id) if user.is_enabled]
    form.chair_id.choices = options((u.id, u.full_name) for u in users if Role.DIRECTOR in u.roles_in(unit.id))
    form.secretary_id.choices = options((u.id, u.full_name) for u in users if u.roles_in(unit.id) & SECRETARY_ROLES)


def section_forms(meeting: Meeting, **given):
    """The forms the draft minutes' page offers, with their choices; ``given`` ones (carrying
    a user's input and errors) replace the blank ones."""
    forms = {"guest_form": GuestForm, "agenda_form": AgendaItemForm, "contribution_form": ContributionForm,
             "update_form": ContentUpdateForm, "action_form": ActionItemForm}
    built = {name: given.get(name) or form(formdata=None) for name, form in forms.items()}
    built["contribution_form"].agenda_id.choices = options(
        (item.id, f"{item.position}. {item.title}") for item in meeting.agenda_items)
    built["update_form"].topic_ids.choices = options(lecturer_queries.topic_choices(meeting.unit_id))
    built["action_form"].owner_id.choices = options(
        (lecturer.id, lecturer.full_name) for lecturer in lecturer_queries.active_lecturers(meeting.unit_id))
    built["button_form"] = EmptyForm(formdata=None)
    return built


def render_detail(meeting: Meeting, status: int = 200, **given):
    page = presenters.minutes_page(meeting, today=utcnow().date())
    return render_template("meetings/meeting_detail.html", page=page, meeting=meeting,
                           **section_forms(meeting, **given)), status
