"""Reads: lecturer lists in Vietnamese order, classes, sessions and yearly workload."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from accounts.models import Unit, User
from core.extensions import db
from core.vietnamese import fold
from lecturers.enums import WorkloadRole
from lecturers.models import Lecturer, Programme, TeachingSession, Topic, TrainingClass


def lecturer_query(unit_id: int, *, search: str = "", kind: str | None = None, include_inactive: bool = False):
    """Lecturers of a unit sorted by given name, then family and middle names; ``search``
    ignores diacritics and case ("nguyen thi huong" finds "Nguyễn Thị Hương")."""
    query = sa.select(Lecturer).where(Lecturer.unit_id == unit_id)
    if search:
        query = query.where(Lecturer.search_name.contains(fold(search), autoescape=True))
    if kind:
        query = query.where(Lecturer.kind == kind)
    if not include_inactive:
        query = query.where(Lecturer.is_active.is_(True))
    return query.order_by(Lecturer.sort_key, Lecturer.id)


def active_lecturers(unit_id: int) -> list[Lecturer]:
    return list(db.session.scalars(lecturer_query(unit_id)))


def programmes(unit_id: int, *, include_inactive: bool = True) -> list[Programme]:
    query = (sa.select(Programme).where(Programme.unit_id == unit_id)
             .options(selectinload(Programme.topics)).order_by(Programme.code))
    if not include_inactive:
        query = query.where(Programme.is_active.is_(True))
    return list(db.session.scalars(query))


def topic_choices(unit_id: int, programme_id: int | None = None) -> list[tuple[int, str]]:
    query = (sa.select(Topic, Programme.code).join(Programme)
             .where(Programme.unit_id == unit_id, Topic.is_active.is_(True)))
    if programme_id is not None:
        query = query.where(Programme.id == programme_id)
    rows = db.session.execute(query.order_by(Programme.code, Topic.code))
    return [(topic.id, f"{code} · {topic.code} · {topic.title}") for topic, code in rows]


def class_query(unit_id: int, *, year: int | None = None):
    query = (sa.select(TrainingClass).where(TrainingClass.unit_id == unit_id)
             .options(selectinload(TrainingClass.programme)))
    if year:
        query = query.where(TrainingClass.start_date <= date(year, 12, 31), TrainingClass.end_date >= date(year, 1, 1))
    return query.order_by(TrainingClass.start_date.desc(), TrainingClass.id.desc())


def class_sessions(class_id: int) -> list[TeachingSession]:
    query = (sa.select(TeachingSession).where(TeachingSession.class_id == class_id)
             .options(selectinload(TeachingSession.topic), selectinload(TeachingSession.lecturer))
             .order_by(TeachingSession.date, TeachingSession.id))
    return list(db.session.scalars(query))


def lecturer_sessions(lecturer_id: int, *, limit: int = 20) -> list[TeachingSession]:
    query = (sa.select(TeachingSession).where(TeachingSession.lecturer_id == lecturer_id)
             .options(selectinload(TeachingSession.topic), selectinload(TeachingSession.training_class))
             .order_by(TeachingSession.date.desc()).limit(limit))
    return list(db.session.scalars(query))


def linkable_users(unit_id: int, lecturer: Lecturer | None) -> list[User]:
    """Accounts of the unit that are not yet linked to a lecturer (plus the current link)."""
    from accounts.queries import unit_users

    linked = set(db.session.scalars(sa.select(Lecturer.user_id).where(Lecturer.user_id.is_not(None))))
    current = lecturer.user_id if lecturer else None
    return [user for user in unit_users(unit_id) if user.id not in linked or user.id == current]


@dataclass(frozen=True)
class WorkloadRow:
    lecturer: Lecturer
    hours: int
    norm: int | None  # None: no norm applies

    @property
    def percent(self) -> float | None:
        return round(self.hours * 100 / self.norm, 1) if self.norm else None


def norm_for(unit: Unit, workload_role: str) -> int | None:
    norm = {
        WorkloadRole.DIRECTOR: unit.norm_director,
        WorkloadRole.DEPUTY: unit.norm_deputy,
        WorkloadRole.FULL_TIME: unit.norm_full_time,
        WorkloadRole.FULL_TIME_ADMIN: unit.norm_full_time_admin,
        WorkloadRole.ADJUNCT: unit.norm_adjunct,
    }.get(WorkloadRole(workload_role), 0)
    return norm or None


def yearly_hours(unit_id: int, year: int) -> dict[int, int]:
    """Teaching periods per lecturer in a calendar year (one period counts one standard hour)."""
    query = (sa.select(TeachingSession.lecturer_id, sa.func.sum(TeachingSession.periods))
             .join(TrainingClass).where(TrainingClass.unit_id == unit_id,
                                        TeachingSession.date.between(date(year, 1, 1), date(year, 12, 31)))
             .group_by(TeachingSession.lecturer_id))
    return {lecturer_id: int(total or 0) for lecturer_id, total in db.session.execute(query)}


def workload(unit: Unit, year: int) -> list[WorkloadRow]:
    hours = yearly_hours(unit.id, year)
    return [WorkloadRow(lecturer, hours.get(lecturer.id, 0), norm_for(unit, lecturer.workload_role))
            for lecturer in active_lecturers(unit.id)]
