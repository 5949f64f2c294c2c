"""Who may see and change lecturers, programmes, classes and workload."""
from __future__ import annotations

from accounts.enums import STAFF_ROLES, Role
from accounts.models import Unit, User
from core.permissions import predicate
from lecturers.models import Lecturer


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
