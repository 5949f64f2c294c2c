"""Who may plan, score, see, finalise and amend observations, and manage rubrics."""
from __future__ import annotations

from accounts.enums import STAFF_ROLES, Role
from accounts.models import Unit, User
from core.permissions import predicate
from reviews.models import Observation, Sheet
from reviews.rubrics import Rubric


def _roles(user: User, unit: Unit) -> set[Role]:
    return user.roles_in(unit.id, unit.province_id)


def _is_observed_lecturer(user: User, observation: Observation) -> bool:
    return observation.lecturer.user_id == user.id


def _own_sheet(user: User, observation: Observation) -> Sheet | None:
    return next((sheet for sheet in observation.sheets if sheet.observer_id == user.id), None)


@predicate
def can_plan_observation(user: User, unit: Unit) -> bool:
    return bool(_roles(user, unit) & {Role.DIRECTOR, Role.REVIEWER})


@predicate
def can_list_observations(user: User, unit: Unit) -> bool:
    return bool(_roles(user, unit) & STAFF_ROLES)


@predicate
def can_view_observation(user: User, observation: Observation) -> bool:
    """Unit staff and overseers; its observers; the observed lecturer once it is announced
    (an unannounced observation stays hidden from them until it is finalised)."""
    if can_list_observations(user, observation.unit):
        return True
    if _is_observed_lecturer(user, observation):  # never also an observer: nobody observes themselves
        return observation.is_finalized or not observation.is_unannounced
    return _own_sheet(user, observation) is not None  # read last: unit staff need no sheets loaded


@predicate
def can_edit_sheet(user: User, sheet: Sheet) -> bool:
    return sheet.observer_id == user.id and not sheet.is_submitted and not sheet.observation.is_finalized


@predicate
def can_view_sheet(user: User, sheet: Sheet) -> bool:
    """Your own sheet always. Another observer's only once it is submitted, and — if you
    observe this lesson too — only after you submitted yours. The observed lecturer reads
    the sheets' comments once the result is final."""
    if sheet.observer_id == user.id:
        return True
    observation = sheet.observation
    if _is_observed_lecturer(user, observation):
        return observation.is_finalized
    if not sheet.is_submitted or not can_view_observation(user, observation):
        return False
    own = _own_sheet(user, observation)
    return own is None or own.is_submitted or observation.is_finalized


@predicate
def can_finalize_observation(user: User, observation: Observation) -> bool:
    if observation.is_finalized:
        return False
    return observation.chair_id == user.id or Role.DIRECTOR in _roles(user, observation.unit)


@predicate
def can_amend_observation(user: User, observation: Observation) -> bool:
    return observation.is_finalized and Role.DIRECTOR in _roles(user, observation.unit)


@predicate
def can_respond_to_observation(user: User, observation: Observation) -> bool:
    return observation.is_finalized and _is_observed_lecturer(user, observation)


@predicate
def can_manage_rubrics(user: User, unit: Unit) -> bool:
    return Role.DIRECTOR in _roles(user, unit)


@predicate
def can_edit_rubric(user: User, rubric: Rubric) -> bool:
    """A unit's own rubric, by its director; shipped templates are never edited (only copied)."""
    return rubric.unit is not None and can_manage_rubrics(user, rubric.unit)


@predicate
def can_view_rubric(user: User, rubric: Rubric) -> bool:
    """Shipped templates are visible to everyone; a unit's rubrics to that unit's people."""
    return rubric.unit is None or bool(_roles(user, rubric.unit))


@predicate
def can_declare_conflict(user: User, unit: Unit) -> bool:
    return bool(_roles(user, unit) & {Role.DIRECTOR, Role.REVIEWER})


@predicate
def can_schedule_practice(user: User, lecturer) -> bool:
    """The unit's directors and reviewers, and the lecturer for their own rehearsal."""
    return lecturer.user_id == user.id or can_plan_observation(user, lecturer.unit)


@predicate
def can_self_assess(user: User, observation: Observation) -> bool:
    return observation.practice is not None and not observation.is_finalized and _is_observed_lecturer(user, observation)


@predicate
def can_give_verdict(user: User, observation: Observation) -> bool:
    return observation.practice is not None and can_finalize_observation(user, observation)


@predicate
def can_view_candidates(user: User, unit: Unit) -> bool:
    """The candidate evidence: the unit's director; the province's overseers read it."""
    return bool(_roles(user, unit) & {Role.DIRECTOR, Role.OVERSEER})


@predicate
def can_choose_candidates(user: User, unit: Unit) -> bool:
    """Shortlisting and nominating is the unit director's decision."""
    return Role.DIRECTOR in _roles(user, unit)


@predicate
def can_view_severity(user: User, unit: Unit) -> bool:
    """Reviewers' estimated severity: the unit's director only."""
    return Role.DIRECTOR in _roles(user, unit)
