"""Practice lectures (luyện giảng, SPEC §3.7): a lecturer rehearses a topic before invited
leaders and colleagues. The lecturer assesses themselves first; attendees comment under five
headings and may score the rubric; the chair's verdict — ready, or rehearse again by a date,
which schedules the follow-up — finalises it. Every function takes the actor and ``now``."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from accounts.models import Unit, User
from core.errors import DomainError
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.models import log_action
from lecturers.models import Lecturer, Topic
from reviews import services
from reviews.authoring import default_version
from reviews.enums import PRACTICE_HEADINGS, ObservationKind, PracticePurpose, PracticeVerdict
from reviews.models import Observation, PracticeComment, PracticeLecture, Sheet
from reviews.rubrics import RubricVersion

MAX_MINUTES = 600


def _minutes(value: int | None, field: str) -> int | None:
    if value is not None and not 1 <= value <= MAX_MINUTES:
        raise DomainError(_l("Give the duration in minutes, from 1 to %(max)s.", max=MAX_MINUTES), field=field)
    return value


def schedule_practice(*, unit: Unit, lecturer: Lecturer, attendees: list[User], on: date, purpose: str,
                      audience: str, allowed_minutes: int, actor: User, now: datetime, topic: Topic | None = None,
                      topic_text: str = "", version: RubricVersion | None = None, chair: User | None = None,
                      previous: Observation | None = None) -> Observation:
    """Schedule a practice lecture with one comment sheet per invited attendee."""
    if purpose not in {p.value for p in PracticePurpose}:
        raise DomainError(_l("Choose the purpose of the practice lecture."), field="purpose")
    observation = services.plan_observation(
        unit=unit, lecturer=lecturer, version=version or default_version(unit), observers=attendees, on=on,
        actor=actor, now=now, chair=chair, kind=ObservationKind.PRACTICE_LECTURE, topic=topic, topic_text=topic_text)
    observation.practice = PracticeLecture(
        purpose=purpose, audience=audience.strip()[:300], allowed_minutes=_minutes(allowed_minutes, "allowed_minutes"),
        previous_id=previous.id if previous else None)
    db.session.flush()
    log_action("practice_scheduled", observation, actor_id=actor.id,
               after={"purpose": purpose, "allowed_minutes": allowed_minutes,
                      "previous_id": previous.id if previous else None}, now=now)
    return observation


def _open_practice(observation: Observation) -> PracticeLecture:
    if observation.practice is None:
        raise DomainError(_l("This is not a practice lecture."), status=404, code="not_found")
    if observation.is_finalized:
        raise DomainError(_l("This practice lecture is already closed with a verdict."), status=409,
                          code="conflict")
    return observation.practice


def record_self_assessment(observation: Observation, *, text: str, actual_minutes: int | None, actor: User,
                           now: datetime) -> None:
    """The lecturer's own assessment, given before the attendees' comments are submitted."""
    practice = _open_practice(observation)
    if observation.lecturer.user_id != actor.id:
        raise DomainError(_l("Only the lecturer who rehearsed writes the self-assessment."), status=403,
                          code="forbidden")
    if not (text or "").strip():
        raise DomainError(_l("Write your self-assessment."), field="self_assessment")
    before = {"self_assessment": practice.self_assessment}
    practice.self_assessment = text.strip()[:services.MAX_TEXT]
    practice.actual_minutes = _minutes(actual_minutes, "actual_minutes") or practice.actual_minutes
    practice.self_assessed_at = practice.self_assessed_at or now
    db.session.flush()
    log_action("practice_self_assessment", observation, actor_id=actor.id, before=before,
               after={"self_assessment": practice.self_assessment, "actual_minutes": practice.actual_minutes},
               now=now)


def save_comments(sheet: Sheet, *, comments: Mapping[str, str], actor: User, now: datetime) -> None:
    """An attendee's comments under the five headings (a draft until the sheet is submitted)."""
    _open_practice(sheet.observation)
    if sheet.observer_id != actor.id:
        raise DomainError(_l("Only the observer can change this sheet."), status=403, code="forbidden")
    if sheet.is_submitted:
        raise DomainError(_l("This sheet has been submitted and can no longer change."), status=409,
                          code="conflict")
    comment = sheet.practice_comment or PracticeComment()
    sheet.practice_comment = comment
    for heading in PRACTICE_HEADINGS:
        if heading in comments:
            setattr(comment, heading, (comments[heading] or "")[:services.MAX_TEXT])
    sheet.updated_at = now
    db.session.flush()


def give_verdict(observation: Observation, *, verdict: str, rehearse_by: date | None, debrief: str,
                 action_points: str, actual_minutes: int | None, actor: User, now: datetime) -> Observation | None:
    """Close the practice lecture with the chair's verdict. "Rehearse again" needs a later date
    and schedules the follow-up with the same attendees; it is returned."""
    practice = _open_practice(observation)
    if verdict not in {v.value for v in PracticeVerdict}:
        raise DomainError(_l("Choose the verdict."), field="verdict")
    if verdict == PracticeVerdict.AGAIN and (rehearse_by is None or rehearse_by <= observation.date):
        raise DomainError(_l("Give the date of the next rehearsal, after this one."), field="rehearse_by")
    follow_up = None
    if verdict == PracticeVerdict.AGAIN:
        follow_up = schedule_practice(
            unit=observation.unit, lecturer=observation.lecturer,
            attendees=[sheet.observer for sheet in observation.sheets], on=rehearse_by, purpose=practice.purpose,
            audience=practice.audience, allowed_minutes=practice.allowed_minutes, actor=actor, now=now,
            topic=observation.topic, topic_text=observation.topic_text, version=observation.rubric_version,
            chair=observation.chair, previous=observation)
    practice.verdict = verdict
    practice.rehearse_by = rehearse_by if verdict == PracticeVerdict.AGAIN else None
    practice.follow_up_id = follow_up.id if follow_up else None
    practice.actual_minutes = _minutes(actual_minutes, "actual_minutes") or practice.actual_minutes
    db.session.flush()
    log_action("practice_verdict", observation, actor_id=actor.id,
               after={"verdict": verdict, "rehearse_by": practice.rehearse_by,
                      "follow_up_id": practice.follow_up_id}, now=now)
    services.finalize_observation(observation, debrief=debrief, action_points=action_points, actor=actor, now=now)
    return follow_up
