"""Who may manage accounts and units."""
from __future__ import annotations

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
