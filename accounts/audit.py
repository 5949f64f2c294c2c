"""Reading the audit log: who may see which entries, and the filtered, paged query.

The log itself is written by ``core.models.log_action`` in the same transaction as each change;
the database refuses UPDATE and DELETE on it. Directors read the entries of their own unit;
administrators read every entry, including those that belong to no unit (sign-ins, accounts).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from accounts.models import User
from core.extensions import db
from core.models import AuditLog

PER_PAGE = 50


@dataclass(frozen=True)
class AuditFilters:
    date_from: date | None = None
    date_to: date | None = None
    actor_id: int | None = None
    action: str | None = None
    object_type: str | None = None


@dataclass(frozen=True)
class AuditRow:
    entry: AuditLog
    actor_name: str | None
    actor_username: str | None

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, old, new) for every field named in the entry's before or after values."""
        before, after = self.entry.before or {}, self.entry.after or {}
        fields = list(before) + [key for key in after if key not in before]
        return [(field, before.get(field), after.get(field)) for field in fields]


def _scoped(statement: sa.Select, unit_id: int | None) -> sa.Select:
    """``unit_id`` None means every entry (administrators)."""
    return statement if unit_id is None else statement.where(AuditLog.unit_id == unit_id)


def audit_query(unit_id: int | None, filters: AuditFilters) -> sa.Select:
    """The entries in scope matching ``filters``, newest first, each with its actor's names."""
    actor = aliased(User)
    statement = _scoped(
        sa.select(AuditLog, actor.full_name, actor.username).outerjoin(actor, AuditLog.actor_id == actor.id),
        unit_id)
    if filters.date_from:
        statement = statement.where(AuditLog.at >= datetime.combine(filters.date_from, time.min))
    if filters.date_to:
        statement = statement.where(AuditLog.at < datetime.combine(filters.date_to + timedelta(days=1), time.min))
    if filters.actor_id is not None:
        statement = statement.where(AuditLog.actor_id == filters.actor_id)
    if filters.action:
        statement = statement.where(AuditLog.action == filters.action)
    if filters.object_type:
        statement = statement.where(AuditLog.object_type == filters.object_type)
    return statement.order_by(AuditLog.at.desc(), AuditLog.id.desc())


def rows(statement: sa.Select, *, limit: int | None = None, offset: int = 0) -> list[AuditRow]:
    if limit is not None:
        statement = statement.limit(limit).offset(offset)
    return [AuditRow(entry, name, username) for entry, name, username in db.session.execute(statement)]


def known_actions(unit_id: int | None) -> list[str]:
    return list(db.session.scalars(_scoped(sa.select(AuditLog.action).distinct(), unit_id).order_by(AuditLog.action)))


def known_object_types(unit_id: int | None) -> list[str]:
    return list(db.session.scalars(
        _scoped(sa.select(AuditLog.object_type).distinct(), unit_id).order_by(AuditLog.object_type)))


def known_actors(unit_id: int | None) -> list[tuple[int, str]]:
    """The users who appear in the entries in scope, by name."""
    in_scope = _scoped(sa.select(AuditLog.actor_id).where(AuditLog.actor_id.is_not(None)), unit_id)
    return [(user.id, f"{user.full_name} ({user.username})") for user in db.session.scalars(
        sa.select(User).where(User.id.in_(in_scope)).order_by(User.full_name, User.id))]


@dataclass(frozen=True)
class AuditPage:
    """One page of entries, shaped for the shared ``pagination`` macro."""

    items: list[AuditRow]
    page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(statement: sa.Select, page: int) -> AuditPage:
    """Two queries whatever the page size: the count and the page's entries with their actors."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())) or 0
    page = min(max(page, 1), max(1, -(-total // PER_PAGE)))
    return AuditPage(rows(statement, limit=PER_PAGE, offset=(page - 1) * PER_PAGE), page, total)
