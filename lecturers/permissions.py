"""Who may see and change lecturers, programmes, classes, workload and lesson plans."""
from __future__ import annotations

from accounts.enums import STAFF_ROLES, Role
from accounts.models import Unit, User
from core.permissions import predicate
from lecturers.enums import REVISABLE_STATES, PlanState
from lecturers.models import LessonPlan, LessonPlanVersion, Lecturer

PLAN_REVIEWERS = frozenset({Role.DIRECTOR, Role.REVIEWER})
PLAN_READERS = PLAN_REVIEWERS | {Role.OVERSEER}


def _roles(user: User, unit: Unit) -> set[Role]:
    return user.roles_in(unit.id, unit.province_id)


@predicate
def can_view_unit_records(user: User, unit: Unit) -> bool:
    """Staff of a unit (director, reviewer, secretary) and its province's overseers."""
    return bool(_roles(user, unit) & STAFF_ROLES)


@predicate
def can_manage_unit(user: User, unit: Unit) -> bool:
    """Lecturers, programmes, topics and classes are managed by the unit's director."""
    return Role.DIRECTOR in _roles(user, unit)


@predicate
def can_view_lecturer(user: User, lecturer: Lecturer) -> bool:
    return lecturer.user_id == user.id or can_view_unit_records(user, lecturer.unit)


@predicate
def can_edit_lecturer(user: User, lecturer: Lecturer) -> bool:
    return can_manage_unit(user, lecturer.unit)


@predicate
def can_view_workload(user: User, unit: Unit) -> bool:
    return bool(_roles(user, unit) & {Role.DIRECTOR, Role.OVERSEER})


# --- Lesson plans -------------------------------------------------------------------------------
# A plan is its lecturer's. The unit's director and reviewers review it and the province's
# overseers read it, once a version has been submitted (drafts stay the lecturer's own). Anyone
# else is told it does not exist.


def _own_plan(user: User, plan: LessonPlan) -> bool:
    return plan.lecturer.user_id == user.id


@predicate
def can_view_own_plans(user: User) -> bool:
    """The page of one's own plans: anyone with a lecturer profile."""
    return getattr(user, "lecturer", None) is not None


@predicate
def can_write_plans(user: User) -> bool:
    """Lecturers with an active profile write lesson plans (in their profile's unit)."""
    lecturer = getattr(user, "lecturer", None)
    return lecturer is not None and lecturer.is_active


@predicate
def can_list_plans(user: User, unit: Unit) -> bool:
    lecturer = getattr(user, "lecturer", None)
    return (lecturer is not None and lecturer.unit_id == unit.id) or bool(_roles(user, unit) & PLAN_READERS)


@predicate
def can_review_plans(user: User, unit: Unit) -> bool:
    """The queue of submitted plans: the unit's director and reviewers."""
    return bool(_roles(user, unit) & PLAN_REVIEWERS)


@predicate
def can_view_missing_plans(user: User, unit: Unit) -> bool:
    """The list of teaching sessions without an approved plan: the director, and overseers."""
    return bool(_roles(user, unit) & {Role.DIRECTOR, Role.OVERSEER})


@predicate
def can_view_plan(user: User, plan: LessonPlan) -> bool:
    return _own_plan(user, plan) or (plan.was_submitted and bool(_roles(user, plan.unit) & PLAN_READERS))


@predicate
def can_view_plan_version(user: User, version: LessonPlanVersion) -> bool:
    plan = version.plan
    return _own_plan(user, plan) or (not version.is_draft and can_view_plan(user, plan))


@predicate
def can_download_plan(user: User, version: LessonPlanVersion) -> bool:
    return version.file_id is not None and can_view_plan_version(user, version)


@predicate
def can_author_plan(user: User, plan: LessonPlan) -> bool:
    """Submit and revise: the plan's lecturer. (Whether the plan's state allows it is the
    service's answer: a repeated submit is harmless, a revise of a plan under review is a 409.)"""
    return _own_plan(user, plan)


@predicate
def can_edit_plan(user: User, plan: LessonPlan) -> bool:
    return _own_plan(user, plan) and plan.state == PlanState.DRAFT


@predicate
def can_revise_plan(user: User, plan: LessonPlan) -> bool:
    return _own_plan(user, plan) and plan.state in REVISABLE_STATES


@predicate
def can_review_plan(user: User, plan: LessonPlan) -> bool:
    """Comment, approve or request changes: the unit's director and reviewers, never on their
    own plan."""
    return not _own_plan(user, plan) and bool(_roles(user, plan.unit) & PLAN_REVIEWERS)


@predicate
def can_decide_plan(user: User, plan: LessonPlan) -> bool:
    """Whether the decision form is offered now: a reviewer, and a version waiting for review."""
    return plan.state == PlanState.SUBMITTED and can_review_plan(user, plan)
