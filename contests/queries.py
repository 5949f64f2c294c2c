"""Reads for contests: lists, a contest with everything its pages show, the ranking (through
contests.scoring), what a judge may see, and lecturers' past results."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from accounts.enums import Role
from accounts.models import Unit, User
from contests import scoring
from contests.enums import ContestLevel, ContestPhase, Prize
from contests.models import (CandidateDecision, Contest, ContestComponent, ContestEntry, ContestJudge, ContestResult,
                             EntryDocument, OutsideResult)
from core.extensions import db


def contest_heading(contest_id: int) -> Contest | None:
    """A contest with its unit: what its name and who may see it read (judges and entries load when asked)."""
    return db.session.scalar(sa.select(Contest).where(Contest.id == contest_id).options(joinedload(Contest.unit)))


def contest_detail(contest_id: int) -> Contest | None:
    """A contest with its components, judges, entries, marks, conflicts and documents loaded."""
    return db.session.scalar(_contest_detail_query(), {"contest_id": contest_id})


@cache
def _contest_detail_query() -> sa.Select:
    """Built once (its loader options cost more to assemble than the queries take), the id a parameter."""
    return (sa.select(Contest).where(Contest.id == sa.bindparam("contest_id"))
            .options(joinedload(Contest.unit), joinedload(Contest.organiser),
                     selectinload(Contest.components).joinedload(ContestComponent.rubric_version),
                     selectinload(Contest.judges).joinedload(ContestJudge.user),
                     selectinload(Contest.entries).joinedload(ContestEntry.lecturer),
                     selectinload(Contest.entries).joinedload(ContestEntry.unit),
                     selectinload(Contest.entries).selectinload(ContestEntry.marks),
                     selectinload(Contest.entries).selectinload(ContestEntry.conflicts),
                     selectinload(Contest.entries).selectinload(ContestEntry.documents)
                     .joinedload(EntryDocument.file)))


def visible_contests(user: User) -> list[Contest]:
    """The contests a user may open: those of units they lead, read or oversee, higher-level
    contests of their province (directors nominate to them), and those they judge."""
    unit_ids = user.unit_ids_with_role(Role.DIRECTOR, Role.REVIEWER, Role.SECRETARY)
    province_ids = user.overseen_province_ids()
    director_provinces = {grant.unit.province_id for grant in user.grants if grant.role == Role.DIRECTOR}
    judged = sa.select(ContestJudge.contest_id).where(ContestJudge.user_id == user.id)
    condition = sa.or_(
        Contest.unit_id.in_(unit_ids) if unit_ids else sa.false(),
        Unit.province_id.in_(province_ids) if province_ids else sa.false(),
        sa.and_(Contest.level != ContestLevel.UNIT, Unit.province_id.in_(director_provinces))
        if director_provinces else sa.false(),
        Contest.id.in_(judged))
    query = (sa.select(Contest).join(Unit, Unit.id == Contest.unit_id).where(condition)
             .options(joinedload(Contest.unit), selectinload(Contest.entries), selectinload(Contest.judges))
             .order_by(Contest.year.desc(), Contest.id.desc()))
    return list(db.session.scalars(query))


def _combined(entry: ContestEntry, contest: Contest) -> dict[str, Decimal | None]:
    """Each component's combined mark, leaving out judges with a declared conflict."""
    excluded = entry.conflicted_judge_ids()
    components: dict[str, Decimal | None] = {}
    for component in contest.components:
        marks = [mark.points for mark in entry.marks
                 if mark.component_id == component.id and mark.judge_id not in excluded]
        components[component.code] = scoring.combine(marks, contest.aggregation) if marks else None
    return components


def contest_ranking(contest: Contest) -> scoring.Ranking:
    """Ranks and prizes from the judges' marks (contests.scoring does the maths)."""
    weights = {component.code: component.weight for component in contest.components}
    scores = [scoring.EntryScores(entry.id, _combined(entry, contest)) for entry in contest.entries]
    ranked = scoring.rank(scores, weights, contest.tie_break or [])
    return scoring.award_prizes(ranked, contest.quotas)


def published_ranking(contest: Contest) -> scoring.Ranking:
    """The results as written when the contest was published."""
    rows = db.session.scalars(sa.select(ContestResult).where(ContestResult.contest_id == contest.id)
                              .order_by(ContestResult.rank.is_(None), ContestResult.rank, ContestResult.id))
    entries = [scoring.RankedEntry(row.entry_id, row.total,
                                   {code: None if value is None else Decimal(value)
                                    for code, value in row.components.items()}, row.rank, row.prize)
               for row in rows]
    return scoring.Ranking(entries, [])


def ranking_of(contest: Contest) -> scoring.Ranking:
    return published_ranking(contest) if contest.phase == ContestPhase.PUBLISHED else contest_ranking(contest)


def judge_progress(contest: Contest) -> dict[int, int]:
    """Per judge: how many marks they gave (the organiser sees who is still marking)."""
    counts: dict[int, int] = {judge.user_id: 0 for judge in contest.judges}
    for entry in contest.entries:
        for mark in entry.marks:
            counts[mark.judge_id] = counts.get(mark.judge_id, 0) + 1
    return counts


def judged_by(user: User) -> list[Contest]:
    """Contests the user judges that are being judged now (for the home page)."""
    query = (sa.select(Contest).join(ContestJudge, ContestJudge.contest_id == Contest.id)
             .where(ContestJudge.user_id == user.id, Contest.phase == ContestPhase.JUDGING)
             .order_by(Contest.id))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class PastResult:
    """A lecturer's result in a contest: published in Lectern, or recorded from outside."""

    lecturer_id: int
    year: int
    level: str
    contest_name: str
    prize: str | None
    rank: int | None = None
    total: Decimal | None = None
    contest_id: int | None = None  # None: an outside contest
    on: date | None = None  # when it counts on the lecturer's chart: published, or the end of an outside year

    @property
    def is_outside(self) -> bool:
        return self.contest_id is None


def past_results(lecturer_ids: Iterable[int]) -> dict[int, list[PastResult]]:
    """Published contest results and recorded outside results of the lecturers, newest year
    first; every id is a key (an empty list when there is nothing)."""
    ids = sorted(set(lecturer_ids))
    results: dict[int, list[PastResult]] = {lecturer_id: [] for lecturer_id in ids}
    if not ids:
        return results
    for lecturer_id, year, level, name, prize, rank, total, contest_id, recorded in db.session.execute(
            _past_results_query(), {"ids": ids}):
        # An outside result counts on the chart at the end of its year, or when recorded if sooner.
        on = recorded.date() if contest_id is not None else min(date(year, 12, 31), recorded.date())
        results[lecturer_id].append(PastResult(lecturer_id, year, level, name, prize, rank, total, contest_id, on=on))
    for items in results.values():
        items.sort(key=lambda item: (-item.year, item.contest_name))
    return results


@cache
def _past_results_query() -> sa.CompoundSelect:
    """Both kinds of result in one query, built once (the lecturer page and its chart ask for it)."""
    ids = sa.bindparam("ids", expanding=True)
    published = (sa.select(ContestResult.lecturer_id, Contest.year, Contest.level, Contest.name, ContestResult.prize,
                           ContestResult.rank, ContestResult.total, Contest.id, ContestResult.published_at)
                 .join(Contest, Contest.id == ContestResult.contest_id).where(ContestResult.lecturer_id.in_(ids)))
    outside = sa.select(OutsideResult.lecturer_id, OutsideResult.year, OutsideResult.level, OutsideResult.contest_name,
                        OutsideResult.prize, sa.null(), sa.null(), sa.null(), OutsideResult.created_at
                        ).where(OutsideResult.lecturer_id.in_(ids))
    return sa.union_all(published, outside)


def lecturer_past_results(lecturer_id: int) -> list[PastResult]:
    """One lecturer's ``past_results``, read once per request: the lecturer page shows them in
    its contests table and on its progress chart."""
    read = g.setdefault("lecturer_past_results", {})
    if lecturer_id not in read:
        read[lecturer_id] = past_results([lecturer_id])[lecturer_id]
    return read[lecturer_id]


def contest_marks_stamp(lecturer_id) -> list[sa.ScalarSelect]:
    """SQL for a lecturer id column: how many published and outside results the lecturer has,
    and the latest of each. Published results are append-only and outside results are only
    ever added, so these change whenever ``contest_marks`` does."""
    return [sa.select(figure(table.id)).where(table.lecturer_id == lecturer_id).scalar_subquery()
            for table in (ContestResult, OutsideResult) for figure in (sa.func.count, sa.func.max)]


def contest_marks(lecturer_id: int, since: date | None):
    """The lecturer's contest results from ``since`` on, as annotations of the progress chart
    (registered with ``reviews.progress`` when the contests blueprint is)."""
    from reviews.progress import ContestMark

    return [ContestMark(result.on, _mark_label(result)) for result in lecturer_past_results(lecturer_id)
            if since is None or result.on >= since]


def _mark_label(result: PastResult) -> str:
    prize = Prize(result.prize).label if result.prize else _("No prize")
    return f"{prize} · {ContestLevel(result.level).label}"


def decisions_of(unit_id: int) -> list[CandidateDecision]:
    query = (sa.select(CandidateDecision).where(CandidateDecision.unit_id == unit_id)
             .options(selectinload(CandidateDecision.nominations), joinedload(CandidateDecision.decided_by))
             .order_by(CandidateDecision.decided_at.desc(), CandidateDecision.id.desc()))
    return list(db.session.scalars(query))


def eligible_lecturers(contest: Contest) -> list:
    """Active lecturers a contest may take (its unit's, or its province's above unit level)."""
    from lecturers.models import Lecturer

    query = sa.select(Lecturer).join(Unit, Unit.id == Lecturer.unit_id).where(Lecturer.is_active.is_(True))
    if contest.level == ContestLevel.UNIT:
        query = query.where(Lecturer.unit_id == contest.unit_id)
    else:
        query = query.where(Unit.province_id == contest.unit.province_id)
    if contest.eligibility == "full_time":
        query = query.where(Lecturer.kind == "full_time")
    taken, judges = {entry.lecturer_id for entry in contest.entries}, contest.judge_ids()
    return [lecturer for lecturer in db.session.scalars(query.order_by(Lecturer.sort_key))
            if lecturer.id not in taken and lecturer.user_id not in judges]
