"""Choosing contest candidates (SPEC §3.8): the evidence table (reviews.evidence), the
director's shortlist-and-nominate decision kept with a snapshot of that evidence, and the
list of past decisions. Overseers read the table and the decisions of their province's units."""
from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from accounts.auth import current_unit
from accounts.enums import Role
from accounts.models import Unit, User
from contests import queries, services
from contests.enums import ContestLevel, ContestPhase, Prize
from contests.models import Contest
from contests.views import bp
from core.errors import DomainError
from core.extensions import db
from core.forms import NUL_REFUSED, has_nul
from core.fragments import fragment_key
from core.models import utcnow
from core.permissions import require, roles_required
from reviews import evidence
from reviews.enums import Eligibility
from reviews.permissions import can_choose_candidates, can_view_candidates

# Sortable columns: query-string key → the row's sort key (rows without a value sort last).
SORTS = {
    "rank": lambda row: row.rank,
    "name": lambda row: row.lecturer.sort_key,
    "raw": lambda row: row.raw_mean,
    "adjusted": lambda row: row.adjusted.value,
    "sheets": lambda row: row.n_sheets,
    "observations": lambda row: row.n_observations,
    "trend": lambda row: row.trend.slope if row.trend else None,
    "practice": lambda row: row.practice.mean_percent if row.practice else None,
}
ASCENDING_FIRST = {"rank", "name"}
MAX_RATIONALE = 5000


def sorted_rows(rows: list, sort: str, direction: str) -> list:
    key = SORTS[sort]
    present = sorted((row for row in rows if key(row) is not None), key=lambda row: (key(row), row.rank),
                     reverse=direction == "desc")
    return present + [row for row in rows if key(row) is None]


def _scope_unit_ids(unit: Unit, user: User, scope: str) -> list[int]:
    """The unit alone, or every unit of its province for an overseer who asks for the province."""
    if scope == "province" and Role.OVERSEER in user.roles_in(unit.id, unit.province_id):
        return list(db.session.scalars(sa.select(Unit.id).where(Unit.province_id == unit.province_id)
                                       .order_by(Unit.id)))
    return [unit.id]


def open_contests(unit: Unit) -> list[Contest]:
    """Planned contests (still in setup) that take nominations from ``unit``."""
    query = (sa.select(Contest).join(Unit, Unit.id == Contest.unit_id)
             .where(Contest.phase == ContestPhase.SETUP, Unit.province_id == unit.province_id)
             .options(joinedload(Contest.unit)).order_by(Contest.year.desc(), Contest.id.desc()))
    return [contest for contest in db.session.scalars(query)
            if services.contest_takes_nominations_from(contest, unit)]


def _evidence(unit_ids: list[int], win: evidence.Window, eligibility: str):
    return evidence.candidates(unit_ids, win, eligibility=eligibility, past_results=queries.past_results)


def _page(unit: Unit, *, months: int, eligibility: str, scope: str, sort: str = "rank", direction: str = "asc",
          contest_id: int | None = None, posted=None, errors: list[str] | None = None, status: int = 200):
    unit_ids = _scope_unit_ids(unit, current_user, scope)
    scope = "province" if unit_ids != [unit.id] else "unit"
    may_nominate = can_choose_candidates(current_user, unit) and scope == "unit"
    # the planned contests: read here only when one is chosen, else where the kept table lists them
    contests = open_contests(unit) if may_nominate and contest_id is not None else None
    chosen = next((contest for contest in contests or [] if contest.id == contest_id), None)
    if chosen is not None and chosen.eligibility == Eligibility.FULL_TIME:
        eligibility = Eligibility.FULL_TIME  # the planned contest decides who may enter
    win = evidence.window(months, today=utcnow().date())

    def load_rows():
        rows = _evidence(unit_ids, win, eligibility)
        return sorted_rows(rows, sort, direction), {row.rank: row for row in rows}

    return render_template(
        "contests/candidates.html", unit=unit, load_rows=load_rows,
        table_key=None if posted else fragment_key(eligibility, units=unit_ids),
        window=win, months=months, eligibility=eligibility, scope=scope,
        sort=sort, direction=direction, may_nominate=may_nominate, contest_id=contest_id,
        load_contests=lambda: open_contests(unit) if contests is None else contests,
        Eligibility=Eligibility, ContestLevel=ContestLevel,
        Prize=Prize, is_overseer=Role.OVERSEER in current_user.roles_in(unit.id, unit.province_id),
        posted=posted, errors=errors or [], ascending_first=ASCENDING_FIRST), status


@bp.get("/candidates")
@roles_required(Role.DIRECTOR, Role.OVERSEER)
def candidates():
    unit = current_unit()
    require(can_view_candidates(current_user, unit))
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "rank"
    default = "asc" if sort in ASCENDING_FIRST else "desc"
    direction = request.args.get("dir") if request.args.get("dir") in ("asc", "desc") else default
    return _page(unit, months=evidence.parse_months(request.args.get("months")) or evidence.DEFAULT_MONTHS,
                 eligibility=evidence.parse_eligibility(request.args.get("eligibility")) or Eligibility.ALL,
                 scope="province" if request.args.get("scope") == "province" else "unit", sort=sort,
                 direction=direction, contest_id=request.args.get("contest_id", type=int))


def _ids(values: list[str]) -> list[int] | None:
    if any(not value.isascii() or not value.isdigit() or len(value) > 9 for value in values):
        return None
    return list(dict.fromkeys(int(value) for value in values))


@bp.post("/candidates")
@roles_required(Role.DIRECTOR)
def candidates_decide():
    """Record the director's decision: the ticked lecturers with a rationale each, an overall
    rationale, optionally a planned contest; the evidence is recomputed now and kept with it."""
    unit = current_unit()
    require(can_choose_candidates(current_user, unit))
    form = request.form
    months = evidence.parse_months(form.get("months"))
    eligibility = evidence.parse_eligibility(form.get("eligibility"))
    ids = _ids(form.getlist("nominee"))
    raw_contest = form.get("contest_id") or ""
    contest_id = int(raw_contest) if raw_contest.isascii() and raw_contest.isdigit() and len(raw_contest) < 10 else None
    errors = []
    if months is None or eligibility is None:
        errors.append(_("Choose a window of 1 to 120 months and who is eligible."))
    months, eligibility = months or evidence.DEFAULT_MONTHS, eligibility or Eligibility.ALL
    page = {"months": months, "eligibility": eligibility, "scope": "unit", "contest_id": contest_id,
            "posted": form}
    win = evidence.window(months, today=utcnow().date())
    rows = _evidence([unit.id], win, eligibility)
    by_id = {row.lecturer.id: row for row in rows}
    if not ids:
        errors.append(_("Tick at least one lecturer to nominate."))
    elif any(lecturer_id not in by_id for lecturer_id in ids):
        errors.append(_("Only lecturers shown in the table can be nominated."))
    rationale = (form.get("rationale") or "").strip()
    if not rationale:
        errors.append(_("Write the overall rationale for the decision."))
    if any(has_nul(value) for _key, values in form.lists() for value in values):
        errors.append(str(NUL_REFUSED))
    contest = None
    if raw_contest:
        contest = db.session.get(Contest, contest_id) if contest_id else None
        if contest is None or contest.id not in {c.id for c in open_contests(unit)}:
            errors.append(_("Choose a planned contest that takes nominations from this unit."))
    if errors:
        return _page(unit, errors=errors, status=422, **page)
    lecturers = {row.lecturer.id: row.lecturer for row in rows}
    nominees = [(lecturers[i], (form.get(f"rationale_{i}") or "").strip()[:MAX_RATIONALE]) for i in ids]
    snapshot = evidence.snapshot(rows, win, eligibility=eligibility, unit_ids=[unit.id])
    snapshot["nominee_ids"] = ids
    try:
        services.decide_candidates(unit=unit, contest=contest, window_months=months, eligibility=eligibility,
                                   nominees=nominees, snapshot=snapshot, actor=current_user, now=utcnow(),
                                   rationale=rationale)
    except DomainError as error:
        db.session.rollback()
        return _page(unit, errors=[str(error.message)], status=error.status if error.status < 500 else 422, **page)
    db.session.commit()
    flash(_("Decision recorded with the evidence shown."), "success")
    return redirect(url_for("contests.candidate_decisions"))


@bp.get("/candidates/decisions")
@roles_required(Role.DIRECTOR, Role.OVERSEER)
def candidate_decisions():
    unit = current_unit()
    require(can_view_candidates(current_user, unit))
    decisions = queries.decisions_of(unit.id)
    names = {lecturer.id: lecturer.full_name for lecturer in evidence.lecturers_by_id(
        nomination.lecturer_id for decision in decisions for nomination in decision.nominations).values()}
    contests = {contest.id: contest for contest in db.session.scalars(
        sa.select(Contest).where(Contest.id.in_({d.contest_id for d in decisions if d.contest_id})))} \
        if any(d.contest_id for d in decisions) else {}
    return render_template("contests/candidate_decisions.html", unit=unit, decisions=decisions, names=names,
                           contests=contests, Eligibility=Eligibility)
