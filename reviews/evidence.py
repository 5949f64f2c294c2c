"""Evidence for choosing contest candidates (SPEC §3.8) and for reading reviewers' severity
(SPEC §3.5): a few grouped reads over a unit's (or a province's) window, then pure assembly.

The reads are column queries — no ORM object per sheet — so a page costs the same number of
queries however many sheets the window holds. The maths is ``reviews.severity``'s:

- *raw mean*: the plain mean of a lecturer's submitted sheets' percents (observed lessons);
- *adjusted*: ``fit_severity`` over **all** submitted sheets of the window (every lecturer,
  eligible or not), so a harsh or lenient reviewer does not decide the ranking;
- *trend*: the slope of the lecturer's finalised observed-lesson results in the window;
- *not separable*: the adjusted 95 % intervals of a lecturer and the one ranked just above
  overlap (``severity.separable``).

Past contest results come from the contests package, which sits above this one: its pages
pass ``contests.queries.past_results`` in (the layering stays one-way).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import numpy as np
import sqlalchemy as sa

from core.extensions import db
from lecturers.enums import LecturerKind
from lecturers.models import Lecturer
from reviews.enums import Eligibility, ObservationKind, ObservationState, SheetState
from reviews.models import Amendment, Observation, PracticeLecture, Sheet
from reviews.severity import Estimate, SeverityFit, Trend, fit_severity_arrays, pooled_icc, separable, trend

DEFAULT_MONTHS = 12
MIN_MONTHS, MAX_MONTHS = 1, 120


# --- the window -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    months: int


def months_back(today: date, months: int) -> date:
    """The same day ``months`` calendar months before ``today`` (the month's last day when
    that day does not exist, e.g. 31 March − 1 month = 28/29 February)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - date.resolution).day
    return date(year, month, min(today.day, last_day))


def window(months: int = DEFAULT_MONTHS, *, today: date) -> Window:
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise ValueError("months out of range")
    return Window(start=months_back(today, months), end=today, months=months)


def parse_months(raw: str | None) -> int | None:
    """``months`` from a query string: an integer 1…120, the default when absent, None when invalid."""
    if raw is None or raw == "":
        return DEFAULT_MONTHS
    if not raw.isascii() or not raw.isdigit():
        return None
    months = int(raw)
    return months if MIN_MONTHS <= months <= MAX_MONTHS else None


def parse_eligibility(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return Eligibility.ALL
    return raw if raw in {e.value for e in Eligibility} else None


# --- the reads ----------------------------------------------------------------------------------


class SheetRow(NamedTuple):  # a tuple: built in bulk from the result rows, hundreds of thousands per province
    observation_id: int
    lecturer_id: int
    reviewer_id: int
    percent: float


def submitted_sheets(unit_ids: Sequence[int], win: Window) -> list[SheetRow]:
    """The submitted sheets of observed lessons of ``unit_ids`` dated in the window, in no
    particular order (every use groups or averages them): one query. A province holds about
    300,000, so the percent is read as a float (no Decimal per row), no date is read (SQLite
    parsed one per row), the rows are not sorted (on disk, past PostgreSQL's sort memory) and
    they are fetched in batches (psycopg fetched them one call per row)."""
    query = (sa.select(Sheet.observation_id, Observation.lecturer_id, Sheet.observer_id,
                       sa.cast(Sheet.percent, sa.Float))
             .join(Observation, Observation.id == Sheet.observation_id)
             .where(Observation.unit_id.in_(list(unit_ids)), Observation.kind == ObservationKind.OBSERVED_LESSON,
                    Sheet.state == SheetState.SUBMITTED, Sheet.percent.is_not(None),
                    Observation.date.between(win.start, win.end)))
    return list(map(SheetRow._make, db.session.connection().execute(query).yield_per(20_000)))


@dataclass(frozen=True)
class FinalResult:
    observation_id: int
    lecturer_id: int
    kind: str
    on: date
    percent: float | None  # effective (amended where amended); a practice lecture may be unscored
    verdict: str | None


def final_results(unit_ids: Sequence[int], win: Window) -> list[FinalResult]:
    """Finalised observations of the window (both kinds) with their effective percent and a
    practice lecture's verdict: two queries (the results, then the amendments among them)."""
    query = (sa.select(Observation.id, Observation.lecturer_id, Observation.kind, Observation.date,
                       Observation.percent, PracticeLecture.verdict)
             .outerjoin(PracticeLecture, PracticeLecture.observation_id == Observation.id)
             .where(Observation.unit_id.in_(list(unit_ids)), Observation.state == ObservationState.FINALIZED,
                    Observation.date.between(win.start, win.end))
             .order_by(Observation.date, Observation.id))
    rows = list(db.session.execute(query))
    amended: dict[int, Any] = {}
    if rows:
        ids = [row[0] for row in rows]
        amendments = (sa.select(Amendment.observation_id, Amendment.after)
                      .where(Amendment.observation_id.in_(ids)).order_by(Amendment.id))
        for observation_id, after in db.session.execute(amendments):
            amended[observation_id] = after.get("percent")  # the latest one wins
    results = []
    for observation_id, lecturer_id, kind, on, percent, verdict in rows:
        value = amended.get(observation_id, percent)
        results.append(FinalResult(observation_id, lecturer_id, kind, on,
                                   None if value is None else float(value), verdict))
    return results


def lecturers_by_id(lecturer_ids: Iterable[int]) -> dict[int, Lecturer]:
    ids = sorted(set(lecturer_ids))
    if not ids:
        return {}
    return {lecturer.id: lecturer for lecturer in db.session.scalars(sa.select(Lecturer).where(Lecturer.id.in_(ids)))}


# --- pure assembly ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PracticeSummary:
    count: int
    last_verdict: str | None
    mean_percent: float | None
    scored: int


@dataclass
class CandidateRow:
    lecturer: Lecturer
    raw_mean: float
    n_sheets: int
    n_observations: int
    adjusted: Estimate
    trend: Trend | None
    practice: PracticeSummary | None
    past_results: list = field(default_factory=list)
    raw_stderr: float | None = None  # sample SD of the sheets / √n; None with one sheet
    rank: int = 0
    not_separable_from_above: bool = False

    @property
    def lecturer_id(self) -> int:
        return self.lecturer.id

    @property
    def kind(self) -> str:
        return self.lecturer.kind

    @property
    def low(self) -> float:
        return self.adjusted.value - 1.96 * self.adjusted.stderr

    @property
    def high(self) -> float:
        return self.adjusted.value + 1.96 * self.adjusted.stderr


def practice_summaries(results: Iterable[FinalResult]) -> dict[int, PracticeSummary]:
    by_lecturer: dict[int, list[FinalResult]] = defaultdict(list)
    for result in results:
        if result.kind == ObservationKind.PRACTICE_LECTURE:
            by_lecturer[result.lecturer_id].append(result)
    summaries = {}
    for lecturer_id, items in by_lecturer.items():
        items.sort(key=lambda r: (r.on, r.observation_id))
        scored = [r.percent for r in items if r.percent is not None]
        summaries[lecturer_id] = PracticeSummary(count=len(items), last_verdict=items[-1].verdict,
                                                 mean_percent=float(np.mean(scored)) if scored else None,
                                                 scored=len(scored))
    return summaries


def trends(results: Iterable[FinalResult]) -> dict[int, Trend | None]:
    dated: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for result in results:
        if result.kind == ObservationKind.OBSERVED_LESSON and result.percent is not None:
            dated[result.lecturer_id].append((result.on, result.percent))
    return {lecturer_id: trend(points) for lecturer_id, points in dated.items()}


def fit(sheets: Sequence[SheetRow]) -> SeverityFit | None:
    if not sheets:
        return None
    count = len(sheets)
    return fit_severity_arrays(np.fromiter((s.lecturer_id for s in sheets), dtype=np.int64, count=count),
                               np.fromiter((s.reviewer_id for s in sheets), dtype=np.int64, count=count),
                               np.fromiter((s.percent for s in sheets), dtype=float, count=count))


def _stderr_of_mean(values: list[float]) -> float | None:
    if len(values) < 2:
        return None
    return float(np.std(values, ddof=1) / np.sqrt(len(values)))


def eligible(lecturer: Lecturer, eligibility: str) -> bool:
    if not lecturer.is_active:
        return False
    return eligibility != Eligibility.FULL_TIME or lecturer.kind == LecturerKind.FULL_TIME


def assemble(sheets: Sequence[SheetRow], results: Sequence[FinalResult], lecturers: dict[int, Lecturer], *,
             eligibility: str, past: dict[int, list] | None = None) -> list[CandidateRow]:
    """Rank the eligible lecturers with at least one sheet by adjusted ability (highest first;
    ties by name), marking each one whose interval overlaps the one ranked just above."""
    fitted = fit(sheets)
    if fitted is None:
        return []
    observations: dict[int, set[int]] = defaultdict(set)
    percents: dict[int, list[float]] = defaultdict(list)
    for sheet in sheets:
        observations[sheet.lecturer_id].add(sheet.observation_id)
        percents[sheet.lecturer_id].append(sheet.percent)
    practice = practice_summaries(results)
    slopes = trends(results)
    rows = []
    for lecturer_id, estimate in fitted.abilities.items():
        lecturer = lecturers.get(lecturer_id)
        if lecturer is None or not eligible(lecturer, eligibility):
            continue
        rows.append(CandidateRow(lecturer=lecturer, raw_mean=fitted.raw_means[lecturer_id], n_sheets=estimate.n,
                                 n_observations=len(observations[lecturer_id]), adjusted=estimate,
                                 trend=slopes.get(lecturer_id), practice=practice.get(lecturer_id),
                                 past_results=list((past or {}).get(lecturer_id, [])),
                                 raw_stderr=_stderr_of_mean(percents[lecturer_id])))
    rows.sort(key=lambda row: (-row.adjusted.value, row.lecturer.sort_key, row.lecturer.id))
    for index, row in enumerate(rows):
        row.rank = index + 1
        row.not_separable_from_above = index > 0 and not separable(rows[index - 1].adjusted, row.adjusted)
    return rows


PastResults = Callable[[list[int]], dict[int, list]]


def candidates(unit_ids: Sequence[int], win: Window, *, eligibility: str = Eligibility.ALL,
               past_results: PastResults | None = None) -> list[CandidateRow]:
    """The candidate table of ``unit_ids`` in the window (a fixed number of queries);
    ``past_results`` reads lecturers' past contest results (one call for every row)."""
    sheets = submitted_sheets(unit_ids, win)
    if not sheets:
        return []
    results = final_results(unit_ids, win)
    lecturers = lecturers_by_id(sheet.lecturer_id for sheet in sheets)
    shown = [lecturer_id for lecturer_id, lecturer in lecturers.items() if eligible(lecturer, eligibility)]
    past = past_results(sorted(shown)) if past_results is not None and shown else {}
    return assemble(sheets, results, lecturers, eligibility=eligibility, past=past)


# --- reviewers' severity and agreement -----------------------------------------------------------


MIN_BLOCK_LESSONS = 3  # an ICC from two lessons swings wildly (e.g. −22 in the demo data)


def agreement_blocks(sheets: Sequence[SheetRow], *, min_lessons: int = MIN_BLOCK_LESSONS) -> list[np.ndarray]:
    """Complete blocks for ICC(2,1): lessons grouped by the exact set of (≥ 2) observers whose
    submitted sheets they have; each block is lessons × observers (observers in id order).
    Groups of fewer than ``min_lessons`` lessons are left out."""
    by_lesson: dict[int, dict[int, float]] = defaultdict(dict)
    for sheet in sheets:
        by_lesson[sheet.observation_id][sheet.reviewer_id] = sheet.percent
    groups: dict[tuple[int, ...], list[list[float]]] = defaultdict(list)
    for scores in by_lesson.values():
        if len(scores) >= 2:
            observers = tuple(sorted(scores))
            groups[observers].append([scores[observer] for observer in observers])
    return [np.array(rows, dtype=float) for _, rows in sorted(groups.items()) if len(rows) >= min_lessons]


@dataclass(frozen=True)
class ReviewerRow:
    reviewer_id: int
    severity: Estimate
    raw_mean: float  # the mean percent this reviewer gave
    raw_difference: float  # raw_mean − the mean of all sheets


@dataclass
class SeverityReport:
    reviewers: list[ReviewerRow]
    fit: SeverityFit | None
    icc: float | None
    icc_lessons: int
    icc_blocks: int
    sheets: int


def severity_report(sheets: Sequence[SheetRow]) -> SeverityReport:
    fitted = fit(sheets)
    blocks = agreement_blocks(sheets)
    icc, used = pooled_icc(blocks)
    if fitted is None:
        return SeverityReport([], None, icc, used, 0, 0)
    given: dict[int, list[float]] = defaultdict(list)
    for sheet in sheets:
        given[sheet.reviewer_id].append(sheet.percent)
    overall = float(np.mean([sheet.percent for sheet in sheets]))
    reviewers = [ReviewerRow(reviewer_id, estimate, float(np.mean(given[reviewer_id])),
                             float(np.mean(given[reviewer_id])) - overall)
                 for reviewer_id, estimate in fitted.severities.items()]
    reviewers.sort(key=lambda row: (row.severity.value, row.reviewer_id))
    return SeverityReport(reviewers, fitted, icc, used, len(blocks), len(sheets))


# --- the snapshot kept with a decision -----------------------------------------------------------


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def _plain(value: Any) -> Any:
    """A past result (a dataclass of the contests package) as JSON-safe values."""
    if is_dataclass(value) and not isinstance(value, type):
        return {key: _plain(item) for key, item in asdict(value).items()}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def row_snapshot(row: CandidateRow) -> dict[str, Any]:
    practice = row.practice
    return {
        "rank": row.rank, "lecturer_id": row.lecturer.id, "full_name": row.lecturer.full_name,
        "kind": row.lecturer.kind, "raw_mean": _round(row.raw_mean), "raw_stderr": _round(row.raw_stderr), "adjusted": _round(row.adjusted.value),
        "stderr": _round(row.adjusted.stderr), "n_sheets": row.n_sheets, "n_observations": row.n_observations,
        "trend": _round(row.trend.slope) if row.trend else None,
        "trend_stderr": _round(row.trend.stderr) if row.trend else None,
        "practice": None if practice is None else {
            "count": practice.count, "last_verdict": practice.last_verdict,
            "mean_percent": _round(practice.mean_percent), "scored": practice.scored},
        "past_results": [_plain(result) for result in row.past_results],
        "not_separable_from_above": row.not_separable_from_above,
    }


def snapshot(rows: Sequence[CandidateRow], win: Window, *, eligibility: str, unit_ids: Sequence[int]) -> dict[str, Any]:
    """The evidence as shown, as plain JSON, to keep with a decision."""
    return {"window": {"start": win.start.isoformat(), "end": win.end.isoformat(), "months": win.months},
            "eligibility": str(eligibility), "unit_ids": list(unit_ids), "method": "ridge severity fit (SPEC §3.5)",
            "rows": [row_snapshot(row) for row in rows]}
