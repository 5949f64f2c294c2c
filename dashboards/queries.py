"""The figures of the unit and province dashboards, for any set of units at once: every figure
is one grouped SQL query over all the units asked for, so a dashboard runs the same number of
queries whatever the size of the data or the number of units."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from accounts.models import Unit, User
from core.extensions import db
from lecturers.enums import ClassStatus, PlanState
from lecturers.models import Lecturer, LessonPlan, LessonPlanVersion, TeachingSession, TrainingClass
from lecturers.queries import norm_for
from meetings.enums import MinutesState
from meetings.models import ActionClosure, ActionItem, Attendance, Meeting
from reviews.enums import ObservationKind, ObservationState, Rating
from reviews.models import Observation, Sheet
from reviews.progress import finalized_results

RATINGS = tuple(rating.value for rating in Rating)


@dataclass(frozen=True)
class Period:
    key: str  # "month", "quarter", "year"
    start: date
    end: date  # inclusive


def periods(today: date) -> list[Period]:
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return [Period("month", today.replace(day=1), _month_end(today.replace(day=1))),
            Period("quarter", quarter_start, _month_end(date(today.year, quarter_start.month + 2, 1))),
            Period("year", date(today.year, 1, 1), date(today.year, 12, 31))]


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


@dataclass
class UnitFigures:
    unit: Unit
    done: dict[str, int] = field(default_factory=dict)  # period key -> finalised observed lessons
    planned: dict[str, int] = field(default_factory=dict)  # period key -> observed lessons scheduled
    classes_without_observation: int = 0
    ratings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RATINGS, 0))
    by_kind: dict[str, tuple[int, float | None]] = field(default_factory=dict)  # lecturer kind -> (n, mean %)
    reviewers: list[tuple[User, int, int]] = field(default_factory=list)  # (user, sheets submitted, sheets open)
    pending_plans: int = 0
    overdue_actions: int = 0
    attendance: dict[str, int] = field(default_factory=dict)  # status -> count, approved minutes of the year
    lecturers: int = 0
    below_norm: int = 0
    hours: int = 0
    norm_hours: int = 0

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def attendance_percent(self) -> float | None:
        total = sum(self.attendance.values())
        return round(self.attendance.get("present", 0) * 100 / total, 1) if total else None


def unit_figures(units: list[Unit], *, today: date) -> dict[int, UnitFigures]:
    """Every dashboard figure for each unit (this month, quarter and calendar year)."""
    figures = {unit.id: UnitFigures(unit) for unit in units}
    ids = list(figures)
    if not ids:
        return figures
    year = periods(today)[-1]
    _observations(figures, ids, today)
    _coverage_plans_and_actions(figures, ids, year, today)
    _ratings(figures, ids, year)
    _reviewers(figures, ids, year)
    _attendance(figures, ids, year)
    _workload(figures, ids, year)
    return figures


def _observations(figures, ids, today) -> None:
    columns = []
    for period in periods(today):
        in_period = Observation.date.between(period.start, period.end)
        columns += [sa.func.count().filter(in_period).label(f"planned_{period.key}"),
                    sa.func.count().filter(in_period, Observation.state == ObservationState.FINALIZED)
                    .label(f"done_{period.key}")]
    year = periods(today)[-1]  # the month and the quarter lie inside it: read the year only (indexed)
    query = (sa.select(Observation.unit_id, *columns)
             .where(Observation.unit_id.in_(ids), Observation.kind == ObservationKind.OBSERVED_LESSON,
                    Observation.date.between(year.start, year.end))
             .group_by(Observation.unit_id))
    for row in db.session.execute(query).mappings():
        for period in periods(today):
            figures[row["unit_id"]].planned[period.key] = row[f"planned_{period.key}"]
            figures[row["unit_id"]].done[period.key] = row[f"done_{period.key}"]
    for unit in figures.values():
        for period in periods(today):
            unit.planned.setdefault(period.key, 0)
            unit.done.setdefault(period.key, 0)


def _coverage_plans_and_actions(figures, ids, year: Period, today: date) -> None:
    """Per unit, in one query: classes of the year none of whose sessions was observed, plan
    versions waiting for review, and action items past due and not closed."""
    observed = (sa.select(TeachingSession.class_id).join(Observation, Observation.session_id == TeachingSession.id)
                .where(TeachingSession.class_id == TrainingClass.id))
    classes = (sa.select(sa.func.count()).select_from(TrainingClass)
               .where(TrainingClass.unit_id == Unit.id, TrainingClass.status != ClassStatus.CANCELLED,
                      TrainingClass.start_date <= year.end, TrainingClass.end_date >= year.start,
                      ~sa.exists(observed)).scalar_subquery())
    plans = (sa.select(sa.func.count()).select_from(LessonPlan).join(LessonPlanVersion)
             .where(LessonPlan.unit_id == Unit.id, LessonPlanVersion.state == PlanState.SUBMITTED).scalar_subquery())
    closed = sa.select(ActionClosure.id).where(ActionClosure.action_item_id == ActionItem.id)
    actions = (sa.select(sa.func.count()).select_from(ActionItem)
               .where(ActionItem.unit_id == Unit.id, ActionItem.due_on < today, ~sa.exists(closed)).scalar_subquery())
    for unit_id, without_observation, pending_plans, overdue_actions in db.session.execute(
            sa.select(Unit.id, classes, plans, actions).where(Unit.id.in_(ids))):
        figures[unit_id].classes_without_observation = without_observation
        figures[unit_id].pending_plans = pending_plans
        figures[unit_id].overdue_actions = overdue_actions


def _ratings(figures, ids, year: Period) -> None:
    """Results of the year by rating, and by lecturer kind (how many, mean percent): one pass
    over the results, grouped by both, folded here."""
    results = finalized_results(Observation.unit_id.in_(ids), Observation.date.between(year.start, year.end),
                                Observation.kind == ObservationKind.OBSERVED_LESSON)
    query = (sa.select(results.c.unit_id, results.c.rating, Lecturer.kind, sa.func.count(),
                       sa.func.count(results.c.percent), sa.func.sum(results.c.percent, type_=sa.Numeric(12, 2)))
             .join(Lecturer, Lecturer.id == results.c.lecturer_id)
             .group_by(results.c.unit_id, results.c.rating, Lecturer.kind))
    by_kind: dict[tuple[int, str], list] = {}
    for unit_id, rating, kind, count, scored, total in db.session.execute(query):
        if rating is not None:
            figures[unit_id].ratings[rating] += count
        sums = by_kind.setdefault((unit_id, kind), [0, 0, Decimal(0)])
        sums[0] += count
        sums[1] += scored
        sums[2] += total or 0
    for (unit_id, kind), (count, scored, total) in by_kind.items():
        figures[unit_id].by_kind[kind] = (count, float(round(total / scored, 1)) if scored else None)


def _reviewers(figures, ids, year: Period) -> None:
    """Each reviewer's sheets of the year per unit (submitted, not yet): counted first, then
    named (naming each of the year's sheets cost more than counting them)."""
    submitted = sa.func.count().filter(Sheet.state == "submitted")
    counts = (sa.select(Observation.unit_id, Sheet.observer_id, submitted.label("done"),
                        (sa.func.count() - submitted).label("waiting"))
              .join(Sheet, Sheet.observation_id == Observation.id)
              .where(Observation.unit_id.in_(ids), Observation.date.between(year.start, year.end))
              .group_by(Observation.unit_id, Sheet.observer_id).subquery())
    query = (sa.select(counts.c.unit_id, User, counts.c.done, counts.c.waiting)
             .join(User, User.id == counts.c.observer_id)
             .order_by(counts.c.unit_id, counts.c.done.desc(), User.full_name))
    for unit_id, user, done, waiting in db.session.execute(query):
        figures[unit_id].reviewers.append((user, done, waiting))


def _attendance(figures, ids, year: Period) -> None:
    """Attendance as recorded in the approved minutes of the year (the meetings report also
    applies later corrections, row by row)."""
    query = (sa.select(Meeting.unit_id, Attendance.status, sa.func.count()).join(Attendance.meeting)
             .where(Meeting.unit_id.in_(ids), Meeting.state == MinutesState.APPROVED,
                    Meeting.month.between(year.start, year.end))
             .group_by(Meeting.unit_id, Attendance.status))
    for unit_id, status, count in db.session.execute(query):
        figures[unit_id].attendance[status] = count


def _workload(figures, ids, year: Period) -> None:
    hours = (sa.select(TeachingSession.lecturer_id, sa.func.sum(TeachingSession.periods).label("hours"))
             .join(TrainingClass).where(TrainingClass.unit_id.in_(ids),
                                        TeachingSession.date.between(year.start, year.end))
             .group_by(TeachingSession.lecturer_id).subquery())
    query = (sa.select(Lecturer.unit_id, Lecturer.workload_role, sa.func.coalesce(hours.c.hours, 0))
             .outerjoin(hours, hours.c.lecturer_id == Lecturer.id)
             .where(Lecturer.unit_id.in_(ids), Lecturer.is_active.is_(True)))
    norms: dict[tuple[int, str], int] = {}  # a province has 3,000 lecturers but a few roles per unit
    for unit_id, role, done in db.session.execute(query):
        unit = figures[unit_id]
        norm = norms.get((unit_id, role))
        if norm is None:
            norm = norms[unit_id, role] = norm_for(unit.unit, role) or 0
        unit.lecturers += 1
        unit.hours += int(done)
        unit.norm_hours += norm
        unit.below_norm += 1 if norm and done < norm else 0


# --- the province ------------------------------------------------------------------------------


def province_units(province_id: int) -> list[Unit]:
    """The teaching units of a province (its board oversees them and teaches no classes)."""
    from accounts.enums import UnitKind

    query = (sa.select(Unit).where(Unit.province_id == province_id, Unit.is_active.is_(True),
                                   Unit.kind != UnitKind.PROVINCIAL_BOARD)
             .options(joinedload(Unit.province)).order_by(Unit.name))  # the page's heading names it
    return list(db.session.scalars(query))


def quarterly_ratings(ids: list[int], *, since: date) -> dict[int, dict[tuple[int, int], dict[str, int]]]:
    """unit id -> (year, quarter) -> rating -> count of finalised observed lessons since ``since``
    (grouped by month in SQL, folded into quarters here)."""
    results = finalized_results(Observation.unit_id.in_(ids), Observation.date >= since,
                                Observation.kind == ObservationKind.OBSERVED_LESSON)
    year, month = sa.extract("year", results.c.date), sa.extract("month", results.c.date)
    query = (sa.select(results.c.unit_id, year, month, results.c.rating, sa.func.count())
             .where(results.c.rating.is_not(None)).group_by(results.c.unit_id, year, month, results.c.rating))
    table: dict[int, dict[tuple[int, int], dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for unit_id, y, m, rating, count in db.session.execute(query):
        quarter = table[unit_id][(int(y), (int(m) - 1) // 3 + 1)]
        quarter[rating] = quarter.get(rating, 0) + count
    return table


def quarters_since(since: date, today: date) -> list[tuple[int, int]]:
    first, last = since.year * 4 + (since.month - 1) // 3, today.year * 4 + (today.month - 1) // 3
    return [(index // 4, index % 4 + 1) for index in range(first, last + 1)]
