"""Who may manage accounts and units."""
from __future__ import annotations

from accounts.enums import Role
from accounts.models import Unit, User
from core.permissions import predicate


@predicate
def can_manage_accounts(user: User) -> bool:
    return user.is_admin


@predicate
def can_view_unit(user: User, unit: Unit) -> bool:
    if user.is_admin:
        return True
    return bool(user.roles_in(unit.id, unit.province_id))


# Roles whose holders must sign in with a second factor (ASVS 6.3.3): they see or change the
# records of a whole unit or province, or every account.
TWO_FACTOR_ROLES = frozenset({Role.DIRECTOR, Role.OVERSEER, Role.ADMIN})


def must_use_two_factor(user: User) -> bool:
    """Whether ``user`` holds a director, overseer or admin role in any unit."""
    return any(grant.role in TWO_FACTOR_ROLES for grant in user.grants)


def must_enrol_two_factor(user: User, *, required: bool) -> bool:
    """Whether ``user`` is to be sent to the enrolment page: the policy is on
    (``REQUIRE_TOTP_FOR_PRIVILEGED``), they must use two-factor and have not enrolled yet."""
    return required and not user.totp_enabled and must_use_two_factor(user)


@predicate
def can_view_audit_log(user: User, unit: Unit | None) -> bool:
    """Administrators read the whole audit log; a director reads the entries of the unit they
    direct (a provincial overseer or another unit's director does not)."""
    if user.is_admin:
        return True
    return unit is not None and Role.DIRECTOR in {Role(grant.role) for grant in user.grants if grant.unit_id == unit.id}


def audit_scope(user: User, unit: Unit | None) -> int | None:
    """The unit whose entries ``user`` reads in the audit log; None for every entry (administrators)."""
    return None if user.is_admin else unit.id if unit is not None else -1
