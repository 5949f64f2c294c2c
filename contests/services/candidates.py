"""The director's decision on contest candidates, kept with the evidence it was based on."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from accounts.models import Unit, User
from contests.enums import ContestLevel, Eligibility
from contests.models import CandidateDecision, CandidateNomination, Contest, ContestEntry
from contests.services.common import check_setup, text
from core.errors import DomainError
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.models import log_action
from lecturers.enums import LecturerKind
from lecturers.models import Lecturer


def contest_takes_nominations_from(contest: Contest, unit: Unit) -> bool:
    """A unit contest takes its own unit's lecturers; a higher one any unit of its province."""
    if contest.level == ContestLevel.UNIT:
        return contest.unit_id == unit.id
    return contest.unit.province_id == unit.province_id


def _check_nominees(unit: Unit, eligibility: str, nominees: Sequence[tuple[Lecturer, str]]) -> None:
    seen: set[int] = set()
    for lecturer, rationale in nominees:
        if not (rationale or "").strip():
            raise DomainError(_l("Write why %(name)s is nominated.", name=lecturer.full_name), field="nominees")
        if lecturer.unit_id != unit.id or not lecturer.is_active:
            raise DomainError(_l("Only active lecturers of this unit can be nominated."), field="nominees")
        if eligibility == Eligibility.FULL_TIME and lecturer.kind != LecturerKind.FULL_TIME:
            raise DomainError(_l("%(name)s is not a full-time lecturer.", name=lecturer.full_name), field="nominees")
        if lecturer.id in seen:
            raise DomainError(_l("A lecturer is nominated twice."), field="nominees")
        seen.add(lecturer.id)


def decide_candidates(*, unit: Unit, contest: Contest | None, window_months: int, eligibility: str,
                      nominees: Sequence[tuple[Lecturer, str]], snapshot: dict[str, Any], actor: User,
                      now: datetime, rationale: str = "", topic: str = "") -> CandidateDecision:
    """Store the decision, its nominations and the evidence snapshot (all append-only) and
    audit it. When ``contest`` is given it must be in setup and take nominations from
    ``unit``: each nominee who is not entered yet becomes an entry (topic ``topic``, to be
    completed by the organiser)."""
    if eligibility not in set(Eligibility):
        raise DomainError(_l("Choose who is eligible."), field="eligibility")
    if not 0 < window_months <= 120:
        raise DomainError(_l("The window is 1 to 120 months."), field="window_months")
    if contest is not None:
        check_setup(contest)
        if not contest_takes_nominations_from(contest, unit):
            raise DomainError(_l("This contest does not take nominations from this unit."), field="contest_id")
        if contest.eligibility == Eligibility.FULL_TIME:
            eligibility = Eligibility.FULL_TIME
    _check_nominees(unit, eligibility, nominees)
    decision = CandidateDecision(unit_id=unit.id, contest_id=contest.id if contest else None,
                                 window_months=window_months, eligibility=eligibility, decided_by_id=actor.id,
                                 decided_at=now, rationale=text(rationale), snapshot=snapshot)
    db.session.add(decision)
    db.session.flush()
    for lecturer, reason in nominees:
        nomination = CandidateNomination(decision_id=decision.id, lecturer_id=lecturer.id, rationale=text(reason))
        db.session.add(nomination)
        db.session.flush()
        if contest is not None:
            _enter(contest, lecturer, nomination, topic)
    log_action("contest.candidates_decided", decision, actor_id=actor.id, unit_id=unit.id, now=now,
               after={"contest_id": decision.contest_id, "window_months": window_months, "eligibility": eligibility,
                      "lecturer_ids": ",".join(str(lecturer.id) for lecturer, _ in nominees)})
    db.session.flush()
    return decision


def _enter(contest: Contest, lecturer: Lecturer, nomination: CandidateNomination, topic: str) -> None:
    if any(entry.lecturer_id == lecturer.id for entry in contest.entries):
        return
    entry = ContestEntry(contest_id=contest.id, lecturer_id=lecturer.id, unit_id=lecturer.unit_id,
                         topic=text(topic, 300), nomination_id=nomination.id)
    db.session.add(entry)
    contest.entries.append(entry)
    db.session.flush()
