"""Practice lectures: scheduling, the lecturer's self-assessment, the chair's verdict."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import current_unit
from accounts.enums import Role
from accounts.models import User
from accounts.queries import unit_users
from core.errors import DomainError
from core.extensions import db
from core.forms import (already_submitted, AlreadySubmitted, claim_submission, options,
                        remember_location, render_form, show_error)
from core.models import utcnow
from core.permissions import authenticated, require, roles_required
from lecturers import queries as lecturer_queries
from lecturers.models import Lecturer, Topic
from reviews import authoring, practice, queries, services
from reviews.forms import PracticeForm, SelfAssessmentForm, VerdictForm
from reviews.permissions import can_give_verdict, can_plan_observation, can_schedule_practice, can_self_assess
from reviews.rubrics import RubricVersion
from reviews.views import bp
from reviews.views.common import detail_page, load_observation

ATTENDEE_ROLES = {Role.DIRECTOR, Role.REVIEWER, Role.LECTURER}


def _practice_form(unit) -> PracticeForm:
    form = PracticeForm()
    own = getattr(current_user, "lecturer", None)
    if can_plan_observation(current_user, unit):
        lecturers = lecturer_queries.active_lecturers(unit.id)
    else:
        lecturers = [own] if own is not None and own.unit_id == unit.id and own.is_active else []
    form.lecturer_id.choices = options((lecturer.id, lecturer.full_name) for lecturer in lecturers)
    form.topic_id.choices = options([("", "—")] + lecturer_queries.topic_choices(unit.id))
    form.version_id.choices = options(queries.published_rubric_choices(unit.id, str(get_locale())))
    attendees = [user for user in unit_users(unit.id) if user.is_enabled and user.roles_in(unit.id) & ATTENDEE_ROLES]
    form.attendee_ids.choices = options((user.id, user.full_name) for user in attendees)
    form.chair_id.choices = options([("", "—")] + [(user.id, user.full_name) for user in attendees])
    if request.method == "GET":
        default = authoring.default_version(unit)
        form.version_id.data = default.id if default else None
    return form


@bp.route("/practice/new", methods=["GET", "POST"])
@roles_required(Role.DIRECTOR, Role.REVIEWER, Role.LECTURER)
def practice_create():
    unit = current_unit()
    form = _practice_form(unit)
    if request.method == "GET" and request.args.get("lecturer_id", type=int):
        form.lecturer_id.data = request.args.get("lecturer_id", type=int)
    if form.validate_on_submit():
        lecturer = db.session.get(Lecturer, form.lecturer_id.data)
        require(lecturer is not None and can_schedule_practice(current_user, lecturer))
        try:
            claim = claim_submission(form)
            observation = practice.schedule_practice(
                unit=unit, lecturer=lecturer, attendees=[db.session.get(User, i) for i in form.attendee_ids.data],
                on=form.date.data, purpose=form.purpose.data, audience=form.audience.data or "",
                allowed_minutes=form.allowed_minutes.data, actor=current_user, now=utcnow(),
                topic=db.session.get(Topic, form.topic_id.data) if form.topic_id.data else None,
                topic_text=form.topic_text.data or "", version=db.session.get(RubricVersion, form.version_id.data),
                chair=db.session.get(User, form.chair_id.data) if form.chair_id.data else None)
        except AlreadySubmitted as repeat:
            return already_submitted(repeat, url_for("reviews.observation_list"))
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            location = remember_location(claim, url_for("reviews.observation_detail", observation_id=observation.id))
            db.session.commit()
            flash(_("Practice lecture scheduled."), "success")
            return redirect(location)
    return render_form("reviews/practice_form.html", form)


@bp.post("/observations/<int:observation_id>/self-assessment")
@authenticated
def practice_self_assessment(observation_id: int):
    observation = load_observation(observation_id)
    require(can_self_assess(current_user, observation))
    form = SelfAssessmentForm()
    if form.validate_on_submit():
        try:
            practice.record_self_assessment(observation, text=form.self_assessment.data,
                                            actual_minutes=form.actual_minutes.data, actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your self-assessment was recorded."), "success")
            return redirect(url_for("reviews.observation_detail", observation_id=observation.id))
    return detail_page(observation, status=422, self_assessment_form=form)


@bp.post("/observations/<int:observation_id>/verdict")
@authenticated
def practice_verdict(observation_id: int):
    observation = load_observation(observation_id)
    require(can_give_verdict(current_user, observation))
    form = VerdictForm()
    if form.validate_on_submit():
        services.lock_observation(observation)  # a double-clicked verdict closes the rehearsal once
        try:
            follow_up = practice.give_verdict(
                observation, verdict=form.verdict.data, rehearse_by=form.rehearse_by.data,
                debrief=form.debrief.data or "", action_points=form.action_points.data or "",
                actual_minutes=form.actual_minutes.data, actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Verdict recorded; the next rehearsal is scheduled.") if follow_up else
                  _("Verdict recorded."), "success")
            return redirect(url_for("reviews.observation_detail", observation_id=observation.id))
    return detail_page(observation, status=422, verdict_form=form)
