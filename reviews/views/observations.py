"""Observation lists, planning, the detail page, coverage of classes, declared conflicts."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from flask import flash, redirect, render_template, request, url_for
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
from core.pages import paginate
from lecturers import queries as lecturer_queries
from lecturers.models import Lecturer, TeachingSession, Topic, TrainingClass
from reviews import authoring, queries, services
from reviews.forms import ConflictForm, ObservationFilterForm, PlanObservationForm
from reviews.models import ObserverConflict
from reviews.permissions import can_declare_conflict, can_list_observations, can_plan_observation
from reviews.rubrics import RubricVersion
from reviews.views import bp
from reviews.views.common import detail_page, load_observation

STAFF = (Role.DIRECTOR, Role.REVIEWER, Role.SECRETARY, Role.OVERSEER)


def _scorers(unit) -> list:
    return [user for user in unit_users(unit.id) if user.is_enabled and
            user.roles_in(unit.id) & services.SCORER_ROLES]


@bp.get("/observations")
@roles_required(*STAFF)
def observation_list():
    unit = current_unit()
    require(can_list_observations(current_user, unit))
    filters = ObservationFilterForm(formdata=request.args)
    filters.lecturer_id.choices = options([("", "—")] + [(l.id, l.full_name)
                                                         for l in lecturer_queries.active_lecturers(unit.id)])
    filters.observer_id.choices = options([("", "—")] + [(u.id, u.full_name) for u in _scorers(unit)])
    valid = filters.validate()
    criteria = queries.ObservationFilters(**{name: field.data for name, field in filters._fields.items()}) \
        if valid else queries.ObservationFilters()
    page = paginate(queries.observation_query(unit.id, criteria), per_page=50)
    return render_template("reviews/observation_list.html", unit=unit, page=page, filters=filters,
                           args={k: v for k, v in request.args.items() if k != "page"}), 200 if valid else 422


@bp.get("/observations/mine")
@roles_required(Role.DIRECTOR, Role.REVIEWER)
def my_observations():
    today = utcnow().date()
    return render_template("reviews/my_observations.html", sheets=queries.my_open_sheets(current_user, today=today),
                           today=today)


def _plan_form(unit) -> PlanObservationForm:
    form = PlanObservationForm()
    lecturers = lecturer_queries.active_lecturers(unit.id)
    form.lecturer_id.choices = options((l.id, l.full_name) for l in lecturers)
    sessions = db.session.scalars(
        sa.select(TeachingSession).join(TrainingClass)
        .where(TrainingClass.unit_id == unit.id,
               TeachingSession.date >= date.fromordinal(utcnow().date().toordinal() - 60))
        .options(selectinload(TeachingSession.lecturer), selectinload(TeachingSession.topic))
        .order_by(TeachingSession.date).limit(300))
    form.session_id.choices = options([("", "—")] + [
        (s.id, f"{s.date:%d/%m/%Y} · {s.lecturer.full_name} · {s.topic.title}") for s in sessions])
    form.topic_id.choices = options([("", "—")] + lecturer_queries.topic_choices(unit.id))
    form.version_id.choices = options(queries.published_rubric_choices(unit.id, _locale()))
    if request.method == "GET":
        default = authoring.default_version(unit)
        form.version_id.data = default.id if default else None
    scorers = _scorers(unit)
    form.observer_ids.choices = options((u.id, u.full_name) for u in scorers)
    form.chair_id.choices = options([("", "—")] + [(u.id, u.full_name) for u in scorers])
    return form


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale())


@bp.route("/observations/new", methods=["GET", "POST"])
@roles_required(Role.DIRECTOR, Role.REVIEWER)
def observation_create():
    unit = current_unit()
    require(can_plan_observation(current_user, unit))
    form = _plan_form(unit)
    if request.method == "GET" and request.args.get("lecturer_id", type=int):
        form.lecturer_id.data = request.args.get("lecturer_id", type=int)
    if form.validate_on_submit():
        try:
            claim = claim_submission(form)
            observation = services.plan_observation(
                unit=unit, lecturer=db.session.get(Lecturer, form.lecturer_id.data),
                version=db.session.get(RubricVersion, form.version_id.data),
                observers=services.observers_of(form.observer_ids.data), on=form.date.data,
                chair=db.session.get(User, form.chair_id.data) if form.chair_id.data else None,
                kind=form.kind.data, session=db.session.get(TeachingSession, form.session_id.data)
                if form.session_id.data else None,
                topic=db.session.get(Topic, form.topic_id.data) if form.topic_id.data else None,
                topic_text=form.topic_text.data or "", unannounced=form.is_unannounced.data,
                actor=current_user, now=utcnow())
        except AlreadySubmitted as repeat:
            return already_submitted(repeat, url_for("reviews.observation_list"))
        except DomainError as error:
            show_error(form, error)
        else:
            location = remember_location(claim, url_for("reviews.observation_detail", observation_id=observation.id))
            db.session.commit()
            flash(_("Observation planned."), "success")
            return redirect(location)
    return render_form("reviews/observation_form.html", form)


@bp.get("/observations/<int:observation_id>")
@authenticated
def observation_detail(observation_id: int):
    observation, stamp = queries.observation_heading(observation_id) or (None, None)
    return detail_page(load_observation(observation_id, query=lambda _id: observation), stamp=stamp)


@bp.get("/observations/coverage")
@roles_required(Role.DIRECTOR, Role.OVERSEER)
def coverage():
    unit = current_unit()
    require(can_list_observations(current_user, unit))
    year = min(max(request.args.get("year", type=int) or utcnow().year, 2000), 2100)
    return render_template("reviews/coverage.html", unit=unit, year=year,
                           classes=queries.classes_without_observation(unit.id, year))


@bp.route("/conflicts", methods=["GET", "POST"])
@roles_required(Role.DIRECTOR, Role.REVIEWER)
def conflicts():
    unit = current_unit()
    require(can_declare_conflict(current_user, unit))
    is_director = Role.DIRECTOR in current_user.roles_in(unit.id)
    form = ConflictForm()
    observers = _scorers(unit) if is_director else [current_user]
    form.observer_id.choices = options((u.id, u.full_name) for u in observers)
    form.lecturer_id.choices = options((l.id, l.full_name) for l in lecturer_queries.active_lecturers(unit.id))
    if form.validate_on_submit():
        try:
            services.declare_conflict(unit=unit, observer=db.session.get(User, form.observer_id.data),
                                      lecturer=db.session.get(Lecturer, form.lecturer_id.data), kind=form.kind.data,
                                      note=form.note.data or "", actor=current_user, now=utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Conflict recorded."), "success")
            return redirect(url_for("reviews.conflicts"))
    query = sa.select(ObserverConflict).where(ObserverConflict.unit_id == unit.id)
    if not is_director:
        query = query.where(ObserverConflict.observer_id == current_user.id)
    return render_form("reviews/conflicts.html", form, declared=list(db.session.scalars(query)), unit=unit)
