"""A lecturer's progress as plain series: finalised results over time (amended values where
amended), per rubric domain (domains matched by code across rubric versions), the unit's
quarterly median and inter-quartile range, contest results from whoever registers a source,
and the trend with its standard error. Also the SQL expressions of an observation's result in
effect, for grouped aggregates elsewhere (dashboards)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import NamedTuple

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from accounts.models import Unit
from core.extensions import db
from core.memo import DerivedCache
from lecturers.models import Lecturer, Topic
from reviews.enums import ObservationKind, ObservationState
from reviews.models import Amendment, Observation
from reviews.rubrics import Criterion, RubricDomain, RubricVersion
from reviews.severity import Trend, trend

KINDS = tuple(kind.value for kind in ObservationKind)
PERIODS = (6, 12, 24, 36, 0)  # months shown; 0: everything
DEFAULT_MONTHS = 24


# --- the result in effect, in SQL --------------------------------------------------------------


def _amended(key: str):
    return (sa.select(Amendment.after[key].as_string()).where(Amendment.observation_id == Observation.id)
            .order_by(Amendment.id.desc()).limit(1).scalar_subquery())


def effective_percent():
    """SQL: the observation's percent in effect (the latest amendment's, else the finalised one)."""
    return sa.func.coalesce(sa.cast(_amended("percent"), sa.Numeric(5, 2)), Observation.percent)


def effective_rating():
    return sa.func.coalesce(_amended("rating"), Observation.rating)


def finalized_results(*conditions):
    """A subquery of finalised observations with their result in effect: id, unit_id,
    lecturer_id, kind, date, percent, rating."""
    return (sa.select(Observation.id, Observation.unit_id, Observation.lecturer_id, Observation.kind,
                      Observation.date, effective_percent().label("percent"), effective_rating().label("rating"))
            .where(Observation.state == ObservationState.FINALIZED, *conditions).subquery("results"))


# --- filters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressFilters:
    months: int = DEFAULT_MONTHS
    kinds: tuple[str, ...] = KINDS

    @classmethod
    def from_args(cls, args: Mapping) -> ProgressFilters:
        """Read ``?months=12&kind=observed_lesson`` (unknown values fall back to the defaults)."""
        try:
            months = int(args.get("months", DEFAULT_MONTHS))
        except (TypeError, ValueError):
            months = DEFAULT_MONTHS
        getlist = getattr(args, "getlist", None)
        wanted = getlist("kind") if getlist else ([args["kind"]] if "kind" in args else [])
        kinds = tuple(kind for kind in KINDS if kind in wanted) or KINDS
        return cls(months=months if months in PERIODS else DEFAULT_MONTHS, kinds=kinds)

    def as_args(self) -> dict:
        """The URL query that reproduces these filters (defaults left out)."""
        args: dict = {}
        if self.months != DEFAULT_MONTHS:
            args["months"] = self.months
        if self.kinds != KINDS:
            args["kind"] = list(self.kinds)
        return args

    def since(self, today: date) -> date | None:
        if not self.months:
            return None
        month = today.year * 12 + today.month - 1 - self.months
        return date(month // 12, month % 12 + 1, 1)

    def window(self, today: date) -> list:
        """SQL conditions: an observation dated within the period (none for everything)."""
        since = self.since(today)
        return [Observation.date >= since] if since else []


# --- plain series -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressRow:
    date: date
    kind: str
    percent: Decimal
    rating: str | None
    observation_id: int
    topic: str
    domains: dict[str, Decimal]  # domain code -> percent of that domain's maximum


@dataclass(frozen=True)
class QuarterStats:
    year: int
    quarter: int
    n: int
    q1: float
    median: float
    q3: float

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        return date(self.year + 1, 1, 1) if self.quarter == 4 else date(self.year, 3 * self.quarter + 1, 1)


@dataclass(frozen=True)
class ContestMark:
    date: date
    label: str


@dataclass
class ProgressData:
    rows: list[ProgressRow]
    domains: list[tuple[str, RubricDomain]]  # (code, newest domain with that code), in rubric order
    unit_quarters: list[QuarterStats]
    contests: list[ContestMark] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for row in self.rows if row.kind == kind)

    @property
    def latest(self) -> ProgressRow | None:
        return self.rows[-1] if self.rows else None

    @property
    def trend(self) -> Trend | None:
        return trend([(row.date, float(row.percent)) for row in self.rows])

    def smoothed(self) -> list[tuple[date, float]]:
        return list(zip([row.date for row in self.rows], moving_average([float(r.percent) for r in self.rows])))


def moving_average(values: list[float], window: int = 3) -> list[float]:
    """Centred moving average; the ends average what lies within reach."""
    half = window // 2
    return [round(sum(values[max(0, i - half):i + half + 1]) / len(values[max(0, i - half):i + half + 1]), 2)
            for i in range(len(values))]


def quarter_stats(dated: list[tuple[date, float]]) -> list[QuarterStats]:
    """Median and quartiles of the results of each calendar quarter, in date order."""
    groups: dict[tuple[int, int], list[float]] = {}
    for day, value in dated:
        groups.setdefault((day.year, (day.month - 1) // 3 + 1), []).append(value)
    stats = []
    for (year, quarter), values in sorted(groups.items()):
        q1, median, q3 = np.percentile(np.array(values, dtype=float), [25, 50, 75])
        stats.append(QuarterStats(year, quarter, len(values), round(float(q1), 2), round(float(median), 2),
                                  round(float(q3), 2)))
    return stats


# --- contest results: a hook the contests package fills -----------------------------------------

ContestSource = Callable[[int, "date | None"], list[ContestMark]]
# SQL scalar subqueries, for a lecturer id column, whose values change whenever that lecturer's marks do.
ContestStamp = Callable[[sa.ColumnElement], list[sa.ScalarSelect]]
_CONTEST_SOURCES: list[ContestSource] = []
_CONTEST_STAMPS: list[ContestStamp] = []


def register_contest_source(source: ContestSource, stamp: ContestStamp) -> None:
    """Contests (a package above this one) call this at start-up with a function
    ``(lecturer_id, since) -> [ContestMark]`` and its ``stamp`` (see ``ContestStamp``), which
    :func:`lecturer_with_stamp` reads; until then the chart shows no contest."""
    if source not in _CONTEST_SOURCES:
        _CONTEST_SOURCES.append(source)
        _CONTEST_STAMPS.append(stamp)
        _stamp_query.cache_clear()


def contest_marks(lecturer_id: int, since: date | None) -> list[ContestMark]:
    return sorted((mark for source in _CONTEST_SOURCES for mark in source(lecturer_id, since)),
                  key=lambda mark: mark.date)


# --- the reads ----------------------------------------------------------------------------------


def _domain_percents(observation: Observation) -> dict[str, Decimal]:
    scores = observation.result()["per_criterion"]
    totals: dict[str, list[Decimal]] = {}
    for criterion in observation.rubric_version.criteria:
        got, most = totals.setdefault(criterion.domain.code, [Decimal(0), Decimal(0)])
        totals[criterion.domain.code] = [got + scores.get(criterion.id, Decimal(0)), most + criterion.max_points]
    return {code: (got * 100 / most).quantize(Decimal("0.01")) for code, (got, most) in totals.items() if most}


# Progress data by what it is read from (its stamp among it); contest marks are read each time.
_PROGRESS = DerivedCache[ProgressData](size=256)


def lecturer_progress(lecturer: Lecturer, filters: ProgressFilters, *, today: date,
                      by_domain: bool = True) -> ProgressData:
    """Everything the progress chart, its table and its CSV show. The results are read (in a
    fixed number of queries) only when :func:`lecturer_with_stamp` says they changed since this
    worker last read them; otherwise it is one query, plus the contest marks. ``by_domain=False``
    is what the chart image needs: each result's date, kind and percent, read in SQL, without the
    percents by rubric domain (nor topics, nor domain titles)."""
    since = filters.since(today)
    _lecturer, stamp = lecturer_with_stamp(lecturer.id)
    key = (lecturer.id, lecturer.unit_id, filters, since, by_domain, stamp)
    data = _PROGRESS.get_or_compute(key, lambda: _read_progress(lecturer, filters, today, by_domain))
    return replace(data, contests=contest_marks(lecturer.id, since))


def _read_progress(lecturer: Lecturer, filters: ProgressFilters, today: date, by_domain: bool) -> ProgressData:
    window = filters.window(today)
    conditions = [Observation.lecturer_id == lecturer.id, Observation.kind.in_(filters.kinds), *window]
    rows, domains = _rows_by_domain(conditions) if by_domain else (_rows(conditions), [])
    results = finalized_results(Observation.unit_id == lecturer.unit_id, Observation.kind.in_(filters.kinds),
                                *window)
    unit_values = db.session.execute(sa.select(results.c.date, results.c.percent)
                                     .where(results.c.percent.is_not(None)))
    return ProgressData(rows=rows, domains=domains,
                        unit_quarters=quarter_stats([(day, float(value)) for day, value in unit_values]))


class Stamp(NamedTuple):
    """What a lecturer's progress is drawn from, told without reading it (see lecturer_with_stamp)."""
    lecturer_results: int
    unit_results: int
    topics_changed: datetime | None
    contests: tuple


def lecturer_with_stamp(lecturer_id: int) -> tuple[Lecturer, Stamp] | None:
    """The lecturer, and what their progress chart and table are drawn from, told without
    reading it (None when there is no such lecturer): the results versions of the lecturer and
    of their unit (the band), which the database raises whenever one of their observations is
    finalised or amended (migration 0012; a finalised observation never changes otherwise),
    when any topic last changed (the table names topics), and the contest sources' figures. A
    cached chart or table is found by them without loading a single result."""
    row = db.session.execute(_stamp_query(), {"lecturer_id": lecturer_id}).one_or_none()
    return (row[0], Stamp(row[1], row[2], row[3], tuple(row[4:]))) if row else None


@cache
def _stamp_query() -> sa.Select:
    """lecturer_with_stamp's statement, built once (every lecturer page and chart asks for it).
    The versions are read as columns of the row: the lecturer object may be one this session
    loaded before the database raised them."""
    contests = [subquery for stamp in _CONTEST_STAMPS for subquery in stamp(Lecturer.id)]
    return (sa.select(Lecturer, Lecturer.results_version, Unit.results_version,
                      sa.select(sa.func.max(Topic.updated_at)).scalar_subquery(), *contests)
            .join(Unit, Unit.id == Lecturer.unit_id).where(Lecturer.id == sa.bindparam("lecturer_id")))


# The API's points by the lecturer's results version: they are the lecturer's results alone.
_POINTS = DerivedCache[list[ProgressRow]](size=256)


def lecturer_points(lecturer_id: int, results_version: int) -> list[ProgressRow]:
    """Every finalised result of a lecturer over time (amended values where amended; a practice
    lecture commented without scores gives none): the API's progress. Read in one query when
    ``results_version`` (``Stamp.lecturer_results``) is new to this worker."""
    return _POINTS.get_or_compute((lecturer_id, results_version),
                                  lambda: _read_rows(_points_query(), {"lecturer_id": lecturer_id}))


@cache
def _points_query() -> sa.Select:
    return _rows_query([Observation.lecturer_id == sa.bindparam("lecturer_id")])  # built once: the API's hot path


def _rows(conditions: list) -> list[ProgressRow]:
    """The results in effect (as ``Observation.summary`` gives them), without loading the observations."""
    return _read_rows(_rows_query(conditions), {})


def _rows_query(conditions: list) -> sa.Select:
    results = finalized_results(*conditions)
    return (sa.select(results.c.date, results.c.kind, results.c.percent, results.c.rating, results.c.id)
            .where(results.c.percent.is_not(None)).order_by(results.c.date, results.c.id))


def _read_rows(query: sa.Select, parameters: dict) -> list[ProgressRow]:
    return [ProgressRow(day, kind, percent, rating, observation_id, "", {})
            for day, kind, percent, rating, observation_id in db.session.execute(query, parameters)]


def _rows_by_domain(conditions: list) -> tuple[list[ProgressRow], list[tuple[str, RubricDomain]]]:
    query = (sa.select(Observation).where(Observation.state == ObservationState.FINALIZED, *conditions)
             .options(joinedload(Observation.topic), joinedload(Observation.amendments),
                      joinedload(Observation.scores),  # one row per score: fewer round trips than selectin
                      joinedload(Observation.rubric_version).selectinload(RubricVersion.criteria)
                      .joinedload(Criterion.domain))
             .order_by(Observation.date, Observation.id))
    rows, titles = [], {}
    for observation in db.session.scalars(query).unique():
        summary = observation.summary()
        if summary["percent"] is None:
            continue  # a practice lecture commented without scores
        for criterion in observation.rubric_version.criteria:
            titles[criterion.domain.code] = (criterion.domain_position, criterion.domain)  # the newest wording
        rows.append(ProgressRow(observation.date, observation.kind, summary["percent"], summary["rating"],
                                observation.id, observation.topic_title, _domain_percents(observation)))
    # Detached copies of the titles: the data outlives this request's session (see lecturer_progress).
    return rows, [(code, RubricDomain(code=code, title=domain.title, title_en=domain.title_en))
                  for code, (_position, domain) in sorted(titles.items(), key=lambda i: (i[1][0], i[0]))]
