"""Classes (lớp) and their teaching sessions (buổi giảng)."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import current_unit
from accounts.enums import Role
from core.errors import DomainError
from core.extensions import db
from core.forms import EmptyForm, options, render_form, show_error
from core.models import utcnow
from core.permissions import require, require_visible, roles_required
from core.pages import paginate
from lecturers import queries, services
from lecturers.forms import ClassForm, SessionForm
from lecturers.models import TeachingSession, TrainingClass
from lecturers.permissions import can_manage_unit, can_view_unit_records
from lecturers.views import bp


@bp.get("/classes")
@roles_required(Role.DIRECTOR, Role.REVIEWER, Role.SECRETARY, Role.OVERSEER)
def class_list():
    unit = current_unit()
    require(can_view_unit_records(current_user, unit))
    year = request.args.get("year", type=int) or date.today().year
    page = paginate(queries.class_query(unit.id, year=min(max(year, 2000), 2100)), per_page=50)
    return render_template("lecturers/class_list.html", unit=unit, page=page, year=year)


@bp.route("/classes/new", methods=["GET", "POST"])
@bp.route("/classes/<int:class_id>/edit", methods=["GET", "POST"])
@roles_required(Role.DIRECTOR)
def class_edit(class_id: int | None = None):
    training_class = db.get_or_404(TrainingClass, class_id) if class_id else None
    unit = training_class.unit if training_class else current_unit()
    require_visible(can_view_unit_records(current_user, unit))
    require(can_manage_unit(current_user, unit))
    form = ClassForm(obj=training_class)
    form.programme_id.choices = options((p.id, f"{p.code} · {p.name}") for p in queries.programmes(unit.id)
                                        if p.is_active or (training_class and p.id == training_class.programme_id))
    if form.validate_on_submit():
        try:
            saved = services.save_class(training_class, unit=unit, values=form.values(), actor=current_user,
                                        now=utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Class saved."), "success")
            return redirect(url_for("lecturers.class_detail", class_id=saved.id))
    return render_form("lecturers/class_form.html", form, training_class=training_class)


def _session_form(training_class: TrainingClass) -> SessionForm:
    form = SessionForm()
    form.topic_id.choices = options(queries.topic_choices(training_class.unit_id, training_class.programme_id))
    form.lecturer_id.choices = options((lecturer.id, lecturer.full_name)
                                       for lecturer in queries.active_lecturers(training_class.unit_id))
    return form


@bp.get("/classes/<int:class_id>")
@roles_required(Role.DIRECTOR, Role.REVIEWER, Role.SECRETARY, Role.OVERSEER)
def class_detail(class_id: int):
    training_class = db.get_or_404(TrainingClass, class_id)
    require_visible(can_view_unit_records(current_user, training_class.unit))
    return _class_page(training_class, _session_form(training_class))


def _class_page(training_class: TrainingClass, form: SessionForm, status: int = 200):
    """The class page; sessions whose lecturer has no approved plan for the topic are flagged."""
    sessions = queries.class_sessions(training_class.id)
    return render_template("lecturers/class_detail.html", training_class=training_class, sessions=sessions,
                           without_plan=queries.sessions_without_plan(sessions), form=form,
                           delete_form=EmptyForm()), status


@bp.post("/classes/<int:class_id>/sessions")
@roles_required(Role.DIRECTOR)
def session_create(class_id: int):
    training_class = db.get_or_404(TrainingClass, class_id)
    require_visible(can_view_unit_records(current_user, training_class.unit))
    require(can_manage_unit(current_user, training_class.unit))
    form = _session_form(training_class)
    if form.validate_on_submit():
        try:
            services.add_session(training_class, values=form.values(), actor=current_user, now=utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Teaching session added."), "success")
            return redirect(url_for("lecturers.class_detail", class_id=class_id))
    return _class_page(training_class, form, 422)


@bp.post("/sessions/<int:session_id>/delete")
@roles_required(Role.DIRECTOR)
def session_delete(session_id: int):
    session = db.get_or_404(TeachingSession, session_id)
    class_id = session.class_id
    require_visible(can_view_unit_records(current_user, session.training_class.unit))
    require(can_manage_unit(current_user, session.training_class.unit))
    if EmptyForm().validate_on_submit():
        services.delete_session(session, actor=current_user, now=utcnow())
        db.session.commit()
        flash(_("Teaching session removed."), "success")
    return redirect(url_for("lecturers.class_detail", class_id=class_id))
