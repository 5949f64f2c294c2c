"""Judging: a judge's marks for an entry, conflict declarations, and moving the phase."""
from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from contests import presenters, services
from contests.enums import ContestPhase
from contests.forms import ConflictForm, build_marks_form, criterion_field_name, mark_field_name, submitted_marks
from contests.permissions import can_change_phase, can_declare_contest_conflict, can_score_entry
from contests.views import bp
from contests.views.common import back_to, load_contest, load_entry, render_detail
from core.errors import DomainError
from core.extensions import db
from core.forms import EmptyForm, show_error
from core.models import utcnow
from core.permissions import authenticated, require

PHASE_MESSAGES = {ContestPhase.JUDGING: _("Judging has started."), ContestPhase.CLOSED: _("Judging is closed."),
                  ContestPhase.PUBLISHED: _("The results are published.")}


def _show_mark_error(form, contest, error: DomainError) -> None:
    """The refusal on the field it concerns: each refused criterion of a rubric component (the
    reason in words, the message above the form), or a single mark's field, else the form."""
    rubric = {c.code: c for c in contest.components if c.rubric_version is not None}
    if error.field in rubric:
        for criterion_code, reason in error.details.items():
            field = getattr(form, criterion_field_name(error.field, criterion_code), None)
            if field is not None:
                field.errors = [*field.errors, reason]
        form.form_errors.append(str(error.message))
        return
    show_error(form, DomainError(error.message, field=mark_field_name(error.field) if error.field else None,
                                 status=error.status))


def _render_marks(contest, entry, form, status: int = 200):
    return render_template("contests/marks_form.html", contest=contest, entry=entry, form=form), status


@bp.route("/contests/<int:contest_id>/entries/<int:entry_id>/marks", methods=["GET", "POST"])
@authenticated
def marks(contest_id: int, entry_id: int):
    contest = load_contest(contest_id)
    entry = load_entry(contest, entry_id)
    require(can_score_entry(current_user, entry))
    form = build_marks_form(contest, presenters.own_marks(entry, current_user.id, breakdown=True))
    if form.validate_on_submit():
        try:
            services.save_marks(entry, judge=current_user, marks=submitted_marks(form, contest), now=utcnow())
        except DomainError as error:
            db.session.rollback()
            _show_mark_error(form, contest, error)
            return _render_marks(contest, entry, form, error.status)
        db.session.commit()
        flash(_("Marks saved."), "success")
        return back_to(contest, "entries")
    return _render_marks(contest, entry, form, 422 if form.is_submitted() else 200)


@bp.post("/contests/<int:contest_id>/entries/<int:entry_id>/conflict")
@authenticated
def conflict_declare(contest_id: int, entry_id: int):
    contest = load_contest(contest_id)
    entry = load_entry(contest, entry_id)
    require(can_declare_contest_conflict(current_user, entry))
    form = ConflictForm()
    if form.validate_on_submit():
        try:
            services.declare_conflict(entry, judge=current_user, reason=form.reason.data, note=form.note.data,
                                      now=utcnow())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            return render_template("contests/conflict_form.html", contest=contest, entry=entry,
                                   form=form), error.status
        db.session.commit()
        flash(_("Your conflict is recorded: you will not mark this entry."), "success")
        return back_to(contest, "entries")
    return render_template("contests/conflict_form.html", contest=contest, entry=entry, form=form), 422


@bp.post("/contests/<int:contest_id>/phase")
@authenticated
def phase(contest_id: int):
    contest = load_contest(contest_id)
    require(can_change_phase(current_user, contest))
    form = EmptyForm()
    new_phase = request.form.get("phase", "")
    if not form.validate_on_submit():
        return render_detail(contest, 400)
    try:
        warnings = services.set_contest_phase(contest, new_phase, actor=current_user, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return render_detail(load_contest(contest_id), error.status)
    db.session.commit()
    flash(PHASE_MESSAGES.get(new_phase, ""), "success")
    for code in warnings:
        flash(_("More entries share a prize than its quota allows (tied at the boundary): %(prize)s.",
                prize=code), "warning")
    return back_to(contest)
