"""Recomputing stored scores (``flask reviews recalc``): every sheet's total, percent and
rating from its scores, and every finalised observation's consolidation from its submitted
sheets.

Only what the database lets change is rewritten: draft sheets. Submitted sheets and
finalised observations are locked by database guards, so a difference there is reported
and never rewritten (a finalised result changes only by an amendment with a reason; stored
ratings are never rescaled).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.models import log_action
from reviews import scoring
from reviews.enums import ObservationKind, ObservationState, SheetState
from reviews.models import Observation, ObservationScore, Sheet, SheetScore
from reviews.rubrics import Criterion, RubricVersion
from reviews.services import consolidation_method

SHEET_FIELDS = ("total", "percent", "rating")
OBSERVATION_FIELDS = ("total", "percent", "rating", "sheet_count", "spread_stdev", "spread_range", "disagreement")


@dataclass(frozen=True)
class Difference:
    """A stored figure that differs from its recomputed value."""

    kind: str  # "sheet" or "observation"
    record_id: int
    observation_id: int
    field: str  # a column, or "score <criterion code>" for a consolidated per-criterion score
    stored: object
    computed: object
    rewritten: bool

    def describe(self) -> str:
        action = "rewritten" if self.rewritten else "locked, reported only"
        return (f"{self.kind} {self.record_id} (observation {self.observation_id}) {self.field}: "
                f"stored {_show(self.stored)}, computed {_show(self.computed)} — {action}")


@dataclass
class RecalcReport:
    sheets_checked: int = 0
    observations_checked: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def differing_records(self) -> int:
        return len({(d.kind, d.record_id) for d in self.differences})

    @property
    def rewritten_records(self) -> int:
        return len({(d.kind, d.record_id) for d in self.differences if d.rewritten})

    def summary(self) -> str:
        return (f"Checked {self.sheets_checked} sheets and {self.observations_checked} finalised observations: "
                f"{self.differing_records} differ, {self.rewritten_records} rewritten (draft sheets), "
                f"{self.differing_records - self.rewritten_records} locked and reported only.")


def _show(value: object) -> str:
    return "—" if value is None else str(value)


def _differs(stored: object, computed: object) -> bool:
    if isinstance(stored, Decimal) and isinstance(computed, Decimal):
        return stored != computed  # numerically: 15.5 == 15.50
    return stored != computed


# --- sheets -------------------------------------------------------------------------------------


def sheet_figures(sheet: Sheet, spec: scoring.RubricSpec) -> dict[str, object]:
    """What the services store for this sheet: a draft's running total (no rating until every
    criterion is scored), a submitted sheet's total, percent and rating. A draft with no score
    has no figures until it is first saved, and zeros after."""
    scores = sheet.score_map()
    if not scores and (sheet.state == SheetState.DRAFT and sheet.total is None or _comments_only(sheet)):
        return {"total": None, "percent": None, "rating": None}
    total = scoring.sheet_total(scores)
    complete = len(scores) == len(spec.criteria)
    rating = scoring.rating(spec, total, scores) if complete or sheet.state == SheetState.SUBMITTED else None
    return {"total": total, "percent": scoring.percent(total, spec.max_total), "rating": rating}


def _comments_only(sheet: Sheet) -> bool:
    """A submitted sheet of a practice lecture without scores: the attendee only commented."""
    return (sheet.state == SheetState.SUBMITTED and not sheet.scores
            and sheet.observation.kind == ObservationKind.PRACTICE_LECTURE)


def check_sheet(sheet: Sheet, spec: scoring.RubricSpec, *, now: datetime) -> list[Difference]:
    """Compare a sheet's stored figures with recomputed ones; rewrite a draft's."""
    computed = sheet_figures(sheet, spec)
    changed = {name: (getattr(sheet, name), computed[name]) for name in SHEET_FIELDS
               if _differs(getattr(sheet, name), computed[name])}
    if not changed:
        return []
    is_draft = sheet.state == SheetState.DRAFT
    if is_draft:
        for name, (_stored, value) in changed.items():
            setattr(sheet, name, value)
        log_action("sheet_recalculated", sheet, actor_id=None, unit_id=sheet.observation.unit_id,
                   before={name: stored for name, (stored, _value) in changed.items()},
                   after={name: value for name, (_stored, value) in changed.items()}, now=now)
    return [Difference("sheet", sheet.id, sheet.observation_id, name, stored, value, rewritten=is_draft)
            for name, (stored, value) in changed.items()]


# --- finalised observations -----------------------------------------------------------------------


def observation_figures(observation: Observation, spec: scoring.RubricSpec) -> dict[str, object] | None:
    """The consolidation of the submitted sheets with the method stored at finalisation, or
    None when no submitted sheet is left to consolidate. Sheets that only comment on a
    practice lecture are left out, as at finalisation."""
    submitted = [sheet.score_map() for sheet in observation.sheets if sheet.is_submitted and not _comments_only(sheet)]
    if not submitted:
        return None
    method = observation.method or consolidation_method(observation.unit_id)
    result = scoring.consolidate(spec, submitted, method=method)
    return {"total": result.total, "percent": result.percent, "rating": result.rating,
            "sheet_count": result.sheet_count, "spread_stdev": result.spread.stdev,
            "spread_range": result.spread.range, "disagreement": result.disagreement,
            "per_criterion": result.per_criterion}


def check_observation(observation: Observation, spec: scoring.RubricSpec) -> list[Difference]:
    """Compare a finalised observation's stored consolidation with a recomputed one. It is
    locked: differences are only reported."""
    computed = observation_figures(observation, spec)
    if computed is None and observation.kind == ObservationKind.PRACTICE_LECTURE and observation.total is None:
        return []  # a practice lecture the attendees only commented on: finalised without a score
    if computed is None:
        return [Difference("observation", observation.id, observation.id, "sheet_count", observation.sheet_count,
                           0, rewritten=False)]
    differences = [Difference("observation", observation.id, observation.id, name, getattr(observation, name),
                              computed[name], rewritten=False)
                   for name in OBSERVATION_FIELDS if _differs(getattr(observation, name), computed[name])]
    stored_scores = {score.criterion.code: score.value for score in observation.scores}
    for code, value in computed["per_criterion"].items():
        if _differs(stored_scores.get(code), value):
            differences.append(Difference("observation", observation.id, observation.id, f"score {code}",
                                          stored_scores.get(code), value, rewritten=False))
    return differences


# --- everything -----------------------------------------------------------------------------------


def _specs() -> dict[int, scoring.RubricSpec]:
    versions = db.session.scalars(sa.select(RubricVersion).where(
        sa.exists().where(Observation.rubric_version_id == RubricVersion.id))
        .options(selectinload(RubricVersion.criteria).selectinload(Criterion.domain),
                 selectinload(RubricVersion.bands)))
    return {version.id: version.spec() for version in versions}


def recalculate(*, now: datetime, batch: int = 500) -> RecalcReport:
    """Check every sheet and every finalised observation; rewrite draft sheets that differ
    (with an audit entry each) and report the rest. Flushes, never commits. Observations are
    read ``batch`` at a time, so memory does not grow with the database."""
    specs = _specs()
    report = RecalcReport()
    ids = list(db.session.scalars(sa.select(Observation.id).order_by(Observation.id)))
    for start in range(0, len(ids), batch):
        observations = db.session.scalars(
            sa.select(Observation).where(Observation.id.in_(ids[start:start + batch])).order_by(Observation.id)
            .options(selectinload(Observation.sheets).selectinload(Sheet.scores).selectinload(SheetScore.criterion),
                     selectinload(Observation.scores).selectinload(ObservationScore.criterion)))
        for observation in observations:
            spec = specs[observation.rubric_version_id]
            for sheet in observation.sheets:
                report.sheets_checked += 1
                report.differences += check_sheet(sheet, spec, now=now)
            if observation.state == ObservationState.FINALIZED:
                report.observations_checked += 1
                report.differences += check_observation(observation, spec)
        db.session.flush()
    return report
