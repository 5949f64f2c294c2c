"""Who may create, run, judge and read contests, and record outside results.

A unit-level contest is run by its unit's directors; a higher-level one by the overseers of
its province. Judging rights come from being on the panel alone. A judge sees only their own
marks until judging closes; the ranking is the organiser's at any time, the judges' once
judging is closed, and everyone's who may see the contest once published.
"""
from __future__ import annotations

from accounts.enums import STAFF_ROLES, Role, UnitKind
from accounts.models import Unit, User
from contests.enums import ContestLevel
from contests.models import Contest, ContestEntry, EntryDocument
from core.permissions import predicate
from lecturers.models import Lecturer


def _roles(user: User, unit: Unit) -> set[Role]:
    return user.roles_in(unit.id, unit.province_id)


def organiser_role(level: str) -> Role:
    return Role.DIRECTOR if level == ContestLevel.UNIT else Role.OVERSEER


@predicate
def can_list_contests(user: User, unit: Unit) -> bool:
    """The contest list is the directors' and overseers' (judges reach theirs from the home page)."""
    return bool(_roles(user, unit) & {Role.DIRECTOR, Role.OVERSEER})


def levels_for(user: User, unit: Unit) -> list[ContestLevel]:
    """The levels ``user`` may organise from ``unit``: a director their unit's contest; an
    overseer, working in the provincial board, the higher levels."""
    roles = _roles(user, unit)
    levels = [ContestLevel.UNIT] if Role.DIRECTOR in roles else []
    if Role.OVERSEER in roles and unit.kind == UnitKind.PROVINCIAL_BOARD:
        levels += [level for level in ContestLevel if level != ContestLevel.UNIT]
    return levels


@predicate
def can_create_contest(user: User, unit: Unit) -> bool:
    return bool(levels_for(user, unit))


def organising_unit(user: User, unit: Unit, level: str) -> Unit:
    """The unit a new contest belongs to: the director's unit, or for a higher level the
    board unit the overseer is granted on in that province."""
    if level == ContestLevel.UNIT:
        return unit
    boards = [grant.unit for grant in user.grants
              if grant.role == Role.OVERSEER and grant.unit.province_id == unit.province_id]
    return boards[0] if boards else unit


@predicate
def can_manage_contest(user: User, contest: Contest) -> bool:
    return organiser_role(contest.level) in _roles(user, contest.unit)


def _is_judge(user: User, contest: Contest) -> bool:
    return user.id in contest.judge_ids()


def _is_entrant(user: User, contest: Contest) -> bool:
    return any(entry.lecturer.user_id == user.id for entry in contest.entries)


@predicate
def can_view_contest(user: User, contest: Contest) -> bool:
    """The organisers, the judges, the unit's staff and overseers; for a higher-level contest
    the directors of its province's units (they nominate); the contestants once published."""
    if can_manage_contest(user, contest) or _is_judge(user, contest):
        return True
    if _roles(user, contest.unit) & STAFF_ROLES:
        return True
    if contest.level != ContestLevel.UNIT and any(
            grant.role == Role.DIRECTOR and grant.unit.province_id == contest.unit.province_id
            for grant in user.grants):
        return True
    return contest.is_published and _is_entrant(user, contest)


@predicate
def can_edit_contest(user: User, contest: Contest) -> bool:
    return contest.is_setup and can_manage_contest(user, contest)


@predicate
def can_change_phase(user: User, contest: Contest) -> bool:
    return not contest.is_published and can_manage_contest(user, contest)


@predicate
def can_judge_contest(user: User, contest: Contest) -> bool:
    return contest.is_judging and _is_judge(user, contest)


@predicate
def can_score_entry(user: User, entry: ContestEntry) -> bool:
    return can_judge_contest(user, entry.contest) and user.id not in entry.conflicted_judge_ids()


@predicate
def can_declare_contest_conflict(user: User, entry: ContestEntry) -> bool:
    contest = entry.contest
    return (not contest.is_closed and _is_judge(user, contest)
            and user.id not in entry.conflicted_judge_ids())


@predicate
def can_view_conflicts(user: User, contest: Contest) -> bool:
    """The organiser sees every declaration (a judge sees their own on the marking page)."""
    return can_manage_contest(user, contest)


@predicate
def can_view_ranking(user: User, contest: Contest) -> bool:
    if can_manage_contest(user, contest):
        return True
    if contest.is_closed and _is_judge(user, contest):
        return True
    return contest.is_published and can_view_contest(user, contest)


@predicate
def can_view_all_marks(user: User, contest: Contest) -> bool:
    """Every judge's marks: the organiser, and the judges once judging is closed."""
    return can_manage_contest(user, contest) or (contest.is_closed and _is_judge(user, contest))


@predicate
def can_add_document(user: User, entry: ContestEntry) -> bool:
    return not entry.contest.is_closed and can_manage_contest(user, entry.contest)


@predicate
def can_view_document(user: User, document: EntryDocument) -> bool:
    contest = document.entry.contest
    return (can_manage_contest(user, contest) or _is_judge(user, contest)
            or document.entry.lecturer.user_id == user.id)


@predicate
def can_record_outside_result(user: User, lecturer: Lecturer) -> bool:
    return Role.DIRECTOR in _roles(user, lecturer.unit)
