"""Changes to lecturers, programmes, topics, classes and sessions. Never commits."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from accounts.models import Unit, User
from core.errors import DomainError
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.models import changes, log_action
from core.vietnamese import fold
from lecturers import roster
from lecturers.enums import STANDARD_PROGRAMMES
from lecturers.models import Lecturer, Programme, TeachingSession, Topic, TrainingClass

LECTURER_FIELDS = ["full_name", "birth_year", "gender", "kind", "home_body", "position", "workload_role",
                   "theory_level", "degree", "has_methods_certificate", "start_date", "is_active", "user_id"]


def _check_user_link(user_id: int | None, lecturer: Lecturer | None) -> None:
    if user_id is None:
        return
    taken = db.session.scalar(sa.select(Lecturer.id).where(Lecturer.user_id == user_id))
    if taken is not None and (lecturer is None or taken != lecturer.id):
        raise DomainError(_l("This account is already linked to another lecturer."), field="user_id")


def _topics(unit_id: int, topic_ids: list[int]) -> list[Topic]:
    if not topic_ids:
        return []
    query = sa.select(Topic).join(Programme).where(Topic.id.in_(topic_ids), Programme.unit_id == unit_id)
    topics = list(db.session.scalars(query))
    if len(topics) != len(set(topic_ids)):
        raise DomainError(_l("Unknown topic."), field="topic_ids")
    return topics


def save_lecturer(lecturer: Lecturer | None, *, unit: Unit, values: dict[str, Any], actor: User | None,
                  now: datetime, expected_version: int | None = None) -> Lecturer:
    """Create (``lecturer`` None) or update a lecturer of ``unit``.

    ``expected_version`` is the version the editor loaded; if someone saved in between, the
    edit is refused with 409 so the second writer can review their input.
    """
    if lecturer is not None and expected_version is not None and lecturer.version != expected_version:
        raise DomainError(_l("Someone else changed this lecturer while you were editing. "
                             "Your changes are below; check the current values and save again."),
                          status=409, code="conflict")
    values = dict(values)
    topic_ids = values.pop("topic_ids", None)
    _check_user_link(values.get("user_id"), lecturer)
    created = lecturer is None
    if lecturer is None:
        lecturer = Lecturer(unit_id=unit.id)
        db.session.add(lecturer)
    before, after = changes(lecturer, LECTURER_FIELDS, values) if not created else ({}, values)
    for key, value in values.items():
        if key == "full_name":
            lecturer.set_name(value)
        elif key in LECTURER_FIELDS:
            setattr(lecturer, key, value.strip() if isinstance(value, str) else value)
    if topic_ids is not None:
        lecturer.topics = _topics(unit.id, topic_ids)
    db.session.flush()
    if created or before:
        log_action("lecturer_created" if created else "lecturer_updated", lecturer,
                   actor_id=actor.id if actor else None,
                   before=before or None, after=after, now=now)
    return lecturer


def set_lecturer_active(lecturer: Lecturer, *, active: bool, actor: User, now: datetime) -> None:
    if lecturer.is_active == active:
        return
    log_action("lecturer_activated" if active else "lecturer_deactivated", lecturer, actor_id=actor.id,
               before={"is_active": lecturer.is_active}, after={"is_active": active}, now=now)
    lecturer.is_active = active


def seed_standard_programmes(unit: Unit) -> list[Programme]:
    """Give a unit the standard programmes it does not have yet."""
    existing = set(db.session.scalars(sa.select(Programme.code).where(Programme.unit_id == unit.id)))
    added = [Programme(unit_id=unit.id, code=code, name=name, name_en=name_en)
             for code, name, name_en in STANDARD_PROGRAMMES if code not in existing]
    db.session.add_all(added)
    db.session.flush()
    return added


def save_programme(programme: Programme | None, *, unit: Unit, values: dict[str, Any], actor: User,
                   now: datetime) -> Programme:
    clash = db.session.scalar(sa.select(Programme.id).where(Programme.unit_id == unit.id,
                                                            Programme.code == values["code"].strip()))
    if clash is not None and (programme is None or clash != programme.id):
        raise DomainError(_l("Another programme of this unit has this code."), field="code")
    created = programme is None
    programme = programme or Programme(unit_id=unit.id)
    for key in ("code", "name", "name_en", "is_active"):
        if key in values:
            setattr(programme, key, values[key].strip() if isinstance(values[key], str) else values[key])
    db.session.add(programme)
    db.session.flush()
    log_action("programme_created" if created else "programme_updated", programme, actor_id=actor.id,
               after={"code": programme.code, "name": programme.name}, now=now)
    return programme


def save_topic(topic: Topic | None, *, programme: Programme, values: dict[str, Any], actor: User,
               now: datetime) -> Topic:
    clash = db.session.scalar(sa.select(Topic.id).where(Topic.programme_id == programme.id,
                                                        Topic.code == values["code"].strip()))
    if clash is not None and (topic is None or clash != topic.id):
        raise DomainError(_l("Another topic of this programme has this code."), field="code")
    created = topic is None
    topic = topic or Topic(programme_id=programme.id)
    for key in ("code", "title", "periods", "is_active"):
        if key in values:
            setattr(topic, key, values[key].strip() if isinstance(values[key], str) else values[key])
    db.session.add(topic)
    db.session.flush()
    log_action("topic_created" if created else "topic_updated", topic, actor_id=actor.id,
               unit_id=programme.unit_id, after={"code": topic.code, "title": topic.title}, now=now)
    return topic


def save_class(training_class: TrainingClass | None, *, unit: Unit, values: dict[str, Any], actor: User,
               now: datetime) -> TrainingClass:
    if values["end_date"] < values["start_date"]:
        raise DomainError(_l("The end date must not be before the start date."), field="end_date")
    programme = db.session.get(Programme, values["programme_id"])
    if programme is None or programme.unit_id != unit.id:
        raise DomainError(_l("Unknown programme."), field="programme_id")
    created = training_class is None
    training_class = training_class or TrainingClass(unit_id=unit.id)
    for key, value in values.items():
        setattr(training_class, key, value.strip() if isinstance(value, str) else value)
    db.session.add(training_class)
    db.session.flush()
    log_action("class_created" if created else "class_updated", training_class, actor_id=actor.id,
               after={"name": training_class.name, "status": training_class.status}, now=now)
    return training_class


def add_session(training_class: TrainingClass, *, values: dict[str, Any], actor: User,
                now: datetime) -> TeachingSession:
    """Schedule a teaching session; its topic must belong to the class's programme and its
    lecturer to the class's unit, and its date must fall within the class's dates."""
    topic = db.session.get(Topic, values["topic_id"])
    if topic is None or topic.programme_id != training_class.programme_id:
        raise DomainError(_l("Choose a topic of the class's programme."), field="topic_id")
    lecturer = db.session.get(Lecturer, values["lecturer_id"])
    if lecturer is None or lecturer.unit_id != training_class.unit_id or not lecturer.is_active:
        raise DomainError(_l("Choose an active lecturer of this unit."), field="lecturer_id")
    if not training_class.start_date <= values["date"] <= training_class.end_date:
        raise DomainError(_l("The date must fall within the class's dates."), field="date")
    session = TeachingSession(class_id=training_class.id, **values)
    db.session.add(session)
    db.session.flush()
    log_action("session_created", session, actor_id=actor.id, unit_id=training_class.unit_id,
               after={"lecturer_id": lecturer.id, "topic_id": topic.id, "date": session.date}, now=now)
    return session


def delete_session(session: TeachingSession, *, actor: User, now: datetime) -> None:
    log_action("session_deleted", session, actor_id=actor.id, unit_id=session.unit_id,
               before={"lecturer_id": session.lecturer_id, "topic_id": session.topic_id, "date": session.date},
               now=now)
    db.session.delete(session)


def import_roster(data: bytes, *, unit: Unit, dry_run: bool, actor: User | None,
                  now: datetime) -> roster.RosterReport:
    """Check a roster workbook (.xlsx bytes) against ``unit`` and, unless ``dry_run``, write it.

    Always returns the full report (every row's action and problems). A dry run, or a file with
    any problem, writes nothing. Otherwise every row is written through ``save_lecturer`` (one
    audit entry per created or changed lecturer; unchanged rows are skipped) and
    ``report.written`` is set; the caller commits, and rolls back if anything raises.
    Raises ``DomainError`` (422) for a file that is not a readable .xlsx roster.
    """
    report = roster.read_roster(data, today=now.date())
    names = {fold(row.values["full_name"]) for row in report.rows if "full_name" in row.values}
    existing = db.session.scalars(sa.select(Lecturer).where(Lecturer.unit_id == unit.id,
                                                            Lecturer.search_name.in_(names))) if names else []
    roster.plan_roster(report, existing)
    if dry_run or not report.ok:
        return report
    with db.session.begin_nested():  # all rows or none, even if the caller forgets to roll back
        for row in report.rows:
            if row.action != roster.RowAction.UNCHANGED:
                save_lecturer(row.target, unit=unit, values=row.changes, actor=actor, now=now)
    report.written = True
    return report
