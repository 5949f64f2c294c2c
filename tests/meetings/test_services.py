"""Minutes workflow: opening pre-filled, recording, approval (the one state change), the
database lock on approved minutes, amendments, action items carried until closed, the
lecturer's record, attendance rates and months without minutes."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from core.errors import DomainError
from core.extensions import db
from core.models import AuditLog
from lecturers.models import Lecturer
from meetings import presenters, queries, services
from meetings.enums import ActionStatus, AttendanceStatus, MinutesState
from meetings.models import (ActionClosure, ActionItem, AgendaItem, Attendance, ContentUpdate, Contribution, Meeting,
                             MeetingAmendment)
from reviews import services as review_services
from tests import factories


@pytest.fixture
def world(world):
    """These tests count the sample observation, plan, meeting and contest of a world too."""
    return factories.complete(world)


MARCH, APRIL, MAY = date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)


def _meeting(world, month=APRIL, **kwargs) -> Meeting:
    return factories.make_meeting(world, month=month, **kwargs)


def _approve(world, meeting: Meeting, status: str = "present") -> Meeting:
    factories.record_everyone(meeting, world.secretary, status)
    return services.set_meeting_state(meeting, MinutesState.APPROVED, actor=world.director,
                                      now=meeting.ends_at)


def _audit(action: str) -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def _finalised_observation(world, *, on: datetime):
    observation = factories.make_observation(world, observers=[world.reviewer])
    factories.submit(observation.sheets[0], factories.full_scores(observation.rubric_version), world.reviewer)
    return review_services.finalize_observation(observation, debrief="", action_points="", actor=world.director,
                                                now=on)


# --- opening --------------------------------------------------------------------------------------


def test_opening_expects_every_active_lecturer_of_the_unit(world):
    retired = factories.make_lecturer(world.unit, full_name="Đỗ Văn Nghỉ", is_active=False)

    meeting = _meeting(world)

    expected = {attendance.lecturer_id: attendance.status for attendance in meeting.attendances}
    assert expected == {world.lecturer.id: AttendanceStatus.EXPECTED, world.colleague.id: AttendanceStatus.EXPECTED}
    assert retired.id not in expected
    assert (meeting.state, meeting.number, meeting.month) == (MinutesState.DRAFT, "02", APRIL)  # world has March
    assert [entry.after["expected"] for entry in _audit("meeting_opened")][-1] == 2


def test_opening_links_observations_finalised_since_the_last_meeting_once(world):
    observation = _finalised_observation(world, on=datetime(2026, 3, 20, 3, 0))

    april = _meeting(world)
    may = _meeting(world, month=MAY)

    assert [o.id for o in april.observations] == [observation.id]
    assert may.observations == []


def test_an_observation_finalised_after_the_meeting_waits_for_the_next_one(world):
    april = _meeting(world)  # held 5 April
    observation = _finalised_observation(world, on=datetime(2026, 4, 20, 3, 0))

    may = _meeting(world, month=MAY)

    assert april.observations == []
    assert [o.id for o in may.observations] == [observation.id]


def test_a_month_has_one_set_of_minutes(world):
    with pytest.raises(DomainError) as refused:
        _meeting(world, month=date(2026, 3, 17))  # any day of March means March

    assert refused.value.field == "month"


@pytest.mark.parametrize("role, field", [("reviewer", "chair_id"), ("secretary", "chair_id")])
def test_the_chair_must_be_a_director(world, role, field):
    with pytest.raises(DomainError) as refused:
        _meeting(world, chair=world.user(role))

    assert refused.value.field == field


def test_free_month_is_this_month_or_the_first_later_one_without_minutes(world):
    assert services.free_month(world.unit.id, date(2026, 3, 14)) == APRIL
    assert services.free_month(world.unit.id, date(2026, 2, 3)) == date(2026, 2, 1)
    _meeting(world, month=date(2026, 12, 1))
    assert services.free_month(world.unit.id, date(2026, 12, 30)) == date(2027, 1, 1)


# --- approval: the one change of state -----------------------------------------------------------


def test_approval_needs_every_attendance_recorded(world):
    meeting = _meeting(world)

    with pytest.raises(DomainError) as refused:
        services.set_meeting_state(meeting, MinutesState.APPROVED, actor=world.director, now=meeting.ends_at)

    assert (refused.value.status, meeting.state) == (409, MinutesState.DRAFT)
    assert world.colleague.full_name in str(refused.value.message)


def test_only_the_chair_approves(world):
    meeting = _meeting(world)
    factories.record_everyone(meeting, world.secretary)

    with pytest.raises(DomainError) as refused:
        services.set_meeting_state(meeting, MinutesState.APPROVED, actor=world.secretary, now=meeting.ends_at)

    assert refused.value.status == 403


def test_approval_locks_the_minutes_and_writes_the_audit_log(world):
    meeting = _approve(world, _meeting(world))

    assert (meeting.state, meeting.approved_by_id, meeting.approved_at) == (
        MinutesState.APPROVED, world.director.id, meeting.ends_at)
    entry = _audit("meeting_state")[-1]
    assert (entry.actor_id, entry.object_id, entry.before, entry.after) == (
        world.director.id, meeting.id, {"state": "draft"}, {"state": "approved"})
    assert services.set_meeting_state(meeting, MinutesState.APPROVED, actor=world.director,
                                       now=meeting.ends_at) is meeting  # twice is harmless
    with pytest.raises(DomainError):
        services.set_meeting_state(meeting, MinutesState.DRAFT, actor=world.director, now=meeting.ends_at)


@pytest.mark.parametrize("change", [
    lambda m, w: services.add_agenda_item(m, title="Thêm", summary="", conclusion="", actor=w.secretary,
                                          now=m.ends_at),
    lambda m, w: services.add_guest(m, full_name="Khách", position="", actor=w.secretary, now=m.ends_at),
    lambda m, w: factories.record_everyone(m, w.secretary, "unexcused"),
    lambda m, w: services.add_action_item(m, description="Việc", owner=w.lecturer, due_on=MAY, actor=w.secretary,
                                          now=m.ends_at),
    lambda m, w: services.remove_row(m, "guest", m.guests[0].id, actor=w.secretary, now=m.ends_at),
], ids=["agenda", "guest", "attendance", "action", "remove"])
def test_approved_minutes_refuse_changes_in_the_services(world, change):
    meeting = _meeting(world)
    services.add_guest(meeting, full_name="Nguyễn Thị Lan", position="", actor=world.secretary, now=meeting.ends_at)
    _approve(world, meeting)

    with pytest.raises(DomainError) as refused:
        change(meeting, world)

    assert refused.value.status == 409


def test_the_details_are_saved_only_from_a_fresh_page(world):
    meeting = _meeting(world)
    values = {"month": APRIL, "number": "04-BB/TTCT", "starts_at": meeting.starts_at, "ends_at": meeting.ends_at,
              "place": "Phòng họp", "chair_id": world.director.id, "secretary_id": world.secretary.id,
              "conclusion": "Kết luận"}
    read_at = meeting.version
    services.update_meeting(meeting, values=values, expected_version=read_at, actor=world.secretary,
                            now=meeting.ends_at)

    with pytest.raises(DomainError) as stale:
        services.update_meeting(meeting, values={**values, "place": "Khác"}, expected_version=read_at,
                                actor=world.director, now=meeting.ends_at)

    assert stale.value.status == 409
    assert (meeting.number, meeting.place, meeting.version) == ("04-BB/TTCT", "Phòng họp", read_at + 1)


def test_an_excused_absence_needs_a_reason(world):
    meeting = _meeting(world)
    attendance = meeting.attendances[0]

    with pytest.raises(DomainError) as refused:
        services.record_attendance(meeting, statuses={attendance.id: ("excused", "  ")}, expected_version=None,
                                   actor=world.secretary, now=meeting.ends_at)

    assert refused.value.field == f"reason_{attendance.id}"


# --- the database keeps approved minutes locked ---------------------------------------------------


def _refused_by_database(statement) -> None:
    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(statement)


def test_database_refuses_update_of_approved_minutes_even_in_raw_sql(world):
    meeting = _approve(world, _meeting(world))
    db.session.flush()

    _refused_by_database(sa.update(Meeting).where(Meeting.id == meeting.id).values(conclusion="Sửa lén"))
    _refused_by_database(sa.delete(Meeting).where(Meeting.id == meeting.id))

    assert db.session.scalar(sa.select(Meeting.conclusion).where(Meeting.id == meeting.id)) == ""


@pytest.mark.parametrize("statement", [
    lambda m: sa.update(Attendance).where(Attendance.meeting_id == m.id).values(status="unexcused"),
    lambda m: sa.delete(Attendance).where(Attendance.meeting_id == m.id),
    lambda m: sa.insert(AgendaItem).values(meeting_id=m.id, position=9, title="Chèn", summary="", conclusion=""),
    lambda m: sa.update(AgendaItem).where(AgendaItem.meeting_id == m.id).values(conclusion="Sửa"),
    lambda m: sa.update(Contribution).values(content="Sửa"),
    lambda m: sa.update(ActionItem).where(ActionItem.meeting_id == m.id).values(due_on=date(2030, 1, 1)),
    lambda m: sa.delete(ContentUpdate).where(ContentUpdate.meeting_id == m.id),
], ids=["attendance-update", "attendance-delete", "agenda-insert", "agenda-update", "contribution-update",
        "action-update", "update-delete"])
def test_database_refuses_changes_to_the_rows_of_approved_minutes(world, statement):
    meeting = _meeting(world)
    item = services.add_agenda_item(meeting, title="Nội dung", summary="", conclusion="", actor=world.secretary,
                                    now=meeting.ends_at)
    services.add_contribution(item, speaker="Trần Văn Đức", content="Ý kiến", actor=world.secretary,
                              now=meeting.ends_at)
    services.add_content_update(meeting, title="Nghị quyết mới", body="", topics=[world.topic],
                                actor=world.secretary, now=meeting.ends_at)
    services.add_action_item(meeting, description="Việc", owner=world.lecturer, due_on=MAY, actor=world.secretary,
                             now=meeting.ends_at)
    _approve(world, meeting)
    db.session.flush()

    _refused_by_database(statement(meeting))


def test_draft_minutes_can_still_change_in_the_database(world):
    meeting = _meeting(world)
    db.session.flush()

    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(place="Phòng 2"))
    db.session.execute(sa.update(Attendance).where(Attendance.meeting_id == meeting.id).values(status="present"))

    assert db.session.scalar(sa.select(Meeting.place).where(Meeting.id == meeting.id)) == "Phòng 2"


# --- amendments ------------------------------------------------------------------------------------


def test_amendments_correct_approved_minutes_and_keep_the_history(world):
    meeting = _meeting(world)
    services.update_meeting(meeting, values={"month": APRIL, "number": "02", "starts_at": meeting.starts_at,
                                             "ends_at": meeting.ends_at, "place": "", "chair_id": world.director.id,
                                             "secretary_id": world.secretary.id, "conclusion": "Bản đầu"},
                            expected_version=None, actor=world.secretary, now=meeting.ends_at)
    _approve(world, meeting, "present")
    colleague = next(a for a in meeting.attendances if a.lecturer_id == world.colleague.id)

    services.amend_meeting(meeting, target="conclusion", target_id=None, values={"text": "Bản sửa"},
                           reason="Ghi nhầm", actor=world.director, now=meeting.ends_at)
    services.amend_meeting(meeting, target="attendance", target_id=colleague.id,
                           values={"status": "excused", "text": "Ốm"}, reason="Có giấy nghỉ ốm",
                           actor=world.director, now=meeting.ends_at)
    page = presenters.minutes_page(queries.meeting_detail(meeting.id), today=MAY)

    assert page.conclusion == "Bản sửa"
    assert meeting.conclusion == "Bản đầu"  # the approved text is kept
    line = next(line for line in page.attendance if line.attendance.id == colleague.id)
    assert (line.status, line.reason, line.amended) == (AttendanceStatus.EXCUSED, "Ốm", True)
    assert [(a.target, a.before, a.reason) for a in meeting.amendments] == [
        ("conclusion", {"text": "Bản đầu"}, "Ghi nhầm"),
        ("attendance", {"status": "present", "reason": ""}, "Có giấy nghỉ ốm")]
    assert len(_audit("meeting_amended")) == 2


def test_an_amendment_needs_approved_minutes_and_a_reason(world):
    meeting = _meeting(world)
    with pytest.raises(DomainError) as draft:
        services.amend_meeting(meeting, target="note", target_id=None, values={"text": "x"}, reason="y",
                               actor=world.director, now=meeting.ends_at)
    _approve(world, meeting)
    with pytest.raises(DomainError) as no_reason:
        services.amend_meeting(meeting, target="note", target_id=None, values={"text": "x"}, reason=" ",
                               actor=world.director, now=meeting.ends_at)

    assert (draft.value.status, no_reason.value.field) == (409, "reason")


def test_amendments_are_append_only_in_the_database(world):
    meeting = _approve(world, _meeting(world))
    services.amend_meeting(meeting, target="note", target_id=None, values={"text": "Đính chính"}, reason="Lý do",
                           actor=world.director, now=meeting.ends_at)
    db.session.flush()

    _refused_by_database(sa.update(MeetingAmendment).values(reason="Sửa"))
    _refused_by_database(sa.delete(MeetingAmendment))


# --- action items ----------------------------------------------------------------------------------


def _item(world, meeting, owner=None, due=date(2026, 4, 30), text="Cập nhật bài giảng") -> ActionItem:
    return services.add_action_item(meeting, description=text, owner=owner or world.lecturer, due_on=due,
                                    actor=world.secretary, now=meeting.starts_at)


def test_open_action_items_are_carried_to_every_later_meeting_until_closed(world):
    march_item = world.meeting_urls["action_id"]  # given at the world's March meeting, due 28 March
    april = _meeting(world)
    kept_open = _item(world, april, text="Còn mở")  # due 30 April
    closed_early = _item(world, april, text="Đóng trước cuộc họp tháng 5")
    services.close_action_item(closed_early, status="done", note="", actor=world.secretary,
                               now=datetime(2026, 4, 20))
    may = _meeting(world, month=MAY)
    june = _meeting(world, month=date(2026, 6, 1))

    carried = {meeting.month: [item.id for item in queries.carried_action_items(meeting)]
               for meeting in (april, may, june)}

    assert carried == {APRIL: [march_item], MAY: [march_item, kept_open.id], date(2026, 6, 1): [march_item,
                                                                                                kept_open.id]}


def test_an_item_closed_at_a_meeting_shows_there_as_closed_and_not_later(world):
    april = _meeting(world)
    item = _item(world, april)
    may = _meeting(world, month=MAY)
    services.close_action_item(item, status="done", note="Đã cập nhật", actor=world.secretary,
                               now=datetime(2026, 6, 10), meeting=may)
    june = _meeting(world, month=date(2026, 6, 1))  # held 5 June, before the closing was recorded

    may_page = presenters.minutes_page(queries.meeting_detail(may.id), today=date(2026, 6, 10))
    carried = next(c for c in may_page.carried if c.item.id == item.id)
    assert (carried.closed_here, carried.status_here) == (True, ActionStatus.DONE)
    june_carried = {c.item.id: c for c in presenters.minutes_page(june, today=date(2026, 6, 10)).carried}
    assert june_carried[item.id].closed_later is True  # still open when June's meeting began
    july = _meeting(world, month=date(2026, 7, 1))
    assert item.id not in [i.id for i in queries.carried_action_items(july)]


def test_closing_records_who_and_when_once(world):
    item = _item(world, _meeting(world))
    when = datetime(2026, 4, 28, 9, 0)

    closure = services.close_action_item(item, status="dropped", note="Không còn cần", actor=world.lecturer_user,
                                         now=when)

    assert (item.status, closure.closed_by_id, closure.closed_at, closure.note) == (
        ActionStatus.DROPPED, world.lecturer_user.id, when, "Không còn cần")
    assert _audit("action_item_closed")[-1].after == {"status": "dropped", "meeting_id": None}
    with pytest.raises(DomainError) as again:
        services.close_action_item(item, status="done", note="", actor=world.secretary, now=when)
    assert again.value.status == 409
    db.session.flush()
    _refused_by_database(sa.update(ActionClosure).values(status="done"))
    _refused_by_database(sa.delete(ActionClosure))


def test_closing_an_item_of_approved_minutes_leaves_those_minutes_unchanged(world):
    april = _meeting(world)
    item = _item(world, april)
    _approve(world, april)
    db.session.flush()

    services.close_action_item(item, status="done", note="", actor=world.secretary, now=datetime(2026, 5, 2))
    db.session.flush()

    assert item.status == ActionStatus.DONE
    assert db.session.get(Meeting, april.id).state == MinutesState.APPROVED


def test_overdue_items_are_open_items_past_their_due_date(world):
    meeting = _meeting(world)
    late = _item(world, meeting, due=date(2026, 4, 10), text="Trễ hạn")
    on_time = _item(world, meeting, due=date(2026, 4, 30), text="Còn hạn")
    done_late = _item(world, meeting, due=date(2026, 4, 1), text="Xong")
    services.close_action_item(done_late, status="done", note="", actor=world.secretary, now=datetime(2026, 4, 2))
    today = date(2026, 4, 15)

    overdue = db.session.scalars(queries.action_item_query(world.unit.id, queries.ActionFilters(status="overdue"),
                                                           today=today)).all()

    assert [item.id for item in overdue] == [world.meeting_urls["action_id"], late.id]  # due 28 March, 10 April
    assert (late.is_overdue(today), on_time.is_overdue(today), done_late.is_overdue(today)) == (True, False, False)


def test_the_owner_must_be_an_active_lecturer_of_the_unit(world):
    with pytest.raises(DomainError) as refused:
        _item(world, _meeting(world), owner=world.outsider_lecturer)

    assert refused.value.field == "owner_id"


# --- the lecturer's page ---------------------------------------------------------------------------


def test_content_updates_reach_the_lecturers_of_their_topics_once_approved(world):
    world.lecturer.topics = [world.topic]
    other_topic = factories.make_topic(world.programme, code="B9", title="Lịch sử Đảng bộ địa phương")
    world.colleague.topics = [other_topic]
    meeting = _meeting(world)
    update = services.add_content_update(meeting, title="Nghị quyết Đại hội XIV", body="Bổ sung phần II",
                                         topics=[world.topic], actor=world.secretary, now=meeting.ends_at)

    before = queries.lecturer_meetings(world.lecturer, today=MAY).updates
    _approve(world, meeting)
    after = queries.lecturer_meetings(world.lecturer, today=MAY).updates

    assert (before, [u.id for u in after]) == ([], [update.id])
    assert queries.lecturer_meetings(world.colleague, today=MAY).updates == []


def test_the_lecturer_record_has_attendance_in_effect_and_open_items(world):
    meeting = _meeting(world)
    item = _item(world, meeting)
    _approve(world, meeting, "unexcused")
    own = next(a for a in meeting.attendances if a.lecturer_id == world.lecturer.id)
    services.amend_meeting(meeting, target="attendance", target_id=own.id, values={"status": "excused",
                                                                                   "text": "Đi học"},
                           reason="Có quyết định cử đi học", actor=world.director, now=meeting.ends_at)

    record = queries.lecturer_meetings(world.lecturer, today=MAY)

    assert [(row.meeting_id, status, reason) for row, status, reason in record.attendances][0] == (
        meeting.id, "excused", "Đi học")
    assert [i.id for i in record.open_items] == [world.meeting_urls["action_id"], item.id]


# --- the director's report -------------------------------------------------------------------------


def test_attendance_rate_counts_approved_minutes_of_the_year(world):
    for month, status in ((APRIL, "present"), (MAY, "unexcused"), (date(2026, 6, 1), "present")):
        _approve(world, _meeting(world, month=month), status)
    _meeting(world, month=date(2026, 7, 1))  # a draft does not count yet
    _approve(world, _meeting(world, month=date(2025, 12, 1)), "unexcused")  # another year

    rates = {rate.lecturer.id: rate for rate in queries.attendance_rates(world.unit.id, 2026)}

    rate = rates[world.lecturer.id]
    assert (rate.meetings, rate.present, rate.excused, rate.unexcused, rate.percent) == (3, 2, 0, 1, 66.7)
    assert [r.lecturer.full_name for r in queries.attendance_rates(world.unit.id, 2026)] == [
        "Lê Văn An", "Trần Thị Hương"]  # by given name


def test_missing_months_are_begun_months_without_minutes_since_the_first_minutes(world):
    _meeting(world, month=MAY)  # the world's first minutes are March's

    missing = queries.missing_months(world.unit.id, 2026, today=date(2026, 6, 20))

    assert missing == [APRIL, date(2026, 6, 1)]
    assert queries.missing_months(world.sibling.id, 2026, today=date(2026, 2, 3)) == [
        date(2026, 1, 1), date(2026, 2, 1)]  # a unit without minutes: every begun month


def test_a_lecturer_added_later_is_not_expected_at_earlier_minutes(world):
    meeting = _meeting(world)
    newcomer = factories.make_lecturer(world.unit, full_name="Hồ Thị Mới")

    later = _meeting(world, month=MAY)

    assert newcomer.id not in [a.lecturer_id for a in meeting.attendances]
    assert newcomer.id in [a.lecturer_id for a in later.attendances]
    assert db.session.get(Lecturer, newcomer.id).is_active
