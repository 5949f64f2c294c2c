"""Reads about units and users."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from accounts.enums import Role
from accounts.models import Province, RoleGrant, Unit, User
from core.extensions import db
from core.models import MAX_ID
from core.vietnamese import name_sort_key


def units_visible_to(user: User) -> list[Unit]:
    """Units whose records the user may open: their own units, and every unit of the
    provinces they oversee. Administrators see every unit (for account management)."""
    if user.is_admin:
        query = sa.select(Unit)
    else:
        own = {grant.unit_id for grant in user.grants if grant.role != Role.OVERSEER}
        provinces = user.overseen_province_ids()
        query = sa.select(Unit).where(sa.or_(Unit.id.in_(own), Unit.province_id.in_(provinces)))
    return list(db.session.scalars(query.order_by(Unit.province_id, Unit.name)))


def has_several_working_units(user: User) -> bool:
    """Whether the navigation offers a unit switch: roles in several units, or a province to
    oversee (its board and its centres); read from the grants, no query."""
    return bool(user.overseen_province_ids()) or len({grant.unit_id for grant in user.grants}) > 1


def _working_units_query(user: User) -> sa.Select | None:
    """Every unit where the user holds a role and the units of provinces they oversee; None
    when that is their one granted unit (loaded with the grants: nothing to read)."""
    if not has_several_working_units(user):
        return None
    own = {grant.unit_id for grant in user.grants}
    return (sa.select(Unit).where(sa.or_(Unit.id.in_(own), Unit.province_id.in_(user.overseen_province_ids())))
            .order_by(Unit.province_id, Unit.name))


def working_units(user: User) -> list[Unit]:
    """Units the user can switch to in the navigation."""
    query = _working_units_query(user)
    if query is None:
        return [grant.unit for grant in user.grants[:1]]
    return list(db.session.scalars(query))


def working_unit(user: User, wanted: int | None) -> Unit | None:
    """The unit ``wanted`` if the user may work there, else their first: one row read, however
    many units they oversee."""
    query = _working_units_query(user)
    if query is None:
        return user.grants[0].unit if user.grants else None
    unit = db.session.scalar(query.where(Unit.id == wanted)) if wanted is not None and 0 < wanted <= MAX_ID else None
    return unit if unit is not None else db.session.scalar(query.limit(1))


def all_units() -> list[Unit]:
    return list(db.session.scalars(sa.select(Unit).order_by(Unit.province_id, Unit.name)))


def all_provinces() -> list[Province]:
    return list(db.session.scalars(sa.select(Province).order_by(Province.name)))


def list_users(*, search: str = "") -> list[User]:
    query = sa.select(User).options(selectinload(User.grants))
    search = search.replace("\x00", "")  # no stored name holds one, and PostgreSQL refuses it
    if search:
        query = query.where(sa.or_(User.username.ilike(f"%{search}%"), User.full_name.ilike(f"%{search}%")))
    users = list(db.session.scalars(query))
    return sorted(users, key=lambda user: name_sort_key(user.full_name))


def unit_users(unit_id: int) -> list[User]:
    query = (sa.select(User).where(User.grants.any(RoleGrant.unit_id == unit_id))
             .options(selectinload(User.grants)))
    return sorted(db.session.scalars(query), key=lambda user: name_sort_key(user.full_name))
