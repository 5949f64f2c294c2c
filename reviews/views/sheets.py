"""An observer's own scoresheet: fill, save (also by autosave), submit."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.errors import DomainError
from core.extensions import db
from core.forms import show_error
from core.models import utcnow
from core.permissions import authenticated
from reviews import practice, queries, scoring, services
from reviews.enums import PRACTICE_HEADINGS
from reviews.forms import build_sheet_form, score_field_name
from reviews.views import bp
from reviews.views.common import load_observation, own_sheet


def _load(observation_id: int):
    """The observation for its sheet; a POST takes the observation's row lock in the same read
    (concurrent writers then run one after another on current data, see ``lock_observation``)."""
    lock = request.method == "POST"
    return load_observation(observation_id, lambda key: queries.observation_for_sheet(key, lock=lock))


def _form_for(sheet, **kwargs):
    is_practice = sheet.observation.practice is not None
    form = build_sheet_form(sheet.observation.rubric_version, practice=is_practice, **kwargs)
    if request.method == "GET":
        if is_practice and sheet.practice_comment is not None:
            for heading in PRACTICE_HEADINGS:
                getattr(form, f"comment_{heading}").data = getattr(sheet.practice_comment, heading)
        scores = sheet.score_map()
        for criterion in form.criteria:
            value = scores.get(criterion.code)
            getattr(form, score_field_name(criterion)).data = "" if value is None else \
                format(value.normalize(), "f")
        for name, text in (("notes", sheet.notes), ("strengths", sheet.strengths),
                           ("shortcomings", sheet.shortcomings), ("recommendations", sheet.recommendations)):
            getattr(form, name).data = text
        form.version.data = str(sheet.version)
    return form


def _save(sheet, form) -> None:
    """The draft's scores and texts, and at a practice lecture the comments by heading."""
    services.save_sheet(sheet, scores=form.scores(), texts=form.texts(), actor=current_user, now=utcnow(),
                        expected_version=form.expected_version())
    if sheet.observation.practice is not None:
        practice.save_comments(sheet, comments=form.comments(), actor=current_user, now=utcnow())


def _render(sheet, form, status: int = 200):
    version = sheet.observation.rubric_version
    return render_template("reviews/sheet_form.html", sheet=sheet, observation=sheet.observation, form=form,
                           version=version, allowed={c.code: scoring.allowed_values(c.spec())
                                                     for c in version.criteria}), status


@bp.route("/observations/<int:observation_id>/sheet", methods=["GET", "POST"])
@authenticated
def sheet_edit(observation_id: int):
    observation = _load(observation_id)
    sheet = own_sheet(observation)
    if sheet.is_submitted or observation.is_finalized:
        if request.method == "POST" and sheet.is_submitted:
            flash(_("Your sheet was already submitted; nothing changed."), "info")
        elif request.method == "POST":
            flash(_("This observation was finalised before your sheet was submitted; nothing changed."), "warning")
        return redirect(url_for("reviews.observation_detail", observation_id=observation.id))
    form = _form_for(sheet)
    if not form.validate_on_submit():
        return _render(sheet, form, 422 if form.errors else 200)
    try:
        _save(sheet, form)
        if request.form.get("action") == "submit":
            services.submit_sheet(sheet, actor=current_user, now=utcnow())
    except DomainError as error:
        db.session.rollback()
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
@authenticated
def sheet_autosave(observation_id: int):
    """Save the draft in the background (JavaScript); answers JSON, and 409 when the page is stale."""
    observation = _load(observation_id)
    sheet = own_sheet(observation)
    form = _form_for(sheet)
    if not form.validate_on_submit():
        return jsonify({"ok": False, "errors": form.errors}), 422
    try:
        _save(sheet, form)
    except DomainError as error:
        db.session.rollback()
        return jsonify({"ok": False, "message": str(error.message), "code": error.code}), error.status
    saved = {"ok": True, "version": sheet.version, "total": str(sheet.total), "percent": str(sheet.percent)}
    db.session.commit()  # (read above: the commit expires every loaded object)
    return jsonify({**saved, "saved_at": utcnow().isoformat() + "Z"})
