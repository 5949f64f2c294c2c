"""An observer's own scoresheet: fill, save (also by autosave), submit."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.db import reads_first
from core.errors import DomainError
from core.extensions import db
from core.forms import show_error
from core.models import utcnow
from core.permissions import authenticated
from reviews import practice, queries, services
from reviews.enums import PRACTICE_HEADINGS, SHEET_TEXTS, ObservationKind
from reviews.forms import build_sheet_form, score_field_name
from reviews.models import Sheet
from reviews.permissions import can_edit_sheet
from reviews.views import bp


def _own_sheet(observation_id: int) -> Sheet:
    """The user's own sheet of the observation, or 404 (an observer may see the observation:
    ``can_view_observation``)."""
    sheet = queries.own_sheet(observation_id, current_user.id)
    if sheet is None:
        abort(404)
    return sheet


def _sheet_to_change(observation_id: int) -> Sheet:
    """``_own_sheet`` for a save: read current, under the observation's lock, which is held to
    the end of the request's transaction (``services.sheet_to_change``). Until here a save reads
    without the SQLite writer lock (``@reads_first``)."""
    sheet = services.sheet_to_change(observation_id, current_user.id)
    if sheet is None:
        abort(404)
    return sheet


def _form_for(sheet, **kwargs):
    is_practice = sheet.observation.kind == ObservationKind.PRACTICE_LECTURE
    rubric = queries.frozen_version(sheet.observation.rubric_version_id)
    form = build_sheet_form(rubric, practice=is_practice, **kwargs)
    if request.method == "GET":
        if is_practice and sheet.practice_comment is not None:
            for heading in PRACTICE_HEADINGS:
                getattr(form, f"comment_{heading}").data = getattr(sheet.practice_comment, heading)
        scores = rubric.score_map(sheet.scores)
        for criterion in form.criteria:
            value = scores.get(criterion.code)
            getattr(form, score_field_name(criterion)).data = "" if value is None else \
                format(value.normalize(), "f")
        for name in SHEET_TEXTS:
            getattr(form, name).data = getattr(sheet, name)
        form.version.data = str(sheet.version)
    return form


def _save(sheet, form) -> None:
    """The draft's scores and texts, and at a practice lecture the comments by heading."""
    services.save_sheet(sheet, scores=form.scores(), texts=form.texts(), actor=current_user, now=utcnow(),
                        expected_version=form.expected_version())
    if sheet.observation.kind == ObservationKind.PRACTICE_LECTURE:
        practice.save_comments(sheet, comments=form.comments(), actor=current_user, now=utcnow())


def _render(sheet, form, status: int = 200):
    return render_template("reviews/sheet_form.html", sheet=sheet, observation=sheet.observation, form=form,
                           version=queries.rubric_version_for_sheet(sheet.observation.rubric_version_id)), status


def _closed(sheet):
    """A submitted sheet or a finalised observation: the observation's page, and what happened
    to a save."""
    if request.method == "POST" and sheet.is_submitted:
        flash(_("Your sheet was already submitted; nothing changed."), "info")
    elif request.method == "POST":
        flash(_("This observation was finalised before your sheet was submitted; nothing changed."), "warning")
    return redirect(url_for("reviews.observation_detail", observation_id=sheet.observation_id))


@bp.route("/observations/<int:observation_id>/sheet", methods=["GET", "POST"])
@reads_first
@authenticated
def sheet_edit(observation_id: int):
    sheet = _sheet_to_change(observation_id) if request.method == "POST" else _own_sheet(observation_id)
    if not can_edit_sheet(current_user, sheet):
        return _closed(sheet)
    form = _form_for(sheet)
    if not form.validate_on_submit():
        if form.is_submitted():
            db.session.rollback()  # the refused form is shown without holding the lock
        return _render(sheet, form, 422 if form.errors else 200)
    try:
        _save(sheet, form)
        if request.form.get("action") == "submit":
            services.submit_sheet(sheet, actor=current_user, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        form.version.data = str(sheet.version)  # saving again saves over what is stored now
        show_error(form, error)
        for criterion in form.criteria:
            if criterion.code in error.details:
                getattr(form, score_field_name(criterion)).errors = [error.details[criterion.code]]
        return _render(sheet, form, error.status)
    submitted = sheet.is_submitted  # read before the commit, which expires every loaded object
    db.session.commit()
    if submitted:
        flash(_("Sheet submitted. It is now locked."), "success")
        return redirect(url_for("reviews.observation_detail", observation_id=observation_id))
    flash(_("Draft saved."), "success")
    return redirect(url_for("reviews.sheet_edit", observation_id=observation_id))


@bp.post("/observations/<int:observation_id>/sheet/autosave")
@reads_first
@authenticated
def sheet_autosave(observation_id: int):
    """Save the draft in the background (JavaScript); answers JSON, and 409 when the page is stale."""
    sheet = _sheet_to_change(observation_id)
    form = _form_for(sheet)
    if not form.validate_on_submit():
        db.session.rollback()
        return jsonify({"ok": False, "errors": form.errors}), 422
    try:
        _save(sheet, form)
    except DomainError as error:
        db.session.rollback()
        return jsonify({"ok": False, "message": str(error.message), "code": error.code}), error.status
    saved = {"ok": True, "version": sheet.version, "total": str(sheet.total), "percent": str(sheet.percent)}
    db.session.commit()  # (read above: the commit expires every loaded object)
    return jsonify({**saved, "saved_at": utcnow().isoformat() + "Z"})
