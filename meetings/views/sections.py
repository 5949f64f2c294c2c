"""Recording the sections of draft minutes: attendance, guests, agenda items, contributions,
content updates, action items; taking an entry out; closing an action item."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.errors import DomainError
from core.extensions import db
from core.forms import EmptyForm, record_id, safe_next, show_error
from core.models import utcnow
from core.permissions import authenticated, require, require_visible
from lecturers.models import Lecturer, Topic
from meetings import services
from meetings.forms import (ActionItemForm, AgendaItemForm, CloseActionForm, ContentUpdateForm, ContributionForm,
                            GuestForm, build_attendance_form)
from meetings.models import ActionItem, Meeting
from meetings.permissions import can_close_action_item, can_edit_meeting, can_view_action_item
from meetings.views import bp
from meetings.views.common import back_to, load_meeting, render_detail, section_forms


def _editable(meeting_id: int):
    meeting = load_meeting(meeting_id)
    require(can_edit_meeting(current_user, meeting))
    return meeting


def _refused(meeting, error: DomainError, form, name: str):
    """Re-show the minutes with the refused form, keeping what was typed."""
    db.session.rollback()
    show_error(form, error)
    return render_detail(meeting, error.status, **{name: form})


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@authenticated
def attendance(meeting_id: int):
    meeting = _editable(meeting_id)
    rows = list(meeting.attendances)
    form = build_attendance_form(rows)
    if request.method == "GET":
        form.version.data = str(meeting.version)
        for row in rows:
            getattr(form, f"status_{row.id}").data = None if row.status == "expected" else row.status
            getattr(form, f"reason_{row.id}").data = row.reason
    if form.validate_on_submit():
        try:
            statuses = form.statuses(others_present=request.form.get("others") == "present")
            services.record_attendance(meeting, statuses=statuses, expected_version=form.expected_version(),
                                       actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            return render_template("meetings/attendance_form.html", form=form, meeting=meeting,
                                   rows=rows), error.status
        db.session.commit()
        flash(_("Attendance saved."), "success")
        return back_to(meeting, "attendance")
    return render_template("meetings/attendance_form.html", form=form, meeting=meeting,
                           rows=rows), 422 if form.errors else 200


@bp.post("/meetings/<int:meeting_id>/guests")
@authenticated
def guest_add(meeting_id: int):
    meeting = _editable(meeting_id)
    form = GuestForm()
    if not form.validate_on_submit():
        return render_detail(meeting, 422, guest_form=form)
    try:
        services.add_guest(meeting, full_name=form.full_name.data, position=form.position.data or "",
                           actor=current_user, now=utcnow())
    except DomainError as error:
        return _refused(meeting, error, form, "guest_form")
    db.session.commit()
    return back_to(meeting, "attendance")


@bp.post("/meetings/<int:meeting_id>/agenda")
@authenticated
def agenda_add(meeting_id: int):
    meeting = _editable(meeting_id)
    form = AgendaItemForm()
    if not form.validate_on_submit():
        return render_detail(meeting, 422, agenda_form=form)
    try:
        services.add_agenda_item(meeting, title=form.title.data, summary=form.summary.data or "",
                                 conclusion=form.conclusion.data or "", actor=current_user, now=utcnow())
    except DomainError as error:
        return _refused(meeting, error, form, "agenda_form")
    db.session.commit()
    return back_to(meeting, "agenda")


@bp.route("/meetings/<int:meeting_id>/agenda/<int:agenda_id>", methods=["GET", "POST"])
@authenticated
def agenda_edit(meeting_id: int, agenda_id: int):
    meeting = _editable(meeting_id)
    item = next((item for item in meeting.agenda_items if item.id == agenda_id), None)
    require_visible(item is not None)
    form = AgendaItemForm(obj=item if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = str(meeting.version)
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            services.update_agenda_item(item, title=form.title.data, summary=form.summary.data or "",
                                        conclusion=form.conclusion.data or "",
                                        expected_version=form.expected_version(), actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            db.session.commit()
            flash(_("Agenda item saved."), "success")
            return back_to(meeting, f"agenda-{item.id}")
    return render_template("meetings/agenda_form.html", form=form, meeting=meeting, item=item), status


@bp.post("/meetings/<int:meeting_id>/contributions")
@authenticated
def contribution_add(meeting_id: int):
    meeting = _editable(meeting_id)
    form = ContributionForm()
    section_forms(meeting, contribution_form=form)
    item = next((item for item in meeting.agenda_items if item.id == form.agenda_id.data), None)
    if not form.validate_on_submit() or item is None:
        if item is None:
            form.agenda_id.errors = [*form.agenda_id.errors, _("Add an agenda item first, then choose it.")]
        return render_detail(meeting, 422, contribution_form=form)
    try:
        services.add_contribution(item, speaker=form.speaker.data, content=form.content.data, actor=current_user,
                                  now=utcnow())
    except DomainError as error:
        return _refused(meeting, error, form, "contribution_form")
    db.session.commit()
    return back_to(meeting, f"agenda-{item.id}")


@bp.post("/meetings/<int:meeting_id>/updates")
@authenticated
def update_add(meeting_id: int):
    meeting = _editable(meeting_id)
    form = ContentUpdateForm()
    section_forms(meeting, update_form=form)
    if not form.validate_on_submit():
        return render_detail(meeting, 422, update_form=form)
    try:
        topics = [db.session.get(Topic, topic_id) for topic_id in form.topic_ids.data]
        services.add_content_update(meeting, title=form.title.data, body=form.body.data or "",
                                    topics=[topic for topic in topics if topic], actor=current_user, now=utcnow())
    except DomainError as error:
        return _refused(meeting, error, form, "update_form")
    db.session.commit()
    return back_to(meeting, "updates")


@bp.post("/meetings/<int:meeting_id>/actions")
@authenticated
def action_add(meeting_id: int):
    meeting = _editable(meeting_id)
    form = ActionItemForm()
    section_forms(meeting, action_form=form)
    if not form.validate_on_submit():
        return render_detail(meeting, 422, action_form=form)
    try:
        services.add_action_item(meeting, description=form.description.data,
                                 owner=db.session.get(Lecturer, form.owner_id.data), due_on=form.due_on.data,
                                 actor=current_user, now=utcnow())
    except DomainError as error:
        return _refused(meeting, error, form, "action_form")
    db.session.commit()
    return back_to(meeting, "actions")


@bp.post("/meetings/<int:meeting_id>/remove/<kind>/<int:row_id>")
@authenticated
def row_remove(meeting_id: int, kind: str, row_id: int):
    meeting = _editable(meeting_id)
    require_visible(kind in services.ROWS)
    if EmptyForm().validate_on_submit():
        services.remove_row(meeting, kind, row_id, actor=current_user, now=utcnow())
        db.session.commit()
        flash(_("Entry removed from the draft minutes."), "success")
    return back_to(meeting, _ANCHORS[kind])


_ANCHORS = {"guest": "attendance", "agenda": "agenda", "contribution": "agenda", "update": "updates",
            "action": "actions"}


@bp.post("/meetings/actions/<int:action_id>/close")
@authenticated
def action_close(action_id: int):
    item = db.get_or_404(ActionItem, action_id)
    require_visible(can_view_action_item(current_user, item))
    require(can_close_action_item(current_user, item))
    form = CloseActionForm()
    if form.validate_on_submit():
        try:
            services.close_action_item(item, status=form.status.data, note=form.note.data or "", actor=current_user,
                                       now=utcnow(), meeting=_draft_meeting(form.meeting_id.data))
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Action item closed."), "success")
            return redirect(_back(form))
    # Refused: the item and the form again, with the reason and the note as typed.
    return render_template("meetings/action_close.html", item=item, form=form, back=_back(form)), 422


def _draft_meeting(raw: str | None) -> Meeting | None:
    """The draft minutes at which the item is being closed, when closed from their page."""
    try:
        meeting = db.session.get(Meeting, record_id(raw)) if raw else None
    except ValueError:
        return None
    return meeting if meeting is not None and can_edit_meeting(current_user, meeting) else None


def _back(form: CloseActionForm) -> str:
    """Back to the page the item was closed from: the minutes, the action list or the lecturer page."""
    return safe_next(form.next.data, url_for("meetings.action_list"))
