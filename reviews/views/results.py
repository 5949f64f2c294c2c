"""Finalising an observation, amending a final result, the lecturer's response."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.errors import DomainError
from core.extensions import db
from core.forms import render_form, show_error
from core.models import utcnow
from core.permissions import authenticated, require
from reviews import services
from reviews.forms import FinalizeForm, ResponseForm, build_amend_form, score_field_name
from reviews.permissions import can_amend_observation, can_finalize_observation, can_respond_to_observation
from reviews.views import bp
from reviews.views.common import detail_page, load_observation


def _back(observation):
    return redirect(url_for("reviews.observation_detail", observation_id=observation.id))


@bp.post("/observations/<int:observation_id>/finalize")
@authenticated
def observation_finalize(observation_id: int):
    observation = services.lock_observation(load_observation(observation_id))
    if observation.is_finalized:
        flash(_("This observation is already finalised."), "info")
        return _back(observation)
    require(can_finalize_observation(current_user, observation))
    form = FinalizeForm()
    if form.validate_on_submit():
        try:
            services.finalize_observation(observation, debrief=form.debrief.data or "",
                                          action_points=form.action_points.data or "", actor=current_user,
                                          now=utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return _back(observation)
        db.session.commit()
        flash(_("Observation finalised. The lecturer can now read the result."), "success")
        return _back(observation)
    return detail_page(observation, status=422, finalize_form=form)  # the debrief as typed, with the reason


@bp.route("/observations/<int:observation_id>/amend", methods=["GET", "POST"])
@authenticated
def observation_amend(observation_id: int):
    observation = load_observation(observation_id)
    require(can_amend_observation(current_user, observation))
    result = observation.result()
    form = build_amend_form(observation.rubric_version, result["per_criterion"],
                            action_points=result["action_points"])
    if form.validate_on_submit():
        scores = {c.code: getattr(form, score_field_name(c)).data for c in form.criteria}
        try:
            services.amend_observation(observation, reason=form.reason.data, scores=scores,
                                       action_points=form.action_points.data or "", actor=current_user,
                                       now=utcnow())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Amendment recorded; the previous values stay in the history."), "success")
            return _back(observation)
    return render_form("reviews/amend_form.html", form, observation=observation)


@bp.post("/observations/<int:observation_id>/respond")
@authenticated
def observation_respond(observation_id: int):
    observation = load_observation(observation_id)
    require(can_respond_to_observation(current_user, observation))
    form = ResponseForm()
    if form.validate_on_submit():
        try:
            services.respond(observation, kind=form.kind.data, text=form.text.data or "", actor=current_user,
                             now=utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return _back(observation)
        db.session.commit()
        flash(_("Your response was recorded."), "success")
        return _back(observation)
    return detail_page(observation, status=422, response_form=form)
