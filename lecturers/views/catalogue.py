"""Programmes and their topics."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import current_unit
from accounts.enums import Role
from core.errors import DomainError
from core.extensions import db
from core.forms import EmptyForm, render_form, show_error
from core.models import utcnow
from core.permissions import require, require_visible, roles_required
from lecturers import queries, services
from lecturers.forms import ProgrammeForm, TopicForm
from lecturers.models import Programme, Topic
from lecturers.permissions import can_manage_unit, can_view_unit_records
from lecturers.views import bp


@bp.get("/programmes")
@roles_required(Role.DIRECTOR, Role.REVIEWER, Role.SECRETARY, Role.OVERSEER)
def programme_list():
    unit = current_unit()
    require(can_view_unit_records(current_user, unit))
    return render_template("lecturers/programme_list.html", unit=unit, programmes=queries.programmes(unit.id),
                           seed_form=EmptyForm())


@bp.post("/programmes/seed")
@roles_required(Role.DIRECTOR)
def programme_seed():
    unit = current_unit()
    require(can_manage_unit(current_user, unit))
    if EmptyForm().validate_on_submit():
        added = services.seed_standard_programmes(unit)
        db.session.commit()
        flash(_("%(n)s standard programmes added.", n=len(added)), "success")
    return redirect(url_for("lecturers.programme_list"))


@bp.route("/programmes/new", methods=["GET", "POST"])
@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@roles_required(Role.DIRECTOR)
def programme_edit(programme_id: int | None = None):
    unit = current_unit()
    programme = db.get_or_404(Programme, programme_id) if programme_id else None
    if programme:
        require_visible(can_view_unit_records(current_user, programme.unit))
    require(can_manage_unit(current_user, programme.unit if programme else unit))
    form = ProgrammeForm(obj=programme)
    if form.validate_on_submit():
        try:
            services.save_programme(programme, unit=programme.unit if programme else unit, values=form.data,
                                    actor=current_user, now=utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Programme saved."), "success")
            return redirect(url_for("lecturers.programme_list"))
    return render_form("lecturers/programme_form.html", form, programme=programme)


@bp.route("/programmes/<int:programme_id>/topics/new", methods=["GET", "POST"])
@bp.route("/topics/<int:topic_id>/edit", methods=["GET", "POST"])
@roles_required(Role.DIRECTOR)
def topic_edit(programme_id: int | None = None, topic_id: int | None = None):
    topic = db.get_or_404(Topic, topic_id) if topic_id else None
    programme = topic.programme if topic else db.get_or_404(Programme, programme_id)
    require_visible(can_view_unit_records(current_user, programme.unit))
    require(can_manage_unit(current_user, programme.unit))
    form = TopicForm(obj=topic)
    if form.validate_on_submit():
        try:
            services.save_topic(topic, programme=programme, values=form.data, actor=current_user, now=utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Topic saved."), "success")
            return redirect(url_for("lecturers.programme_list"))
    return render_form("lecturers/topic_form.html", form, topic=topic, programme=programme)
