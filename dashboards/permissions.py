"""Who sees the dashboards and takes the unit's Excel exports."""
from __future__ import annotations

from accounts.enums import Role
from accounts.models import Unit, User
from core.permissions import predicate


def _roles(user: User, unit: Unit) -> set[Role]:
    return user.roles_in(unit.id, unit.province_id)


@predicate
def can_view_dashboard(user: User, unit: Unit) -> bool:
    """The unit dashboard: the unit's director."""
    return Role.DIRECTOR in _roles(user, unit)


@predicate
def can_view_province(user: User, unit: Unit) -> bool:
    """The province dashboard (of the province of the unit one works in): its overseers."""
    return Role.OVERSEER in _roles(user, unit)


@predicate
def can_export_unit(user: User, unit: Unit) -> bool:
    """Excel exports of a unit's observations, roster and quarterly report: its director and
    the province's overseers (read-only readers of every record of the unit)."""
    return bool(_roles(user, unit) & {Role.DIRECTOR, Role.OVERSEER})
