"""The contest list, creating a contest, and setting it up: components, judges, entries, documents."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import current_unit
from accounts.models import User
from contests import queries, services
from contests.forms import ComponentForm, ContestForm, DocumentForm, EntryForm, JudgeForm
from contests.permissions import (can_add_document, can_create_contest, can_edit_contest, can_list_contests, levels_for,
                                  organising_unit)
from contests.views import bp
from contests.views.common import back_to, detail_forms, load_contest, load_entry, render_detail
from core import uploads
from core.errors import DomainError
from core.extensions import db
from core.forms import already_submitted, AlreadySubmitted, claim_submission, options, remember_location, show_error
from core.models import utcnow
from core.permissions import authenticated, require
from lecturers.models import Lecturer


@bp.get("/contests")
@authenticated
def contest_list():
    unit = current_unit()
    require(can_list_contests(current_user, unit))
    return render_template("contests/contest_list.html", contests=queries.visible_contests(current_user),
                           may_create=can_create_contest(current_user, unit))


@bp.route("/contests/new", methods=["GET", "POST"])
@authenticated
def contest_create():
    unit = current_unit()
    require(can_create_contest(current_user, unit))
    form = ContestForm()
    form.level.choices = options((level.value, level.label) for level in levels_for(current_user, unit))
    if form.year.data is None and not form.is_submitted():
        form.year.data = utcnow().year
    if form.validate_on_submit():
        try:
            claim = claim_submission(form)
            contest = services.create_contest(unit=organising_unit(current_user, unit, form.level.data),
                                              values=form.values(), actor=current_user, now=utcnow())
        except AlreadySubmitted as repeat:
            return already_submitted(repeat, url_for("contests.contest_list"))
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            return render_template("contests/contest_form.html", form=form, unit=unit), error.status
        remember_location(claim, url_for("contests.contest_detail", contest_id=contest.id))
        db.session.commit()
        flash(_("Contest created. Add its components, judges and entries."), "success")
        return back_to(contest)
    status = 422 if form.is_submitted() else 200
    return render_template("contests/contest_form.html", form=form, unit=unit), status


@bp.get("/contests/<int:contest_id>")
@authenticated
def contest_detail(contest_id: int):
    return render_detail(load_contest(contest_id))


def _editable(contest_id: int):
    contest = load_contest(contest_id)
    require(can_edit_contest(current_user, contest))
    return contest


def _setup_post(contest, form, name: str, action, message: str, anchor: str):
    """Validate ``form``, call ``action`` (a service), commit; or re-show the page keeping the input."""
    detail_forms(contest, **{name: form})  # fills the choices before validation
    if form.validate_on_submit():
        try:
            action()
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            return render_detail(load_contest(contest.id), error.status, **{name: form})
        db.session.commit()
        flash(message, "success")
        return back_to(contest, anchor)
    return render_detail(contest, 422, **{name: form})


@bp.post("/contests/<int:contest_id>/components")
@authenticated
def component_add(contest_id: int):
    contest = _editable(contest_id)
    form = ComponentForm()
    return _setup_post(contest, form, "component_form", lambda: services.add_component(
        contest, values=form.values(), actor=current_user, now=utcnow()), _("Component added."), "components")


@bp.post("/contests/<int:contest_id>/judges")
@authenticated
def judge_add(contest_id: int):
    contest = _editable(contest_id)
    form = JudgeForm()
    return _setup_post(contest, form, "judge_form", lambda: services.add_judge(
        contest, user=db.session.get(User, form.user_id.data), actor=current_user, now=utcnow()),
        _("Judge added."), "judges")


@bp.post("/contests/<int:contest_id>/entries")
@authenticated
def entry_add(contest_id: int):
    contest = _editable(contest_id)
    form = EntryForm()
    return _setup_post(contest, form, "entry_form", lambda: services.add_entry(
        contest, lecturer=db.session.get(Lecturer, form.lecturer_id.data), topic=form.topic.data,
        actor=current_user, now=utcnow()), _("Entry added."), "entries")


@bp.post("/contests/<int:contest_id>/entries/<int:entry_id>/documents")
@authenticated
def document_add(contest_id: int, entry_id: int):
    contest = load_contest(contest_id)
    entry = load_entry(contest, entry_id)
    require(can_add_document(current_user, entry))
    form = DocumentForm()
    if not form.validate_on_submit():  # the reasons on the contest page (its upload form keeps only the file)
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return render_detail(load_contest(contest.id), 422)
    try:
        services.attach_document(entry, upload=uploads.read_upload(form.file.data), title=form.title.data,
                                 actor=current_user, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("contests.contest_detail", contest_id=contest.id, _anchor=f"entry-{entry.id}"))
    db.session.commit()
    flash(_("Document attached."), "success")
    return back_to(contest, f"entry-{entry.id}")
