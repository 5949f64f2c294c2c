"""Setting a contest up: its details, components, judges, entries and their documents."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from accounts.models import Unit, User
from contests.enums import Aggregation, ContestLevel, Eligibility
from contests.models import Contest, ContestComponent, ContestEntry, ContestJudge, EntryDocument
from contests.services.candidates import contest_takes_nominations_from
from contests.services.common import check_setup, required, text
from core import uploads
from core.errors import DomainError
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.models import log_action
from lecturers.enums import LecturerKind
from lecturers.models import Lecturer
from reviews.enums import RubricVersionState
from reviews.rubrics import RubricVersion

DEFAULT_TIE_BREAK = ("lecture", "plan")  # live lecture, then lesson plan (domain notes §3.5)
QUOTA_FIELDS = ("first", "second", "third", "consolation")
CODE = re.compile(r"^[a-z0-9_-]{1,20}$")


def _decimal(value: Any, field: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(_l("Enter a number."), field=field) from None
    if not number.is_finite() or not low < number <= high:
        raise DomainError(_l("Enter a number above %(low)s and at most %(high)s.", low=low, high=high), field=field)
    return number.quantize(Decimal("0.01"))


def _quotas(quotas: Mapping[str, Any]) -> dict[str, int | None]:
    values: dict[str, int | None] = {}
    for code in QUOTA_FIELDS:
        value = quotas.get(code)
        if value is None or value == "":
            values[code] = None
            continue
        if isinstance(value, bool) or not str(value).strip().isdigit() or int(value) > 10_000:
            raise DomainError(_l("A quota is a whole number from 0, or empty for all remaining."),
                              field=f"quota_{code}")
        values[code] = int(value)
    return values


def _values(values: Mapping[str, Any]) -> dict[str, Any]:
    level, eligibility = values.get("level"), values.get("eligibility") or Eligibility.ALL
    aggregation = values.get("aggregation") or Aggregation.MEAN
    if level not in set(ContestLevel):
        raise DomainError(_l("Choose the level."), field="level")
    if eligibility not in set(Eligibility):
        raise DomainError(_l("Choose who is eligible."), field="eligibility")
    if aggregation not in set(Aggregation):
        raise DomainError(_l("Choose how the judges' marks combine."), field="aggregation")
    year = values.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 1945 <= year <= 2200:
        raise DomainError(_l("Enter the year, e.g. 2026."), field="year")
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(_l("The contest cannot end before it starts."), field="ends_on")
    tie_break = [text(code, 20) for code in values.get("tie_break") or DEFAULT_TIE_BREAK if text(code, 20)]
    quotas = _quotas(values.get("prize_quotas") or {})
    return {"name": required(values.get("name"), "name", 300), "level": level, "year": year,
            "starts_on": starts_on, "ends_on": ends_on, "eligibility": eligibility, "aggregation": aggregation,
            "tie_break": tie_break, **{f"quota_{code}": value for code, value in quotas.items()}}


def create_contest(*, unit: Unit, values: Mapping[str, Any], components: Sequence[Mapping[str, Any]] = (),
                   actor: User, now: datetime) -> Contest:
    """A new contest in setup, organised by ``unit`` and ``actor``, with optional components.
    Tie-break codes must name components once any are given."""
    cleaned = _values(values)
    contest = Contest(unit_id=unit.id, organiser_id=actor.id, phase="setup", created_at=now, updated_at=now,
                      **cleaned)
    db.session.add(contest)
    db.session.flush()
    for component in components:
        add_component(contest, values=component, actor=actor, now=now, audit=False)
    if components:
        _check_tie_break(contest, cleaned["tie_break"], explicit=bool(values.get("tie_break")))
    log_action("contest.created", contest, actor_id=actor.id, now=now,
               after={"name": contest.name, "level": contest.level, "year": contest.year})
    return contest


def _check_tie_break(contest: Contest, tie_break: list[str], *, explicit: bool) -> None:
    codes = {component.code for component in contest.components}
    unknown = [code for code in tie_break if code not in codes]
    if unknown and explicit:
        raise DomainError(_l("The tie-break names a component the contest does not have: %(codes)s.",
                             codes=", ".join(unknown)), field="tie_break")
    contest.tie_break = [code for code in tie_break if code in codes] if unknown else tie_break


def update_contest(contest: Contest, *, values: Mapping[str, Any], actor: User, now: datetime) -> Contest:
    """Change the details while the contest is set up (the level and organiser stay)."""
    check_setup(contest)
    cleaned = _values({**values, "level": contest.level})
    if contest.components and values.get("tie_break"):
        _check_tie_break(contest, cleaned.pop("tie_break"), explicit=True)
    for field, value in cleaned.items():
        setattr(contest, field, value)
    contest.updated_at = now
    log_action("contest.updated", contest, actor_id=actor.id, now=now, after={"name": contest.name})
    db.session.flush()
    return contest


def add_component(contest: Contest, *, values: Mapping[str, Any], actor: User, now: datetime,
                  audit: bool = True) -> ContestComponent:
    check_setup(contest)
    code = text(values.get("code"), 40).lower()
    if not CODE.match(code):
        raise DomainError(_l("A code is 1 to 20 lowercase letters, digits, - or _."), field="code")
    if any(component.code == code for component in contest.components):
        raise DomainError(_l("The contest already has a component with this code."), field="code")
    limit = values.get("time_limit_minutes")
    if limit not in (None, "") and (isinstance(limit, bool) or not str(limit).isdigit() or not 0 < int(limit) <= 600):
        raise DomainError(_l("The time limit is 1 to 600 minutes."), field="time_limit_minutes")
    component = ContestComponent(
        contest_id=contest.id, code=code, name=required(values.get("name"), "name", 200),
        max_points=_decimal(values.get("max_points"), "max_points", Decimal(0), Decimal(1000)),
        weight=_decimal(values.get("weight", 1), "weight", Decimal(0), Decimal(100)),
        time_limit_minutes=int(limit) if limit not in (None, "") else None,
        rubric_version=_rubric_version(contest, values.get("rubric_version_id")), position=len(contest.components) + 1)
    db.session.add(component)
    contest.components.append(component)
    db.session.flush()
    if audit:
        log_action("contest.component_added", contest, actor_id=actor.id, now=now,
                   after={"code": code, "max_points": component.max_points, "weight": component.weight,
                          "rubric_version_id": component.rubric_version_id})
    return component


def _rubric_version(contest: Contest, raw: Any) -> RubricVersion | None:
    """The published rubric version a component's judges score on (a shipped template or one of
    the organising unit's), or None for a single mark."""
    if raw in (None, ""):
        return None
    version = db.session.get(RubricVersion, raw) if isinstance(raw, int) and not isinstance(raw, bool) else None
    if (version is None or version.state != RubricVersionState.PUBLISHED
            or version.rubric.unit_id not in (None, contest.unit_id)):
        raise DomainError(_l("Choose a published rubric: a shipped template or one of the organising unit's."),
                          field="rubric_version_id")
    return version


def add_judge(contest: Contest, *, user: User | None, actor: User, now: datetime) -> ContestJudge:
    """Put ``user`` on the panel: judging rights come from this alone."""
    check_setup(contest)
    if user is None or not user.is_enabled:
        raise DomainError(_l("Choose an active user."), field="user_id")
    if user.id in contest.judge_ids():
        raise DomainError(_l("This user is already a judge of the contest."), field="user_id")
    if any(entry.lecturer.user_id == user.id for entry in contest.entries):
        raise DomainError(_l("A contestant cannot judge the contest."), field="user_id")
    judge = ContestJudge(contest_id=contest.id, user_id=user.id, added_at=now)
    db.session.add(judge)
    contest.judges.append(judge)
    db.session.flush()
    log_action("contest.judge_added", contest, actor_id=actor.id, now=now, after={"user_id": user.id})
    return judge


def judge_candidates(contest: Contest) -> list[User]:
    """Who may be put on the panel: enabled users holding a role in the contest's province."""
    from accounts.models import RoleGrant

    query = (sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id).join(Unit, Unit.id == RoleGrant.unit_id)
             .where(Unit.province_id == contest.unit.province_id, User.is_enabled.is_(True),
                    RoleGrant.role.in_(("director", "reviewer", "overseer")))
             .distinct().order_by(User.full_name))
    taken = contest.judge_ids() | {entry.lecturer.user_id for entry in contest.entries}
    return [user for user in db.session.scalars(query) if user.id not in taken]


def add_entry(contest: Contest, *, lecturer: Lecturer | None, topic: str, actor: User, now: datetime) -> ContestEntry:
    check_setup(contest)
    if lecturer is None or not lecturer.is_active or not contest_takes_nominations_from(contest, lecturer.unit):
        raise DomainError(_l("Choose an active lecturer of a unit this contest takes."), field="lecturer_id")
    if contest.eligibility == Eligibility.FULL_TIME and lecturer.kind != LecturerKind.FULL_TIME:
        raise DomainError(_l("%(name)s is not a full-time lecturer.", name=lecturer.full_name), field="lecturer_id")
    if any(entry.lecturer_id == lecturer.id for entry in contest.entries):
        raise DomainError(_l("This lecturer is already entered."), field="lecturer_id")
    if lecturer.user_id is not None and lecturer.user_id in contest.judge_ids():
        raise DomainError(_l("A judge of the contest cannot enter it."), field="lecturer_id")
    entry = ContestEntry(contest_id=contest.id, lecturer_id=lecturer.id, unit_id=lecturer.unit_id,
                         topic=required(topic, "topic", 300), created_at=now)
    db.session.add(entry)
    contest.entries.append(entry)
    db.session.flush()
    log_action("contest.entry_added", contest, actor_id=actor.id, now=now,
               after={"entry_id": entry.id, "lecturer_id": lecturer.id})
    return entry


def attach_document(entry: ContestEntry, *, upload: uploads.Upload | None, title: str, actor: User,
                    now: datetime) -> EntryDocument:
    """Check and store a document of an entry (as lesson plans are), until judging closes."""
    if entry.contest.is_closed:
        raise DomainError(_l("Judging is closed: documents can no longer be added."), status=409, code="conflict")
    if upload is None:
        raise DomainError(_l("Choose a file."), field="file")
    kind = uploads.inspect(upload.data, upload.filename, uploads.limits_from_config())
    stored = uploads.store(upload, kind=kind, unit_id=entry.contest.unit_id, uploaded_by_id=actor.id, now=now)
    db.session.flush()
    document = EntryDocument(entry_id=entry.id, file_id=stored.id, title=text(title, 200))
    db.session.add(document)
    entry.documents.append(document)
    db.session.flush()
    log_action("contest.document_added", entry.contest, actor_id=actor.id, now=now,
               after={"entry_id": entry.id, "file_id": stored.id})
    return document


def contest_dates_default(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)
