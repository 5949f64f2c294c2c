"""Reads: lecturer lists in Vietnamese order, classes, sessions, yearly workload, lesson plans
and the teaching sessions whose lecturer has no approved plan for the topic."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from accounts.models import Unit, User
from core.content_versions import stamp_of_unit
from core.extensions import db
from core.vietnamese import fold
from lecturers.enums import ClassStatus, PlanState, WorkloadRole
from lecturers.models import (Lecturer, LessonPlan, LessonPlanVersion, Programme, TeachingSession, Topic, TrainingClass,
                              lecturer_topic)


def lecturer_query(unit_id: int, *, search: str = "", kind: str | None = None, include_inactive: bool = False):
    """Lecturers of a unit sorted by given name, then family and middle names; ``search``
    ignores diacritics and case ("nguyen thi huong" finds "Nguyễn Thị Hương")."""
    query = sa.select(Lecturer).where(Lecturer.unit_id == unit_id)
    search = search.replace("\x00", "")  # no stored name holds one, and PostgreSQL refuses it
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


def lecturer_heading(lecturer_id: int) -> tuple[Lecturer, int] | None:
    """A lecturer: what their name and who may see them read (their unit is most often the
    viewer's, already loaded with their session), and the content stamp of their unit
    (``core.content_versions``), in one query."""
    row = db.session.execute(_lecturer_heading_query(), {"id": lecturer_id}).first()
    return (row[0], row[1]) if row else None


@cache
def _lecturer_heading_query() -> sa.Select:
    """Built once (every view of a lecturer runs it), with the id as a parameter."""
    return sa.select(Lecturer, stamp_of_unit(Lecturer.unit_id)).where(Lecturer.id == sa.bindparam("id"))


def lecturer_profile(lecturer_id: int, year: int) -> tuple[Lecturer, int] | None:
    """A lecturer with their unit and topics, and their teaching periods in ``year`` in the
    unit's classes (as ``yearly_hours`` counts them), in two queries; None when not found."""
    hours = (sa.select(sa.func.coalesce(sa.func.sum(TeachingSession.periods), 0)).join(TrainingClass)
             .where(TeachingSession.lecturer_id == Lecturer.id, *_taught_in(Lecturer.unit_id, year))
             .scalar_subquery())
    # Topics joined in a flat chain: joinedload (and a join on the relationship) nest the link
    # table's join, and SQLite then reads the whole link table for one lecturer.
    query = (sa.select(Lecturer, hours).where(Lecturer.id == lecturer_id)
             .outerjoin(lecturer_topic, lecturer_topic.c.lecturer_id == Lecturer.id)
             .outerjoin(Topic, Topic.id == lecturer_topic.c.topic_id)
             .options(joinedload(Lecturer.unit), contains_eager(Lecturer.topics)).order_by(Topic.code))
    row = db.session.execute(query).unique().first()
    return (row[0], int(row[1])) if row else None


def lecturer_sessions(lecturer_id: int, *, limit: int = 20) -> list[tuple[TeachingSession, bool]]:
    """The lecturer's latest teaching sessions, each with whether it lacks an approved lesson
    plan for its topic (one query)."""
    query = (sa.select(TeachingSession, ~_has_approved_plan()).where(TeachingSession.lecturer_id == lecturer_id)
             .options(joinedload(TeachingSession.topic), joinedload(TeachingSession.training_class))
             .order_by(TeachingSession.date.desc(), TeachingSession.id.desc()).limit(limit))
    return [(session, bool(missing)) for session, missing in db.session.execute(query)]


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


def _taught_in(unit_id, year: int) -> tuple:
    """SQL: a teaching session (joined with its class) in the unit's classes, in calendar ``year``."""
    return TrainingClass.unit_id == unit_id, TeachingSession.date.between(date(year, 1, 1), date(year, 12, 31))


def yearly_hours(unit_id: int, year: int) -> dict[int, int]:
    """Teaching periods per lecturer in a calendar year (one period counts one standard hour)."""
    query = (sa.select(TeachingSession.lecturer_id, sa.func.sum(TeachingSession.periods))
             .join(TrainingClass).where(*_taught_in(unit_id, year))
             .group_by(TeachingSession.lecturer_id))
    return {lecturer_id: int(total or 0) for lecturer_id, total in db.session.execute(query)}


def workload(unit: Unit, year: int) -> list[WorkloadRow]:
    hours = yearly_hours(unit.id, year)
    return [WorkloadRow(lecturer, hours.get(lecturer.id, 0), norm_for(unit, lecturer.workload_role))
            for lecturer in active_lecturers(unit.id)]


# --- Lesson plans ---------------------------------------------------------------------------------

def _plan_options(versions=selectinload):
    return (versions(LessonPlan.versions), joinedload(LessonPlan.topic), joinedload(LessonPlan.programme),
            joinedload(LessonPlan.lecturer))


def plan_query(*, unit_id: int | None = None, lecturer_id: int | None = None, submitted_only: bool = False,
               versions=selectinload):
    """Plans of a unit and/or a lecturer, most recently changed first. ``submitted_only``
    leaves out plans whose versions are all drafts (what reviewers may see); ``versions`` is
    how the versions load (``joinedload`` in the same query, when no page limit applies)."""
    query = sa.select(LessonPlan).options(*_plan_options(versions))
    if unit_id is not None:
        query = query.where(LessonPlan.unit_id == unit_id)
    if lecturer_id is not None:
        query = query.where(LessonPlan.lecturer_id == lecturer_id)
    if submitted_only:
        query = query.where(LessonPlan.versions.any(LessonPlanVersion.state != PlanState.DRAFT))
    return query.order_by(LessonPlan.updated_at.desc(), LessonPlan.id.desc())


def visible_plan_query(unit_id: int, *, own_lecturer_id: int | None, staff: bool):
    """A unit's plans someone may see: their own (``own_lecturer_id``), and with ``staff``
    (director, reviewer, overseer) every plan that has been submitted."""
    query = plan_query(unit_id=unit_id)
    seen = [LessonPlan.lecturer_id == own_lecturer_id] if own_lecturer_id is not None else []
    if staff:
        seen.append(LessonPlan.versions.any(LessonPlanVersion.state != PlanState.DRAFT))
    return query.where(sa.or_(*seen) if seen else sa.false())


def lecturer_plans(lecturer_id: int, *, submitted_only: bool = False) -> list[LessonPlan]:
    """A lecturer's plans with their versions, in one query (a lecturer has a few dozen at most)."""
    query = plan_query(lecturer_id=lecturer_id, submitted_only=submitted_only, versions=joinedload)
    return list(db.session.scalars(query).unique())


def plan_queue(unit_id: int) -> list[LessonPlanVersion]:
    """Versions waiting for review in a unit, oldest submission first."""
    query = (sa.select(LessonPlanVersion).join(LessonPlan)
             .where(LessonPlan.unit_id == unit_id, LessonPlanVersion.state == PlanState.SUBMITTED)
             .options(selectinload(LessonPlanVersion.plan).options(*_plan_options()))
             .order_by(LessonPlanVersion.submitted_at, LessonPlanVersion.id))
    return list(db.session.scalars(query))


def _has_approved_plan():
    """SQL: the session's lecturer has an approved plan for the session's topic."""
    return (sa.select(LessonPlanVersion.id).join(LessonPlan)
            .where(LessonPlan.lecturer_id == TeachingSession.lecturer_id,
                   LessonPlan.topic_id == TeachingSession.topic_id, LessonPlanVersion.state == PlanState.APPROVED)
            .exists())


def sessions_without_plan(sessions: list[TeachingSession]) -> set[int]:
    """The ids of those ``sessions`` whose lecturer has no approved plan for the topic (one query)."""
    if not sessions:
        return set()
    pairs = {(session.lecturer_id, session.topic_id) for session in sessions}
    rows = db.session.execute(
        sa.select(LessonPlan.lecturer_id, LessonPlan.topic_id).distinct().join(LessonPlanVersion)
        .where(LessonPlan.lecturer_id.in_({lecturer for lecturer, _ in pairs}),
               LessonPlan.topic_id.in_({topic for _, topic in pairs}),
               LessonPlanVersion.state == PlanState.APPROVED))
    covered = {(lecturer_id, topic_id) for lecturer_id, topic_id in rows}
    return {session.id for session in sessions if (session.lecturer_id, session.topic_id) not in covered}


def missing_plan_query(unit_id: int, *, since: date | None = None):
    """Teaching sessions of a unit (from ``since`` on) whose lecturer has no approved plan for
    the topic, in date order."""
    query = (sa.select(TeachingSession).join(TrainingClass)
             .where(TrainingClass.unit_id == unit_id, TrainingClass.status != ClassStatus.CANCELLED,
                    ~_has_approved_plan())
             .options(selectinload(TeachingSession.topic), selectinload(TeachingSession.lecturer),
                      selectinload(TeachingSession.training_class)))
    if since is not None:
        query = query.where(TeachingSession.date >= since)
    return query.order_by(TeachingSession.date, TeachingSession.id)
