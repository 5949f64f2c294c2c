"""Results a lecturer won in contests run outside Lectern."""
from __future__ import annotations

from datetime import datetime

from accounts.models import User
from contests.enums import ContestLevel, Prize
from contests.models import OutsideResult
from contests.services.common import required
from core.errors import DomainError
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.models import log_action
from lecturers.models import Lecturer


def record_outside_result(lecturer: Lecturer, *, level: str, year: int | None, contest_name: str,
                          prize: str | None, actor: User, now: datetime) -> OutsideResult:
    if level not in set(ContestLevel):
        raise DomainError(_l("Choose the level."), field="level")
    if year is None or isinstance(year, bool) or not 1945 <= year <= now.year:
        raise DomainError(_l("Enter a year up to this year."), field="year")
    if prize not in (None, "") and prize not in set(Prize):
        raise DomainError(_l("Choose the prize."), field="prize")
    result = OutsideResult(lecturer_id=lecturer.id, unit_id=lecturer.unit_id, level=level, year=year,
                           contest_name=required(contest_name, "contest_name", 300), prize=prize or None,
                           recorded_by_id=actor.id, created_at=now)
    db.session.add(result)
    db.session.flush()
    log_action("contest.outside_result_recorded", result, actor_id=actor.id, now=now,
               after={"lecturer_id": lecturer.id, "level": level, "year": year, "prize": prize})
    return result
