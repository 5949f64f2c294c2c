"""Lesson plans (giáo án): the lecturer's plans, the new-plan and draft forms (with the file),
the plan page (versions, comments per section, side-by-side comparison, downloads), submit and
revise; the reviewers' queue and their decisions; the list of teaching sessions whose lecturer
has no approved plan for the topic."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import current_unit
from accounts.enums import Role
from core import uploads
from core.errors import DomainError
from core.extensions import db
from core.forms import (already_submitted, AlreadySubmitted, claim_submission, EmptyForm,
                        options, remember_location, show_error)
from core.models import utcnow
from core.permissions import authenticated, require, require_visible, roles_required
from core.pages import paginate
from lecturers import lesson_plans, presenters, queries
from lecturers.forms import NewPlanForm, PlanForm, PlanReviewForm
from lecturers.models import LessonPlan, LessonPlanVersion
from lecturers.permissions import (can_author_plan, can_download_plan, can_edit_plan, can_review_plan,
                                   can_review_plans, can_view_missing_plans, can_view_own_plans, can_view_plan,
                                   can_view_plan_version, can_write_plans)
from lecturers.views import bp


def _load(plan_id: int) -> LessonPlan:
    plan = db.get_or_404(LessonPlan, plan_id)
    require_visible(can_view_plan(current_user, plan))
    return plan


def _form_page(template: str, form, error: DomainError | None, **context):
    """A form page; a refusal keeps everything typed and answers with its status (422, 409, 413)."""
    status = error.status if error is not None else (422 if form.errors else 200)
    return render_template(template, form=form, **context), status


def _refused(form, error: DomainError) -> None:
    db.session.rollback()  # nothing of the refused request stays, not even a flushed file row
    show_error(form, error)


@bp.get("/lesson-plans")
@authenticated
def plan_list():
    require(can_view_own_plans(current_user))
    lecturer = current_user.lecturer
    return render_template("lecturers/plan_list.html", lecturer=lecturer, plans=queries.lecturer_plans(lecturer.id))


@bp.route("/lesson-plans/new", methods=["GET", "POST"])
@authenticated
def plan_create():
    require(can_write_plans(current_user))
    lecturer = current_user.lecturer
    form = NewPlanForm()
    programmes = queries.programmes(lecturer.unit_id, include_inactive=False)
    form.programme_id.choices = options([("", "—")] + [(p.id, f"{p.code} · {p.display_name(str(get_locale()))}")
                                                      for p in programmes])
    form.topic_id.choices = options([("", "—")] + queries.topic_choices(lecturer.unit_id))
    error = None
    if form.validate_on_submit():
        try:
            claim = claim_submission(form)
            plan = lesson_plans.create_plan(
                lecturer=lecturer, title=form.title.data, values=form.values(),
                upload=uploads.read_upload(form.file.data), programme_id=form.programme_id.data,
                topic_id=form.topic_id.data, actor=current_user, now=utcnow())
        except AlreadySubmitted as repeat:
            return already_submitted(repeat, url_for("lecturers.plan_list"))
        except DomainError as caught:
            error = caught
            _refused(form, error)
        else:
            location = remember_location(claim, url_for("lecturers.plan_detail", plan_id=plan.id))
            db.session.commit()
            flash(_("Lesson plan saved as a draft. Submit it when it is ready for review."), "success")
            return redirect(location)
    return _form_page("lecturers/plan_form.html", form, error, plan=None)


@bp.route("/lesson-plans/<int:plan_id>/edit", methods=["GET", "POST"])
@authenticated
def plan_edit(plan_id: int):
    plan = _load(plan_id)
    require(can_edit_plan(current_user, plan))
    draft = plan.latest
    form = PlanForm(data={"title": plan.title, "version": str(draft.version),
                          **{name: getattr(draft, name) for name in lesson_plans.PLAN_FIELDS}})
    error = None
    if form.validate_on_submit():
        try:
            lesson_plans.save_draft(plan, title=form.title.data, values=form.values(),
                                    upload=uploads.read_upload(form.file.data), actor=current_user, now=utcnow(),
                                    expected_version=_int_or_none(form.version.data))
        except DomainError as caught:
            error = caught
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("Draft saved."), "success")
            return redirect(url_for("lecturers.plan_detail", plan_id=plan.id))
    return _form_page("lecturers/plan_form.html", form, error, plan=plan, draft=plan.latest)


def _detail_page(plan: LessonPlan, *, review_form: PlanReviewForm | None = None, status: int = 200,
                 error: DomainError | None = None):
    versions = [version for version in plan.versions if can_view_plan_version(current_user, version)]
    number = request.args.get("version", type=int)
    shown = next((version for version in versions if version.number == number), versions[-1])
    return render_template(
        "lecturers/plan_detail.html", plan=plan, versions=versions, shown=shown,
        outline=presenters.outline_parts(shown.outline), outline_total=presenters.outline_minutes(shown.outline),
        duration=presenters.duration_minutes(shown), labels=presenters.FIELD_LABELS,
        review_form=review_form or PlanReviewForm(formdata=None), action_form=EmptyForm(),
        error=error.message if error is not None else None), status


@bp.get("/lesson-plans/<int:plan_id>")
@authenticated
def plan_detail(plan_id: int):
    return _detail_page(_load(plan_id))


@bp.post("/lesson-plans/<int:plan_id>/submit")
@authenticated
def plan_submit(plan_id: int):
    plan = _load(plan_id)
    require(can_author_plan(current_user, plan))
    if EmptyForm().validate_on_submit():
        try:
            lesson_plans.submit(plan, actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            return _detail_page(plan, status=error.status, error=error)
        db.session.commit()
        flash(_("Lesson plan submitted for review."), "success")
    return redirect(url_for("lecturers.plan_detail", plan_id=plan.id))


@bp.post("/lesson-plans/<int:plan_id>/revise")
@authenticated
def plan_revise(plan_id: int):
    plan = _load(plan_id)
    require(can_author_plan(current_user, plan))
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("lecturers.plan_detail", plan_id=plan.id))
    try:
        draft = lesson_plans.start_revision(plan, actor=current_user, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        return _detail_page(plan, status=error.status, error=error)
    db.session.commit()
    flash(_("Version %(number)s started from the previous one. Change what is needed, then submit it.",
            number=draft.number), "success")
    return redirect(url_for("lecturers.plan_edit", plan_id=plan.id))


@bp.post("/lesson-plans/<int:plan_id>/review")
@authenticated
def plan_review(plan_id: int):
    plan = _load(plan_id)
    require(can_review_plan(current_user, plan))
    form = PlanReviewForm()
    if not form.validate_on_submit():
        return _detail_page(plan, review_form=form, status=422)
    try:
        decision = form.decision()
        if decision is None:
            lesson_plans.add_comments(plan.latest, form.comments(), actor=current_user, now=utcnow(), required=True)
        else:
            lesson_plans.decide(plan, decision, comments=form.comments(), actor=current_user, now=utcnow())
    except DomainError as error:
        _refused(form, error)
        return _detail_page(plan, review_form=form, status=error.status)
    db.session.commit()
    flash({None: _("Comments sent."), "approve": _("Lesson plan approved."),
           "request_changes": _("Changes requested. The lecturer sees your comments.")}[decision], "success")
    return redirect(url_for("lecturers.plan_detail", plan_id=plan.id))


@bp.get("/lesson-plans/<int:plan_id>/compare")
@authenticated
def plan_compare(plan_id: int):
    plan = _load(plan_id)
    versions = [version for version in plan.versions if can_view_plan_version(current_user, version)]
    right = _visible(versions, request.args.get("b", type=int), default=versions[-1])
    left = _visible(versions, request.args.get("a", type=int), default=versions[max(versions.index(right) - 1, 0)])
    return render_template("lecturers/plan_compare.html", plan=plan, versions=versions, left=left, right=right,
                           rows=presenters.compare(left, right))


def _visible(versions: list[LessonPlanVersion], number: int | None, *, default: LessonPlanVersion):
    if number is None:
        return default
    version = next((version for version in versions if version.number == number), None)
    require_visible(version is not None)
    return version


@bp.get("/lesson-plans/<int:plan_id>/versions/<int:number>/file")
@authenticated
def plan_file(plan_id: int, number: int):
    plan = _load(plan_id)
    version = plan.version(number)
    require_visible(version is not None and can_download_plan(current_user, version))
    return uploads.send(version.file)


@bp.get("/lesson-plans/review")
@roles_required(Role.DIRECTOR, Role.REVIEWER)
def plan_queue():
    unit = current_unit()
    require(can_review_plans(current_user, unit))
    return render_template("lecturers/plan_queue.html", unit=unit, waiting=queries.plan_queue(unit.id))


@bp.get("/lesson-plans/missing")
@roles_required(Role.DIRECTOR, Role.OVERSEER)
def plans_missing():
    unit = current_unit()
    require(can_view_missing_plans(current_user, unit))
    past = request.args.get("past") == "1"
    query = queries.missing_plan_query(unit.id, since=None if past else utcnow().date())
    page = paginate(query, per_page=50)
    return render_template("lecturers/plan_missing.html", unit=unit, page=page, past=past)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
