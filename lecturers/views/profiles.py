"""Lecturer list, profile, create, edit, (de)activate; yearly workload."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import current_unit
from accounts.enums import Role
from core.errors import DomainError
from core.extensions import db
from core.forms import (already_submitted, AlreadySubmitted, claim_submission, EmptyForm,
                        options, remember_location, render_form, show_error)
from core.fragments import fragment_key
from core.models import utcnow
from core.permissions import authenticated, require, require_visible, roles_required
from core.pages import paginate
from lecturers import queries, services
from lecturers.enums import LecturerKind
from lecturers.forms import LecturerForm
from lecturers.models import Lecturer
from lecturers.permissions import (can_edit_lecturer, can_manage_unit, can_view_lecturer, can_view_plan,
                                   can_view_unit_records, can_view_workload)
from lecturers.views import bp


@bp.get("/lecturers")
@roles_required(Role.DIRECTOR, Role.REVIEWER, Role.SECRETARY, Role.OVERSEER)
def lecturer_list():
    unit = current_unit()
    require(can_view_unit_records(current_user, unit))
    search = request.args.get("q", "").strip()[:100]
    kind = request.args.get("kind") if request.args.get("kind") in {k.value for k in LecturerKind} else None
    include_inactive = request.args.get("inactive") == "1"
    return render_template("lecturers/lecturer_list.html", load_page=lambda: paginate(queries.lecturer_query(
                               unit.id, search=search, kind=kind, include_inactive=include_inactive), per_page=50),
                           table_key=fragment_key(units=[unit.id]), unit=unit, search=search, kind=kind,
                           include_inactive=include_inactive, kinds=list(LecturerKind))


def _lecturer_form(lecturer: Lecturer | None, unit) -> LecturerForm:
    form = LecturerForm(obj=lecturer)
    form.topic_ids.choices = options(queries.topic_choices(unit.id))
    form.user_id.choices = options([("", "—")] + [(user.id, f"{user.full_name} ({user.username})")
                                                  for user in queries.linkable_users(unit.id, lecturer)])
    if request.method == "GET" and lecturer is not None:
        form.topic_ids.data = [topic.id for topic in lecturer.topics]
        form.version.data = str(lecturer.version)
    return form


@bp.route("/lecturers/new", methods=["GET", "POST"])
@roles_required(Role.DIRECTOR)
def lecturer_create():
    unit = current_unit()
    require(can_manage_unit(current_user, unit))
    form = _lecturer_form(None, unit)
    if form.validate_on_submit():
        try:
            claim = claim_submission(form)
            lecturer = services.save_lecturer(None, unit=unit, values=form.values(), actor=current_user, now=utcnow())
        except AlreadySubmitted as repeat:
            return already_submitted(repeat, url_for("lecturers.lecturer_list"))
        except DomainError as error:
            show_error(form, error)
        else:
            location = remember_location(claim, url_for("lecturers.lecturer_detail", lecturer_id=lecturer.id))
            db.session.commit()
            flash(_("Lecturer %(name)s added.", name=lecturer.full_name), "success")
            return redirect(location)
    return render_form("lecturers/lecturer_form.html", form, lecturer=None)


@bp.get("/lecturers/<int:lecturer_id>")
@authenticated
def lecturer_detail(lecturer_id: int):
    year = date.today().year
    found = queries.lecturer_heading(lecturer_id)
    if found is None:
        abort(404)
    lecturer, stamp = found
    require_visible(can_view_lecturer(current_user, lecturer))
    return render_template("lecturers/lecturer_detail.html", lecturer=lecturer, year=year,
                           norm=queries.norm_for(lecturer.unit, lecturer.workload_role),
                           body_key=fragment_key(units=[lecturer.unit_id], stamp=stamp),
                           load_profile=lambda: queries.lecturer_profile(lecturer_id, year),
                           load_sessions=lambda: queries.lecturer_sessions(lecturer.id),
                           load_plans=lambda: [plan for plan in queries.lecturer_plans(lecturer.id)
                                               if can_view_plan(current_user, plan)], toggle_form=EmptyForm())


@bp.route("/lecturers/<int:lecturer_id>/edit", methods=["GET", "POST"])
@roles_required(Role.DIRECTOR)
def lecturer_edit(lecturer_id: int):
    lecturer = db.get_or_404(Lecturer, lecturer_id)
    require_visible(can_view_lecturer(current_user, lecturer))
    require(can_edit_lecturer(current_user, lecturer))
    form = _lecturer_form(lecturer, lecturer.unit)
    if form.validate_on_submit():
        try:
            services.save_lecturer(lecturer, unit=lecturer.unit, values=form.values(), actor=current_user,
                                   now=utcnow(), expected_version=_int_or_none(form.version.data))
        except DomainError as error:
            show_error(form, error)
            status = error.status
        else:
            db.session.commit()
            flash(_("Lecturer %(name)s saved.", name=lecturer.full_name), "success")
            return redirect(url_for("lecturers.lecturer_detail", lecturer_id=lecturer.id))
        return render_template("lecturers/lecturer_form.html", form=form, lecturer=lecturer), status
    return render_form("lecturers/lecturer_form.html", form, lecturer=lecturer)


@bp.post("/lecturers/<int:lecturer_id>/active")
@roles_required(Role.DIRECTOR)
def lecturer_toggle_active(lecturer_id: int):
    lecturer = db.get_or_404(Lecturer, lecturer_id)
    require_visible(can_view_lecturer(current_user, lecturer))
    require(can_edit_lecturer(current_user, lecturer))
    if EmptyForm().validate_on_submit():
        services.set_lecturer_active(lecturer, active=not lecturer.is_active, actor=current_user, now=utcnow())
        db.session.commit()
        flash(_("Lecturer reactivated.") if lecturer.is_active else _("Lecturer deactivated."), "success")
    return redirect(url_for("lecturers.lecturer_detail", lecturer_id=lecturer.id))


@bp.get("/workload")
@roles_required(Role.DIRECTOR, Role.OVERSEER)
def workload():
    unit = current_unit()
    require(can_view_workload(current_user, unit))
    year = request.args.get("year", type=int) or date.today().year
    year = min(max(year, 2000), 2100)
    return render_template("lecturers/workload.html", unit=unit, year=year, rows=queries.workload(unit, year))


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
