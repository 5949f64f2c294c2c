"""Judging: conflict declarations, marks, and the one function that moves a contest's phase."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from accounts.models import User
from contests import queries
from contests.enums import PHASE_TRANSITIONS, ConflictReason, ContestPhase
from contests.models import Contest, ContestEntry, ContestMark, ContestResult, JudgeConflict
from contests.services.common import text
from core.errors import DomainError
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.models import log_action
from reviews import scoring
from reviews.services import validated_scores

STEP = Decimal("0.25")


def declare_conflict(entry: ContestEntry, *, judge: User, reason: str, note: str, now: datetime) -> JudgeConflict:
    """A judge declares a conflict with an entry: from then on they cannot mark it, and any
    marks they gave it are left out of its result. Declarations are never withdrawn."""
    contest = entry.contest
    if judge.id not in contest.judge_ids():
        raise DomainError(_l("Only a judge of this contest can declare a conflict."), status=403, code="forbidden")
    if contest.is_closed:
        raise DomainError(_l("Judging is closed."), status=409, code="conflict")
    if reason not in set(ConflictReason):
        raise DomainError(_l("Choose the reason."), field="reason")
    note = text(note, 1000)
    if reason == ConflictReason.OTHER and not note:
        raise DomainError(_l("Say what the conflict is."), field="note")
    if judge.id in entry.conflicted_judge_ids():
        raise DomainError(_l("You already declared a conflict with this entry."), status=409, code="conflict")
    conflict = JudgeConflict(entry_id=entry.id, judge_id=judge.id, reason=reason, note=note, declared_at=now)
    db.session.add(conflict)
    entry.conflicts.append(conflict)
    db.session.flush()
    log_action("contest.conflict_declared", contest, actor_id=judge.id, now=now,
               after={"entry_id": entry.id, "reason": reason})
    return conflict


def _rubric_mark(component, value: Any) -> tuple[Decimal | None, dict[str, str] | None]:
    """A mark on the component's rubric: ``{criterion code: score}`` with every criterion scored
    within its maximum and steps (as on an observation sheet); the component's points are the
    rubric total scaled to the component's maximum, to 0.01. Nothing given clears the mark."""
    if value is None or value == "" or (isinstance(value, Mapping) and all(v in (None, "") for v in value.values())):
        return None, None
    if not isinstance(value, Mapping):
        raise DomainError(_l("Score each criterion of this component's rubric."), field=component.code)
    version = component.rubric_version
    try:
        scores = validated_scores(version.spec(), value, complete=True)
    except DomainError as error:
        raise DomainError(_l("Score each criterion of this component's rubric, within its maximum and steps."),
                          field=component.code, details=error.details) from None
    points = (scoring.sheet_total(scores) * component.max_points / version.max_total).quantize(Decimal("0.01"))
    return points, {code: str(score) for code, score in scores.items()}


def _mark(value: Any, code: str, maximum: Decimal) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise DomainError(_l("Enter a number."), field=code)
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(_l("Enter a number."), field=code) from None
    if not number.is_finite() or number < 0 or number > maximum:
        raise DomainError(_l("Give 0 to %(max)s points.", max=maximum.normalize()), field=code)
    if number % STEP:
        raise DomainError(_l("Marks go in steps of 0.25."), field=code)
    return number


def save_marks(entry: ContestEntry, *, judge: User, marks: Mapping[str, Any], now: datetime) -> list[ContestMark]:
    """Store a judge's marks for an entry, by component code; an empty value clears a mark.
    Only while the contest is being judged, only by a judge without a conflict."""
    contest = entry.contest
    if judge.id not in contest.judge_ids():
        raise DomainError(_l("Only a judge of this contest can mark it."), status=403, code="forbidden")
    if not contest.is_judging:
        raise DomainError(_l("Marks are given only while the contest is being judged."), status=409, code="conflict")
    if judge.id in entry.conflicted_judge_ids():
        raise DomainError(_l("You declared a conflict with this entry and cannot mark it."), status=403,
                          code="forbidden")
    components = {component.code: component for component in contest.components}
    unknown = sorted(set(marks) - set(components))
    if unknown:
        raise DomainError(_l("Unknown component: %(codes)s.", codes=", ".join(unknown)), field=unknown[0])
    values, scores = {}, {}
    for code, value in marks.items():
        if components[code].rubric_version is not None:
            values[code], scores[code] = _rubric_mark(components[code], value)
        else:
            values[code] = _mark(value, code, components[code].max_points)
    existing = {mark.component_id: mark for mark in entry.marks if mark.judge_id == judge.id}
    before = {code: existing[components[code].id].points if components[code].id in existing else None
              for code in values}
    saved = []
    for code, points in values.items():
        component, mark = components[code], existing.get(components[code].id)
        if points is None:
            if mark is not None:
                db.session.delete(mark)
                entry.marks.remove(mark)
            continue
        if mark is None:
            mark = ContestMark(contest_id=contest.id, entry_id=entry.id, component_id=component.id,
                               judge_id=judge.id, points=points, scores=scores.get(code), updated_at=now)
            db.session.add(mark)
            entry.marks.append(mark)
        else:
            mark.points, mark.scores, mark.updated_at = points, scores.get(code), now
        saved.append(mark)
    db.session.flush()
    log_action("contest.marks_saved", contest, actor_id=judge.id, now=now,
               before={"entry_id": entry.id, **before},
               after={"entry_id": entry.id, **{code: value for code, value in values.items()},
                      **({"scores": scores} if scores else {})})
    return saved


def set_contest_phase(contest: Contest, new_phase: str, *, actor: User, now: datetime) -> list[str]:
    """The only function that changes a contest's phase (setup → judging → closed → published).

    - judging: needs at least one component, one entry and one judge; the setup is fixed.
    - closed: marks are fixed (the database refuses changes); judges now see every mark.
    - published: each entry's result (components, total, rank, prize) is written once as a
      ContestResult and shows in the lecturer's history.

    Returns the prize codes whose quota was exceeded by ties (empty when none)."""
    if new_phase not in set(ContestPhase):
        raise DomainError(_l("Unknown phase."), field="phase")
    current = ContestPhase(contest.phase)
    if ContestPhase(new_phase) not in PHASE_TRANSITIONS[current]:
        raise DomainError(_l("A contest cannot go from “%(old)s” to “%(new)s”.", old=current.label,
                             new=ContestPhase(new_phase).label), status=409, code="conflict")
    if new_phase == ContestPhase.JUDGING and not (contest.components and contest.entries and contest.judges):
        raise DomainError(_l("Add components, entries and judges before judging starts."), status=409,
                          code="conflict")
    ranking = queries.contest_ranking(contest)
    if new_phase == ContestPhase.PUBLISHED:
        _write_results(contest, ranking, now)
    contest.phase = new_phase
    contest.updated_at = now
    db.session.flush()
    log_action("contest.phase_changed", contest, actor_id=actor.id, now=now, before={"phase": current.value},
               after={"phase": new_phase})
    return ranking.warnings


def _write_results(contest: Contest, ranking, now: datetime) -> None:
    lecturers = {entry.id: entry.lecturer_id for entry in contest.entries}
    for row in ranking.entries:
        db.session.add(ContestResult(
            contest_id=contest.id, entry_id=row.entry_id, lecturer_id=lecturers[row.entry_id], total=row.total,
            rank=row.rank, prize=row.prize, published_at=now,
            components={code: None if value is None else str(value) for code, value in row.components.items()}))
    db.session.flush()


def result_count(contest: Contest) -> int:
    return db.session.scalar(sa.select(sa.func.count(ContestResult.id)).where(ContestResult.contest_id == contest.id))
