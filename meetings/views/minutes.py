"""The minutes themselves: open, read, edit the details, approve, amend, export."""
from __future__ import annotations

from datetime import time

from flask import Response, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import current_unit
from accounts.models import User
from core.errors import DomainError
from core.extensions import db
from core.forms import EmptyForm, options, render_form, show_error
from core.models import utcnow
from core.permissions import authenticated, require, roles_required
from meetings import exports, presenters, queries, services
from meetings.enums import AmendmentTarget, MinutesState
from meetings.forms import AmendForm, MeetingForm
from meetings.permissions import can_amend_meeting, can_approve_meeting, can_edit_meeting, can_open_meeting
from meetings.views import bp
from meetings.views.common import KEEPERS, back_to, load_meeting, people_choices, render_detail


@bp.route("/meetings/new", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def meeting_create():
    unit = current_unit()
    require(can_open_meeting(current_user, unit))
    form = MeetingForm()
    people_choices(form, unit)
    if request.method == "GET":
        _defaults(form, unit)
    if form.validate_on_submit():
        values = form.values()
        try:
            meeting = services.open_meeting(
                unit=unit, month=values["month"], number=values["number"], starts_at=values["starts_at"],
                ends_at=values["ends_at"], place=values["place"], chair=db.session.get(User, values["chair_id"]),
                secretary=db.session.get(User, values["secretary_id"]), actor=current_user,
                now=utcnow())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Minutes opened: the expected attendees, open action items and observations to discuss "
                    "are filled in."), "success")
            return back_to(meeting)
    return render_form("meetings/meeting_form.html", form, unit=unit, meeting=None)


def _defaults(form: MeetingForm, unit) -> None:
    today = utcnow().date()
    month = services.free_month(unit.id, today)
    form.month.data = month
    form.number.data = services.suggested_number(unit.id, month)
    form.held_on.data = today if month == today.replace(day=1) else month
    form.start_time.data = time(7, 30)
    form.place.data = queries.last_place(unit.id)
    directors = [choice.value for choice in form.chair_id.choices]
    form.chair_id.data = current_user.id if current_user.id in directors else (directors[0] if directors else None)
    secretaries = [choice.value for choice in form.secretary_id.choices]
    form.secretary_id.data = current_user.id if current_user.id in secretaries else None


@bp.get("/meetings/<int:meeting_id>")
@authenticated
def meeting_detail(meeting_id: int):
    return render_detail(load_meeting(meeting_id))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@authenticated
def meeting_edit(meeting_id: int):
    meeting = load_meeting(meeting_id)
    require(can_edit_meeting(current_user, meeting))
    form = MeetingForm(obj=meeting if request.method == "GET" else None)
    people_choices(form, meeting.unit)
    if request.method == "GET":
        form.version.data = str(meeting.version)
        form.held_on.data, form.start_time.data = _local(meeting.starts_at)
        form.end_time.data = _local(meeting.ends_at)[1] if meeting.ends_at else None
    if form.validate_on_submit():
        try:
            services.update_meeting(meeting, values=form.values(), expected_version=form.expected_version(),
                                    actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            return render_template("meetings/meeting_form.html", form=form, unit=meeting.unit,
                                   meeting=meeting), error.status
        db.session.commit()
        flash(_("Minutes saved."), "success")
        return back_to(meeting)
    return render_form("meetings/meeting_form.html", form, unit=meeting.unit, meeting=meeting)


def _local(value):
    from flask_babel import to_user_timezone

    local = to_user_timezone(value)
    return local.date(), local.time().replace(second=0, microsecond=0)


@bp.post("/meetings/<int:meeting_id>/approve")
@authenticated
def meeting_approve(meeting_id: int):
    meeting = load_meeting(meeting_id)
    if meeting.is_approved:
        flash(_("These minutes are already approved."), "info")
        return back_to(meeting)
    require(can_approve_meeting(current_user, meeting))
    if EmptyForm().validate_on_submit():
        try:
            services.set_meeting_state(meeting, MinutesState.APPROVED, actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return back_to(meeting)
        db.session.commit()
        flash(_("Minutes approved. They are now locked; corrections are recorded as amendments."), "success")
    return back_to(meeting)


@bp.route("/meetings/<int:meeting_id>/amend", methods=["GET", "POST"])
@authenticated
def meeting_amend(meeting_id: int):
    meeting = load_meeting(meeting_id)
    require(can_amend_meeting(current_user, meeting))
    page = presenters.minutes_page(meeting, today=utcnow().date())
    form = AmendForm()
    form.target.choices = options(_targets(page))
    if request.method == "GET":
        _prefill_amendment(form, page, request.args.get("target", ""))
    if form.validate_on_submit():
        kind, row_id = form.parsed_target()
        try:
            services.amend_meeting(meeting, target=kind, target_id=row_id,
                                   values={"text": form.text.data or "", "status": form.status.data or ""},
                                   reason=form.reason.data, actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Amendment recorded; the approved text stays in the history."), "success")
            return back_to(meeting, "history")
    return render_form("meetings/amend_form.html", form, meeting=meeting, page=page)


def _targets(page: presenters.MinutesPage) -> list[tuple[str, str]]:
    choices = [(AmendmentTarget.CONCLUSION.value, str(AmendmentTarget.CONCLUSION.label))]
    choices += [(f"{AmendmentTarget.AGENDA_CONCLUSION.value}:{item.id}",
                 _("Conclusion of item %(n)s: %(title)s", n=item.position, title=item.title))
                for item, _text, _amended in page.agenda]
    choices += [(f"{AmendmentTarget.CONTENT_UPDATE.value}:{update.id}",
                 _("Content update: %(title)s", title=update.title)) for update, _text, _amended in page.updates]
    choices += [(f"{AmendmentTarget.ATTENDANCE.value}:{line.attendance.id}",
                 _("Attendance: %(name)s", name=line.lecturer.full_name)) for line in page.attendance]
    choices.append((AmendmentTarget.NOTE.value, str(AmendmentTarget.NOTE.label)))
    return choices


def _prefill_amendment(form: AmendForm, page: presenters.MinutesPage, target: str) -> None:
    """``?target=agenda_conclusion:12`` preselects what to correct and starts from its current text."""
    current = {AmendmentTarget.CONCLUSION.value: page.conclusion}
    current.update({f"{AmendmentTarget.AGENDA_CONCLUSION.value}:{item.id}": text for item, text, _a in page.agenda})
    current.update({f"{AmendmentTarget.CONTENT_UPDATE.value}:{update.id}": text for update, text, _a in page.updates})
    for line in page.attendance:
        current[f"{AmendmentTarget.ATTENDANCE.value}:{line.attendance.id}"] = line.reason
    if target in current or target == AmendmentTarget.NOTE.value:
        form.target.data = target
        form.text.data = current.get(target, "")
        line = next((l for l in page.attendance if f"attendance:{l.attendance.id}" == target), None)
        form.status.data = line.status.value if line else ""


@bp.get("/meetings/<int:meeting_id>/minutes.docx")
@authenticated
def minutes_docx(meeting_id: int):
    meeting = load_meeting(meeting_id)
    page = presenters.minutes_page(meeting, today=utcnow().date())
    return _download(exports.minutes_docx(page), exports.DOCX_MIMETYPE,
                     exports.filename(meeting, "docx"))


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
@authenticated
def minutes_pdf(meeting_id: int):
    meeting = load_meeting(meeting_id)
    page = presenters.minutes_page(meeting, today=utcnow().date())
    return _download(exports.minutes_pdf(page), "application/pdf",
                     exports.filename(meeting, "pdf"))


def _download(data: bytes, mimetype: str, name: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
