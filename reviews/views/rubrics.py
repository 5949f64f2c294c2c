"""The director's rubric pages: the shipped templates and the unit's own rubrics, a version's
domains, criteria and rating bands, publishing, new versions, the unit's default rubric and
its consolidation method. Unit staff may read a version; only the director changes anything."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import current_unit
from accounts.enums import Role
from core.errors import DomainError
from core.extensions import db
from core.forms import EmptyForm, render_form, show_error
from core.models import utcnow
from core.permissions import require, require_visible, roles_required
from reviews import authoring, queries, services
from reviews.forms import BandsForm, ConsolidationForm, CriterionForm, DomainForm, RubricForm
from reviews.permissions import can_edit_rubric, can_manage_rubrics, can_view_rubric
from reviews.rubrics import Criterion, Rubric, RubricDomain, RubricVersion
from reviews.views import bp

STAFF = (Role.DIRECTOR, Role.REVIEWER, Role.SECRETARY, Role.OVERSEER)


# --- loading ----------------------------------------------------------------------------------


def _version(version_id: int) -> RubricVersion:
    """The version with everything its page shows; 404 for another unit's rubric."""
    version = queries.rubric_version_detail(version_id)
    if version is None:
        abort(404)
    require_visible(can_view_rubric(current_user, version.rubric))
    return version


def _editable_version(version_id: int) -> RubricVersion:
    version = _version(version_id)
    require(can_edit_rubric(current_user, version.rubric))
    return version


def _editable_rubric(rubric_id: int) -> Rubric:
    rubric = db.get_or_404(Rubric, rubric_id)
    require_visible(can_view_rubric(current_user, rubric))
    require(can_edit_rubric(current_user, rubric))
    return rubric


def _to_version(version: RubricVersion):
    return redirect(url_for("reviews.rubric_version", version_id=version.id))


def _frozen(version: RubricVersion):
    """An edit page of a published or retired version leads back to it, saying why."""
    flash(_("A published version is frozen. Start a new version to change it."), "info")
    return _to_version(version)


def _locale() -> str:
    return str(get_locale())


# --- the list, creating, copying, the default, the consolidation method --------------------------


def _render_list(unit, settings_form: ConsolidationForm, status: int = 200):
    rubrics = queries.rubrics_for(unit.id)
    used = queries.used_version_ids([v.id for rubric in rubrics if rubric.unit_id for v in rubric.versions])
    return render_template("reviews/rubric_list.html", unit=unit, rubrics=rubrics, used=used,
                           default=authoring.default_version(unit), settings_form=settings_form,
                           action_form=EmptyForm()), status


@bp.get("/rubrics")
@roles_required(Role.DIRECTOR)
def rubric_list():
    unit = current_unit()
    require(can_manage_rubrics(current_user, unit))
    return _render_list(unit, ConsolidationForm(consolidation_method=services.consolidation_method(unit.id)))


@bp.post("/rubrics/settings")
@roles_required(Role.DIRECTOR)
def rubric_settings():
    unit = current_unit()
    require(can_manage_rubrics(current_user, unit))
    form = ConsolidationForm()
    if form.validate_on_submit():
        try:
            authoring.set_consolidation_method(unit=unit, method=form.consolidation_method.data, actor=current_user,
                                               now=utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Consolidation method saved."), "success")
            return redirect(url_for("reviews.rubric_list"))
    return _render_list(unit, form, 422)


@bp.route("/rubrics/new", methods=["GET", "POST"])
@roles_required(Role.DIRECTOR)
def rubric_create():
    unit = current_unit()
    require(can_manage_rubrics(current_user, unit))
    form = RubricForm()
    if form.validate_on_submit():
        rubric = authoring.create_rubric(unit=unit, name=form.name.data, name_en=form.name_en.data or "",
                                         actor=current_user, now=utcnow())
        db.session.commit()
        flash(_("Rubric created as a draft. Add its domains and criteria, set the rating bands, then publish it."),
              "success")
        return _to_version(rubric.versions[0])
    return render_form("reviews/rubric_form.html", form)


@bp.post("/rubrics/versions/<int:version_id>/copy")
@roles_required(Role.DIRECTOR)
def rubric_copy(version_id: int):
    source = _version(version_id)
    unit = current_unit()
    require(can_manage_rubrics(current_user, unit))
    if EmptyForm().validate_on_submit():
        rubric = authoring.copy_rubric(source, unit=unit, actor=current_user, now=utcnow())
        db.session.commit()
        flash(_("Copied into your unit as a draft. Adjust it, then publish it."), "success")
        return _to_version(rubric.versions[0])
    return redirect(url_for("reviews.rubric_list"))


@bp.post("/rubrics/<int:rubric_id>/default")
@roles_required(Role.DIRECTOR)
def rubric_set_default(rubric_id: int):
    rubric = _editable_rubric(rubric_id)
    if EmptyForm().validate_on_submit():
        try:
            authoring.set_default(rubric, unit=rubric.unit, actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("New observations will use this rubric unless the planner chooses another."), "success")
    return redirect(url_for("reviews.rubric_list"))


@bp.post("/rubrics/<int:rubric_id>/versions/new")
@roles_required(Role.DIRECTOR)
def rubric_new_version(rubric_id: int):
    rubric = _editable_rubric(rubric_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("reviews.rubric_list"))
    version = authoring.new_version(rubric, actor=current_user, now=utcnow())
    db.session.commit()
    flash(_("Version %(number)s is a draft copy. The published version stays in use until you publish this one.",
            number=version.number), "success")
    return _to_version(version)


# --- one version: read it; for a draft, its bands and publishing ---------------------------------


def _render_version(version: RubricVersion, bands_form: BandsForm, status: int = 200):
    return render_template("reviews/rubric_version.html", version=version, rubric=version.rubric,
                           is_used=authoring.is_used(version), bands_form=bands_form, action_form=EmptyForm()), status


@bp.get("/rubrics/versions/<int:version_id>")
@roles_required(*STAFF)
def rubric_version(version_id: int):
    version = _version(version_id)
    return _render_version(version, BandsForm(**version.band_minimums))


@bp.post("/rubrics/versions/<int:version_id>/bands")
@roles_required(Role.DIRECTOR)
def rubric_bands(version_id: int):
    version = _editable_version(version_id)
    form = BandsForm()
    if form.validate_on_submit():
        try:
            authoring.set_bands(version, form.minimums())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Rating bands saved."), "success")
            return _to_version(version)
    return _render_version(version, form, 422)


@bp.post("/rubrics/versions/<int:version_id>/publish")
@roles_required(Role.DIRECTOR)
def rubric_publish(version_id: int):
    version = _editable_version(version_id)
    if EmptyForm().validate_on_submit():
        try:
            authoring.publish(version, actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Version %(number)s published. New observations can use it.", number=version.number), "success")
    return _to_version(version)


# --- domains and criteria of a draft --------------------------------------------------------------


@bp.route("/rubrics/versions/<int:version_id>/domains/new", methods=["GET", "POST"])
@bp.route("/rubrics/domains/<int:domain_id>/edit", methods=["GET", "POST"])
@roles_required(Role.DIRECTOR)
def domain_edit(version_id: int | None = None, domain_id: int | None = None):
    domain = db.get_or_404(RubricDomain, domain_id) if domain_id else None
    version = _editable_version(domain.version_id if domain else version_id)
    if request.method == "GET" and not version.is_draft:
        return _frozen(version)
    form = DomainForm(obj=domain)
    if form.validate_on_submit():
        try:
            authoring.save_domain(version, domain, values=form.values())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Domain saved."), "success")
            return _to_version(version)
    return render_form("reviews/rubric_domain_form.html", form, version=version, domain=domain)


@bp.post("/rubrics/domains/<int:domain_id>/delete")
@roles_required(Role.DIRECTOR)
def domain_delete(domain_id: int):
    domain = db.get_or_404(RubricDomain, domain_id)
    version = _editable_version(domain.version_id)
    if EmptyForm().validate_on_submit():
        try:
            authoring.delete_domain(version, domain)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Domain removed."), "success")
    return _to_version(version)


@bp.route("/rubrics/domains/<int:domain_id>/criteria/new", methods=["GET", "POST"])
@bp.route("/rubrics/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@roles_required(Role.DIRECTOR)
def criterion_edit(domain_id: int | None = None, criterion_id: int | None = None):
    criterion = db.get_or_404(Criterion, criterion_id) if criterion_id else None
    owner = criterion or db.get_or_404(RubricDomain, domain_id)
    version = _editable_version(owner.version_id)
    if request.method == "GET" and not version.is_draft:
        return _frozen(version)
    form = CriterionForm(obj=criterion, domain_id=domain_id, domains=version.domains, locale=_locale())
    if form.validate_on_submit():
        try:
            authoring.save_criterion(version, criterion, domain=db.session.get(RubricDomain, form.domain_id.data),
                                     values=form.values())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Criterion saved."), "success")
            return _to_version(version)
    return render_form("reviews/rubric_criterion_form.html", form, version=version, criterion=criterion)


@bp.post("/rubrics/criteria/<int:criterion_id>/delete")
@roles_required(Role.DIRECTOR)
def criterion_delete(criterion_id: int):
    criterion = db.get_or_404(Criterion, criterion_id)
    version = _editable_version(criterion.version_id)
    if EmptyForm().validate_on_submit():
        try:
            authoring.delete_criterion(version, criterion)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Criterion removed."), "success")
    return _to_version(version)
