"""Minutes workflow: open (pre-filled) → record → approve (locked) → amend; action items.

Every function takes the actor and ``now`` as keyword arguments, adds and flushes, never
commits, and refuses changes to approved minutes with a 409. ``set_meeting_state`` is the
only function that changes a meeting's state. Edits that overwrite what someone else may
have typed (the details of the minutes, the attendance, an agenda item) carry the version
the page was read at and are refused with a 409 when the minutes changed since.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from accounts.enums import Role
from accounts.models import Unit, User
from core.errors import DomainError
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.models import changes, log_action
from lecturers.models import Lecturer, Topic
from lecturers.queries import active_lecturers
from meetings.enums import (CLOSED_STATUSES, MINUTES_TRANSITIONS, RECORDED_STATUSES, AmendmentTarget,
                            AttendanceStatus, MinutesState)
from meetings.models import (ActionClosure, ActionItem, AgendaItem, Attendance, ContentUpdate, Contribution, Guest,
                             Meeting, MeetingAmendment, meeting_observation)
from reviews.enums import ObservationState
from reviews.models import Observation

MAX_TEXT = 20_000
SECRETARY_ROLES = frozenset({Role.DIRECTOR, Role.SECRETARY, Role.REVIEWER, Role.LECTURER})


def first_of_month(day: date) -> date:
    return day.replace(day=1)


# --- guards shared by every change ------------------------------------------------------------


def _check_draft(meeting: Meeting) -> None:
    if meeting.is_approved:
        raise DomainError(_l("These minutes are approved and locked. Record a correction as an amendment."),
                          status=409, code="conflict")


def _check_version(meeting: Meeting, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != meeting.version:
        raise DomainError(_l("The minutes were changed by someone else after you opened this page. "
                             "Your input is kept below: check it against the current minutes and save again."),
                          status=409, code="conflict")


def _touch(meeting: Meeting, now: datetime) -> None:
    """Mark the minutes changed: the version goes up, so pages read before this edit are stale."""
    meeting.updated_at = now
    try:
        db.session.flush()
    except StaleDataError as error:  # another transaction changed the row between our read and write
        raise DomainError(_l("The minutes were changed by someone else at the same moment. Reload and try again."),
                          status=409, code="conflict") from error


def _text(value: str | None, limit: int = MAX_TEXT) -> str:
    return (value or "").strip()[:limit]


def _required(value: str | None, field: str, limit: int) -> str:
    text = _text(value, limit)
    if not text:
        raise DomainError(_l("This field is required."), field=field)
    return text


# --- opening and the details of the minutes ------------------------------------------------------


def suggested_number(unit_id: int, month: date) -> str:
    """The next number in the year: "01" for the first minutes of a year, then "02", …"""
    count = db.session.scalar(sa.select(sa.func.count(Meeting.id)).where(
        Meeting.unit_id == unit_id, Meeting.month.between(date(month.year, 1, 1), date(month.year, 12, 1))))
    return f"{(count or 0) + 1:02d}"


def free_month(unit_id: int, start: date) -> date:
    """The first month from ``start`` on without minutes: "this month's meeting" by default."""
    taken = set(db.session.scalars(sa.select(Meeting.month).where(Meeting.unit_id == unit_id,
                                                                  Meeting.month >= first_of_month(start))))
    month = first_of_month(start)
    while month in taken:
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return month


def _check_people(unit: Unit, chair: User | None, secretary: User | None) -> None:
    if chair is None or not chair.is_enabled or Role.DIRECTOR not in chair.roles_in(unit.id):
        raise DomainError(_l("The chair must be a director of this unit."), field="chair_id")
    if secretary is None or not secretary.is_enabled or not secretary.roles_in(unit.id) & SECRETARY_ROLES:
        raise DomainError(_l("The secretary must be a member of this unit."), field="secretary_id")


def _check_month(unit: Unit, month: date, meeting: Meeting | None = None) -> None:
    query = sa.select(Meeting.id).where(Meeting.unit_id == unit.id, Meeting.month == month)
    if meeting is not None:
        query = query.where(Meeting.id != meeting.id)
    if db.session.scalar(query) is not None:
        raise DomainError(_l("This unit already has minutes for that month."), field="month")


def _check_times(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is None:
        raise DomainError(_l("Give the date and time the meeting started."), field="start_time")
    if ends_at is not None and ends_at < starts_at:
        raise DomainError(_l("The meeting cannot end before it starts."), field="end_time")


def open_meeting(*, unit: Unit, month: date, number: str, starts_at: datetime, ends_at: datetime | None,
                 place: str, chair: User | None, secretary: User | None, actor: User, now: datetime) -> Meeting:
    """Open the draft minutes of ``unit``'s meeting for ``month``, pre-filled with

    - every active lecturer of the unit as an expected attendee (attendance not yet recorded);
    - the unit's finalised observations not yet discussed at a meeting, finalised before the
      meeting started (or before now, for a meeting still to come).

    Open action items of earlier meetings need no copy: they are shown with every later
    meeting until closed (``queries.carried_action_items``)."""
    month = first_of_month(month)
    _check_month(unit, month)
    _check_people(unit, chair, secretary)
    _check_times(starts_at, ends_at)
    meeting = Meeting(unit_id=unit.id, month=month, number=_required(number, "number", 40) if number else
                      suggested_number(unit.id, month), starts_at=starts_at, ends_at=ends_at,
                      place=_text(place, 300), chair_id=chair.id, secretary_id=secretary.id, opened_by_id=actor.id,
                      state=MinutesState.DRAFT, created_at=now, updated_at=now)
    meeting.attendances = [Attendance(lecturer_id=lecturer.id, kind=lecturer.kind, sort_key=lecturer.sort_key)
                           for lecturer in active_lecturers(unit.id)]
    db.session.add(meeting)
    db.session.flush()
    linked = _link_observations(meeting, cutoff=min(now, starts_at))
    log_action("meeting_opened", meeting, actor_id=actor.id, now=now,
               after={"month": month, "number": meeting.number, "expected": len(meeting.attendances),
                      "observations": linked})
    return meeting


def _link_observations(meeting: Meeting, *, cutoff: datetime) -> int:
    discussed = sa.select(meeting_observation.c.observation_id).where(
        meeting_observation.c.observation_id == Observation.id)
    ids = list(db.session.scalars(sa.select(Observation.id).where(
        Observation.unit_id == meeting.unit_id, Observation.state == ObservationState.FINALIZED,
        Observation.finalized_at <= cutoff, ~sa.exists(discussed))))
    if ids:
        db.session.execute(sa.insert(meeting_observation),
                           [{"meeting_id": meeting.id, "observation_id": observation_id} for observation_id in ids])
        db.session.expire(meeting, ["observations"])
    return len(ids)


DETAIL_FIELDS = ("month", "number", "starts_at", "ends_at", "place", "chair_id", "secretary_id", "conclusion")


def update_meeting(meeting: Meeting, *, values: Mapping[str, object], expected_version: int | None, actor: User,
                   now: datetime) -> Meeting:
    """Change the details of draft minutes and the chair's conclusion."""
    _check_draft(meeting)
    _check_version(meeting, expected_version)
    unit = meeting.unit
    month = first_of_month(values["month"])
    _check_month(unit, month, meeting)
    chair, secretary = db.session.get(User, values["chair_id"]), db.session.get(User, values["secretary_id"])
    _check_people(unit, chair, secretary)
    _check_times(values["starts_at"], values["ends_at"])
    new = {"month": month, "number": _required(values["number"], "number", 40), "starts_at": values["starts_at"],
           "ends_at": values["ends_at"], "place": _text(values["place"], 300), "chair_id": chair.id,
           "secretary_id": secretary.id, "conclusion": _text(values["conclusion"])}
    before, after = changes(meeting, list(DETAIL_FIELDS), new)
    for field, value in new.items():
        setattr(meeting, field, value)
    _touch(meeting, now)
    if after:
        log_action("meeting_updated", meeting, actor_id=actor.id, before=before, after=after, now=now)
    return meeting


# --- attendance and guests -----------------------------------------------------------------------


def _attendance_values(status: str, reason: str) -> tuple[AttendanceStatus, str]:
    try:
        status = AttendanceStatus(status)
    except ValueError:
        raise DomainError(_l("Choose present, absent with reason or absent without reason."),
                          field="status") from None
    reason = _text(reason, 300)
    if status == AttendanceStatus.EXCUSED and not reason:
        raise DomainError(_l("Give the reason for the absence."), field="reason")
    return status, reason if status == AttendanceStatus.EXCUSED else ""


def record_attendance(meeting: Meeting, *, statuses: Mapping[int, tuple[str, str]], expected_version: int | None,
                      actor: User, now: datetime) -> Meeting:
    """Set who was present, absent with a reason, or absent without one: attendance id →
    (status, reason). A reason is required for an excused absence and kept only for it."""
    _check_draft(meeting)
    _check_version(meeting, expected_version)
    by_id = {attendance.id: attendance for attendance in meeting.attendances}
    if set(statuses) - set(by_id):
        raise DomainError(_l("Unknown attendee."), field="status")
    changed = {}
    for attendance_id, (status, reason) in statuses.items():
        attendance = by_id[attendance_id]
        try:
            new_status, new_reason = _attendance_values(status, reason)
        except DomainError as error:
            error.field = f"{error.field}_{attendance_id}"
            raise
        if (attendance.status, attendance.reason) != (new_status, new_reason):
            attendance.status, attendance.reason = new_status, new_reason
            changed[str(attendance.lecturer_id)] = new_status.value
    _touch(meeting, now)
    if changed:
        log_action("meeting_attendance", meeting, actor_id=actor.id, after=changed, now=now)
    return meeting


def add_guest(meeting: Meeting, *, full_name: str, position: str, actor: User, now: datetime) -> Guest:
    _check_draft(meeting)
    guest = Guest(full_name=_required(full_name, "full_name", 200), position=_text(position, 300))
    meeting.guests.append(guest)
    db.session.flush()
    return guest


# --- agenda, contributions, content updates, action items ----------------------------------------


def add_agenda_item(meeting: Meeting, *, title: str, summary: str, conclusion: str, actor: User,
                    now: datetime) -> AgendaItem:
    _check_draft(meeting)
    position = max((item.position for item in meeting.agenda_items), default=0) + 1
    item = AgendaItem(position=position, title=_required(title, "title", 300), summary=_text(summary),
                      conclusion=_text(conclusion))
    meeting.agenda_items.append(item)
    db.session.flush()
    return item


def update_agenda_item(item: AgendaItem, *, title: str, summary: str, conclusion: str,
                       expected_version: int | None, actor: User, now: datetime) -> AgendaItem:
    meeting = item.meeting
    _check_draft(meeting)
    _check_version(meeting, expected_version)
    item.title, item.summary, item.conclusion = _required(title, "title", 300), _text(summary), _text(conclusion)
    _touch(meeting, now)
    return item


def add_contribution(item: AgendaItem, *, speaker: str, content: str, actor: User, now: datetime) -> Contribution:
    _check_draft(item.meeting)
    contribution = Contribution(speaker=_required(speaker, "speaker", 200), content=_required(content, "content",
                                                                                              MAX_TEXT))
    item.contributions.append(contribution)
    db.session.flush()
    return contribution


def add_content_update(meeting: Meeting, *, title: str, body: str, topics: Iterable[Topic], actor: User,
                       now: datetime) -> ContentUpdate:
    """Content agreed for lectures; the lecturers of ``topics`` see it on their page once the
    minutes are approved."""
    _check_draft(meeting)
    topics = list(dict.fromkeys(topics))
    if not topics:
        raise DomainError(_l("Choose at least one topic."), field="topic_ids")
    if any(topic.unit_id != meeting.unit_id for topic in topics):
        raise DomainError(_l("Unknown topic."), field="topic_ids")
    update = ContentUpdate(title=_required(title, "title", 300), body=_text(body), topics=topics)
    meeting.content_updates.append(update)
    db.session.flush()
    return update


def add_action_item(meeting: Meeting, *, description: str, owner: Lecturer | None, due_on: date | None,
                    actor: User, now: datetime) -> ActionItem:
    _check_draft(meeting)
    if owner is None or owner.unit_id != meeting.unit_id or not owner.is_active:
        raise DomainError(_l("Choose an active lecturer of this unit."), field="owner_id")
    if due_on is None:
        raise DomainError(_l("Give the due date."), field="due_on")
    item = ActionItem(unit_id=meeting.unit_id, description=_required(description, "description", 2000),
                      owner_id=owner.id, due_on=due_on, created_at=now)
    meeting.action_items.append(item)
    db.session.flush()
    log_action("action_item_created", item, actor_id=actor.id, now=now,
               after={"meeting_id": meeting.id, "owner_id": owner.id, "due_on": due_on})
    return item


ROWS = {"guest": Guest, "agenda": AgendaItem, "contribution": Contribution, "update": ContentUpdate,
        "action": ActionItem}


def _meeting_of(row) -> Meeting:
    return row.agenda_item.meeting if isinstance(row, Contribution) else row.meeting


def remove_row(meeting: Meeting, kind: str, row_id: int, *, actor: User, now: datetime) -> None:
    """Take a guest, agenda item (with its contributions), contribution, content update or
    action item out of draft minutes."""
    _check_draft(meeting)
    model = ROWS.get(kind)
    row = db.session.get(model, row_id) if model else None
    if row is None or _meeting_of(row).id != meeting.id:
        raise DomainError(_l("That entry is not part of these minutes."), status=404, code="not_found")
    if isinstance(row, ActionItem) and row.closure is not None:
        raise DomainError(_l("A closed action item stays in the minutes."), status=409, code="conflict")
    if isinstance(row, ContentUpdate):
        row.topics = []
    db.session.delete(row)
    db.session.flush()
    if isinstance(row, ActionItem):
        log_action("action_item_removed", row, actor_id=actor.id, unit_id=meeting.unit_id, now=now,
                   before={"meeting_id": meeting.id, "description": row.description[:200]})


def close_action_item(item: ActionItem, *, status: str, note: str, actor: User, now: datetime,
                      meeting: Meeting | None = None) -> ActionClosure:
    """Close an open action item as done or dropped, recording who and when (once: a second
    close is refused). ``meeting``: the draft minutes at which it was closed, if any."""
    if item.closure is not None:
        raise DomainError(_l("This action item is already closed."), status=409, code="conflict")
    if status not in {value.value for value in CLOSED_STATUSES}:
        raise DomainError(_l("Choose done or dropped."), field="status")
    if meeting is not None and (meeting.is_approved or meeting.unit_id != item.unit_id):
        meeting = None
    closure = ActionClosure(status=status, note=_text(note, 1000), closed_at=now, closed_by_id=actor.id,
                            meeting_id=meeting.id if meeting else None)
    item.closure = closure
    db.session.flush()
    log_action("action_item_closed", item, actor_id=actor.id, now=now, before={"status": "open"},
               after={"status": status, "meeting_id": closure.meeting_id})
    return closure


# --- approval: the one change of state -----------------------------------------------------------


def set_meeting_state(meeting: Meeting, new: MinutesState, *, actor: User, now: datetime) -> Meeting:
    """Move the minutes to ``new``. The only allowed move is draft → approved, by the chair,
    once every expected attendee's attendance is recorded and the end time is known.

    Side effects: ``approved_at``/``approved_by_id`` are set, an audit entry is written, and
    from the commit on the database refuses any change to the meeting and its rows
    (attendance, guests, agenda, contributions, content updates, action items): corrections
    are amendments. Approving approved minutes again is harmless."""
    old = MinutesState(meeting.state)
    if new == old:
        return meeting
    if new not in MINUTES_TRANSITIONS[old]:
        raise DomainError(_l("These minutes cannot go from %(old)s to %(new)s.", old=old.label, new=new.label),
                          status=409, code="conflict")
    if actor.id != meeting.chair_id:
        raise DomainError(_l("Only the chair of the meeting can approve the minutes."), status=403,
                          code="forbidden")
    missing = [a.lecturer.full_name for a in meeting.attendances if a.status not in RECORDED_STATUSES]
    if missing:
        raise DomainError(_l("Record the attendance of every expected attendee first (missing: %(names)s).",
                             names=", ".join(missing)), status=409, code="conflict")
    if meeting.ends_at is None:
        raise DomainError(_l("Record the time the meeting ended first."), status=409, code="conflict")
    meeting.state = new
    meeting.approved_at, meeting.approved_by_id = now, actor.id
    _touch(meeting, now)
    log_action("meeting_state", meeting, actor_id=actor.id, before={"state": old.value},
               after={"state": new.value}, now=now)
    return meeting


# --- amendments of approved minutes ----------------------------------------------------------------


def amend_meeting(meeting: Meeting, *, target: str, target_id: int | None, values: Mapping[str, str], reason: str,
                  actor: User, now: datetime) -> MeetingAmendment:
    """Correct approved minutes: the chair's conclusion, an agenda item's conclusion, a content
    update's text, one attendee's attendance, or any other point (a note). The reason is
    required; the values before and after are kept, and pages, exports and attendance rates
    use the corrected values."""
    if not meeting.is_approved:
        raise DomainError(_l("Only approved minutes are amended; draft minutes are simply edited."), status=409,
                          code="conflict")
    reason = _required(reason, "reason", MAX_TEXT)
    try:
        target = AmendmentTarget(target)
    except ValueError:
        raise DomainError(_l("Choose what to correct."), field="target") from None
    before, after = _amendment_values(meeting, target, target_id, values)
    if before == after:
        raise DomainError(_l("The correction changes nothing."), field="text")
    amendment = MeetingAmendment(at=now, by_id=actor.id, target=target.value,
                                 target_id=target_id if target not in (AmendmentTarget.CONCLUSION,
                                                                       AmendmentTarget.NOTE) else None,
                                 reason=reason, before=before, after=after)
    meeting.amendments.append(amendment)
    db.session.flush()
    log_action("meeting_amended", meeting, actor_id=actor.id, before=before,
               after={**after, "target": target.value, "reason": reason[:500]}, now=now)
    return amendment


def _amendment_values(meeting: Meeting, target: AmendmentTarget, target_id: int | None,
                      values: Mapping[str, str]) -> tuple[dict, dict]:
    corrected = meeting.corrections()
    if target == AmendmentTarget.NOTE:
        return {}, {"text": _required(values.get("text"), "text", MAX_TEXT)}
    if target == AmendmentTarget.CONCLUSION:
        current = corrected.get((target.value, None), {"text": meeting.conclusion})
        return {"text": current["text"]}, {"text": _text(values.get("text"))}
    rows = {AmendmentTarget.AGENDA_CONCLUSION: (meeting.agenda_items, lambda r: {"text": r.conclusion}),
            AmendmentTarget.CONTENT_UPDATE: (meeting.content_updates, lambda r: {"text": r.body}),
            AmendmentTarget.ATTENDANCE: (meeting.attendances, lambda r: {"status": r.status, "reason": r.reason})}
    candidates, original = rows[target]
    row = next((candidate for candidate in candidates if candidate.id == target_id), None)
    if row is None:
        raise DomainError(_l("Choose what to correct."), field="target")
    before = corrected.get((target.value, row.id), original(row))
    if target == AmendmentTarget.ATTENDANCE:
        try:
            status, reason = _attendance_values(values.get("status", ""), values.get("text", ""))
        except DomainError as error:
            error.field = "text" if error.field == "reason" else error.field
            raise
        if status == AttendanceStatus.EXPECTED:
            raise DomainError(_l("Choose present, absent with reason or absent without reason."), field="status")
        return dict(before), {"status": status.value, "reason": reason}
    return dict(before), {"text": _text(values.get("text"))}
