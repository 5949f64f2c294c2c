"""The minutes' pages: recording a meeting end to end, refused input kept (422, 409), free
text rendered inert, who may read and write, the lecturer page, constant query counts."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
from markupsafe import escape

from core.extensions import db
from core.models import utcnow
from meetings import queries, services
from meetings.enums import ActionStatus, AttendanceStatus, MinutesState
from meetings.models import ActionItem, Meeting
from tests import factories


@pytest.fixture
def world(world):
    """These tests count the sample observation, plan, meeting and contest of a world too."""
    return factories.complete(world)


APRIL = date(2026, 4, 1)


def _page(response) -> str:
    return response.get_data(as_text=True)


def _new_meeting_form(world, **overrides) -> dict:
    return {"month": "2026-04", "number": "04-BB/TTCT", "held_on": "2026-04-06", "start_time": "07:30",
            "end_time": "10:45", "place": "Hội trường Trung tâm", "chair_id": str(world.director.id),
            "secretary_id": str(world.secretary.id), **overrides}


def _open(world, client) -> Meeting:
    response = client.post("/meetings/new", data=_new_meeting_form(world))
    assert response.status_code == 302, _page(response)[:2000]
    return db.session.scalar(sa.select(Meeting).where(Meeting.unit_id == world.unit.id, Meeting.month == APRIL))


def test_secretary_records_a_meeting_and_the_chair_approves_it(world, login):
    world.lecturer.topics = [world.topic]
    client = login(world.secretary)
    meeting = _open(world, client)
    assert meeting.starts_at.hour == 0 and meeting.starts_at.minute == 30  # 07:30 in Hà Nội is 00:30 UTC
    rows = {a.lecturer_id: a.id for a in meeting.attendances}
    version = str(meeting.version)

    steps = [
        (f"/meetings/{meeting.id}/attendance", {
            "version": version, f"status_{rows[world.lecturer.id]}": "present",
            f"status_{rows[world.colleague.id]}": "excused", f"reason_{rows[world.colleague.id]}": "Đi công tác"}),
        (f"/meetings/{meeting.id}/guests", {"guest-full_name": "Nguyễn Thị Lan",
                                            "guest-position": "Phó Trưởng Ban Tuyên giáo Huyện ủy"}),
        (f"/meetings/{meeting.id}/agenda", {"agenda-title": "Đánh giá công tác giảng dạy tháng 4",
                                            "agenda-summary": "Trung tâm mở 3 lớp.",
                                            "agenda-conclusion": "Hoàn thành kế hoạch."}),
    ]
    for url, data in steps:
        assert client.post(url, data=data).status_code == 302, url
    agenda = db.session.get(Meeting, meeting.id).agenda_items[0]
    more = [
        (f"/meetings/{meeting.id}/contributions", {"contribution-agenda_id": str(agenda.id),
                                                   "contribution-speaker": "Trần Thị Hương",
                                                   "contribution-content": "Cần bổ sung ví dụ địa phương."}),
        (f"/meetings/{meeting.id}/updates", {"update-title": "Nghị quyết Đại hội XIV",
                                             "update-body": "Bổ sung phần II.",
                                             "update-topic_ids": [str(world.topic.id)]}),
        (f"/meetings/{meeting.id}/actions", {"action-description": "Cập nhật bài giảng B1",
                                             "action-owner_id": str(world.lecturer.id), "action-due_on": "2026-04-30"}),
        (f"/meetings/{meeting.id}/actions", {"action-description": "Nộp giáo án mới",
                                             "action-owner_id": str(world.colleague.id),
                                             "action-due_on": "2026-05-15"}),
    ]
    for url, data in more:
        assert client.post(url, data=data).status_code == 302, url
    page = _page(client.get(f"/meetings/{meeting.id}"))
    for text in ("Nguyễn Thị Lan", "Đi công tác", "Cần bổ sung ví dụ địa phương.", "Nghị quyết Đại hội XIV",
                 "Cập nhật bài giảng B1", "Cập nhật Nghị quyết vào bài giảng"):  # the last: carried from March
        assert text in page, text
    assert 'action="/meetings/%d/approve"' % meeting.id not in page  # the secretary does not approve

    director = login(world.director)
    assert director.post(f"/meetings/{meeting.id}/approve", data={}).status_code == 302

    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.state == MinutesState.APPROVED
    assert [item.description for item in meeting.action_items] == ["Cập nhật bài giảng B1", "Nộp giáo án mới"]
    assert {a.lecturer_id: a.status for a in meeting.attendances} == {
        world.lecturer.id: AttendanceStatus.PRESENT, world.colleague.id: AttendanceStatus.EXCUSED}
    page = _page(director.get(f"/meetings/{meeting.id}"))
    assert f'/meetings/{meeting.id}/edit"' not in page and "/amend" in page


def test_opening_with_a_missing_time_is_a_422_that_keeps_the_input(world, login):
    client = login(world.secretary)

    response = client.post("/meetings/new", data=_new_meeting_form(world, start_time="", number="07-BB/ĐẶC BIỆT"))

    assert response.status_code == 422
    assert 'value="07-BB/ĐẶC BIỆT"' in _page(response)
    assert db.session.scalar(sa.select(Meeting).where(Meeting.month == APRIL)) is None


def test_opening_a_month_twice_is_a_422_on_the_month(world, login):
    client = login(world.secretary)

    response = client.post("/meetings/new", data=_new_meeting_form(world, month="2026-03"))

    assert response.status_code == 422
    assert 'id="month-errors"' in _page(response)


def test_a_refused_section_keeps_what_was_typed(world, login):
    client = login(world.secretary)
    meeting_id = world.meeting_urls["meeting_id"]

    response = client.post(f"/meetings/{meeting_id}/updates", data={"update-title": "Nghị quyết mới",
                                                                      "update-body": "Nội dung đã gõ dở"})

    assert response.status_code == 422
    assert "Nội dung đã gõ dở" in _page(response)
    assert 'value="Nghị quyết mới"' in _page(response) and 'id="update-title"' in _page(response)


def test_an_edit_from_a_stale_page_is_a_409_that_keeps_the_input(world, login):
    client = login(world.secretary)
    meeting = db.session.get(Meeting, world.meeting_urls["meeting_id"])
    stale = str(meeting.version)
    form = _new_meeting_form(world, month="2026-03", held_on="2026-03-05", version=stale,
                             conclusion="Kết luận của người thứ nhất")
    assert client.post(f"/meetings/{meeting.id}/edit", data=form).status_code == 302

    response = client.post(f"/meetings/{meeting.id}/edit",
                           data={**form, "conclusion": "Kết luận của người thứ hai"})

    assert response.status_code == 409
    assert "Kết luận của người thứ hai" in _page(response)
    assert db.session.get(Meeting, meeting.id).conclusion == "Kết luận của người thứ nhất"


PAYLOADS = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "{{ 7*7 }}<b>đậm</b>"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_stored_xss_payloads_render_inert_everywhere(world, login, payload):
    world.lecturer.topics = [world.topic]
    client = login(world.secretary)
    meeting = db.session.get(Meeting, world.meeting_urls["meeting_id"])
    agenda = meeting.agenda_items[0]
    rows = {a.lecturer_id: a.id for a in meeting.attendances}
    posts = [
        (f"/meetings/{meeting.id}/edit", _new_meeting_form(world, month="2026-03", held_on="2026-03-05",
                                                           number=payload[:40], place=payload, conclusion=payload)),
        (f"/meetings/{meeting.id}/guests", {"guest-full_name": payload, "guest-position": payload}),
        (f"/meetings/{meeting.id}/agenda", {"agenda-title": payload, "agenda-summary": payload,
                                            "agenda-conclusion": payload}),
        (f"/meetings/{meeting.id}/contributions", {"contribution-agenda_id": str(agenda.id),
                                                   "contribution-speaker": payload, "contribution-content": payload}),
        (f"/meetings/{meeting.id}/updates", {"update-title": payload, "update-body": payload,
                                             "update-topic_ids": [str(world.topic.id)]}),
        (f"/meetings/{meeting.id}/actions", {"action-description": payload, "action-owner_id": str(world.lecturer.id),
                                             "action-due_on": "2026-03-20"}),
        (f"/meetings/{meeting.id}/attendance", {f"status_{rows[world.lecturer.id]}": "excused",
                                                f"reason_{rows[world.lecturer.id]}": payload,
                                                f"status_{rows[world.colleague.id]}": "present"}),
    ]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 302, url
    director = login(world.director)
    assert director.post(f"/meetings/{meeting.id}/approve", data={}).status_code == 302
    assert director.post(f"/meetings/{meeting.id}/amend", data={"target": "note", "text": payload,
                                                                "reason": payload}).status_code == 302
    lecturer = login(world.lecturer_user)
    pages = {url: login(world.director).get(url) for url in
             [f"/meetings/{meeting.id}", "/meetings", "/meetings/actions", "/meetings/report",
              f"/meetings/{meeting.id}/amend"]}
    pages["lecturer"] = lecturer.get(f"/lecturers/{world.lecturer.id}")

    for name, response in pages.items():
        html = _page(response)
        assert response.status_code == 200, name
        assert '<script>alert("x")' not in html and "<img src=x" not in html and "<b>đậm" not in html, name
    detail = _page(pages[f"/meetings/{meeting.id}"])
    assert detail.count(str(escape(payload))) >= 10
    assert str(escape(payload)) in _page(pages["lecturer"])


def test_overseer_reads_the_minutes_but_cannot_write(world, login):
    client = login(world.overseer)
    client.post("/unit", data={"unit_id": world.unit.id})
    meeting_id = world.meeting_urls["meeting_id"]

    reads = [client.get(url).status_code for url in ("/meetings", f"/meetings/{meeting_id}",
                                                      f"/meetings/{meeting_id}/minutes.docx", "/meetings/report")]
    data = {"agenda-title": "x", "guest-full_name": "x", "status": "done"}
    writes = [client.post(url, data=data).status_code for url in (
        f"/meetings/{meeting_id}/guests", f"/meetings/{meeting_id}/agenda", f"/meetings/{meeting_id}/approve",
        f"/meetings/actions/{world.meeting_urls['action_id']}/close")]

    assert (reads, writes) == ([200] * 4, [403] * 4)
    page = _page(client.get(f"/meetings/{meeting_id}"))
    assert "/guests" not in page and "/approve" not in page
    assert db.session.get(ActionItem, world.meeting_urls["action_id"]).is_open


@pytest.mark.parametrize("role", ["sibling_director", "outsider"])
def test_another_unit_gets_404_and_sees_nothing(world, login, role):
    client = login(world.user(role))
    meeting_id = world.meeting_urls["meeting_id"]

    answers = [client.get(f"/meetings/{meeting_id}").status_code,
               client.get(f"/meetings/{meeting_id}/minutes.pdf").status_code,
               client.post(f"/meetings/{meeting_id}/agenda", data={"agenda-title": "x"}).status_code,
               client.post(f"/meetings/actions/{world.meeting_urls['action_id']}/close",
                           data={"status": "done"}).status_code]
    listing = _page(client.get("/meetings"))

    assert answers == [404] * 4
    assert "Cập nhật Nghị quyết" not in listing and "/meetings/%d" % meeting_id not in listing


def test_a_lecturer_cannot_open_the_minutes(world, login):
    client = login(world.lecturer_user)

    assert client.get("/meetings").status_code == 403
    assert client.get(f"/meetings/{world.meeting_urls['meeting_id']}").status_code == 404


def test_only_the_chair_approves_through_the_page(world, login):
    meeting = db.session.get(Meeting, world.meeting_urls["meeting_id"])
    factories.record_everyone(meeting, world.secretary)
    other_director = factories.make_user((world.unit, factories.Role.DIRECTOR), username="pgd",
                                         full_name="Phó Giám đốc")

    refused = login(other_director).post(f"/meetings/{meeting.id}/approve", data={})

    assert refused.status_code == 403
    assert db.session.get(Meeting, meeting.id).state == MinutesState.DRAFT


def test_lecturer_page_shows_attendance_updates_and_open_items_and_the_owner_closes_one(world, login):
    world.lecturer.topics = [world.topic]
    meeting = db.session.get(Meeting, world.meeting_urls["meeting_id"])
    services.add_content_update(meeting, title="Nghị quyết Đại hội XIV", body="Bổ sung", topics=[world.topic],
                                actor=world.secretary, now=meeting.ends_at)
    factories.record_everyone(meeting, world.secretary)
    services.set_meeting_state(meeting, MinutesState.APPROVED, actor=world.director, now=meeting.ends_at)
    client = login(world.lecturer_user)
    item_id = world.meeting_urls["action_id"]

    page = _page(client.get(f"/lecturers/{world.lecturer.id}"))
    closed = client.post(f"/meetings/actions/{item_id}/close",
                         data={"status": "done", "note": "Đã cập nhật", "next": f"/lecturers/{world.lecturer.id}"})

    assert "Nghị quyết Đại hội XIV" in page and "Cập nhật Nghị quyết vào bài giảng" in page
    assert str(AttendanceStatus.PRESENT.label) in page
    assert closed.status_code == 302 and closed.location.endswith(f"/lecturers/{world.lecturer.id}")
    item = db.session.get(ActionItem, item_id)
    assert (item.status, item.closure.closed_by_id) == (ActionStatus.DONE, world.lecturer_user.id)


def test_a_colleague_cannot_close_someone_elses_item(world, login):
    colleague_user = factories.make_user((world.unit, factories.Role.LECTURER), username="an")
    world.colleague.user_id = colleague_user.id

    response = login(colleague_user).post(f"/meetings/actions/{world.meeting_urls['action_id']}/close",
                                          data={"status": "done"})

    assert response.status_code == 404
    assert db.session.get(ActionItem, world.meeting_urls["action_id"]).is_open


def test_director_records_an_amendment_from_the_prefilled_form(world, login):
    meeting = db.session.get(Meeting, world.meeting_urls["meeting_id"])
    factories.record_everyone(meeting, world.secretary)
    services.set_meeting_state(meeting, MinutesState.APPROVED, actor=world.director, now=meeting.ends_at)
    attendance = meeting.attendances[0]
    client = login(world.director)

    form = client.get(f"/meetings/{meeting.id}/amend?target=attendance:{attendance.id}")
    response = client.post(f"/meetings/{meeting.id}/amend", data={
        "target": f"attendance:{attendance.id}", "status": "excused", "text": "Ốm", "reason": "Có giấy của bệnh viện"})
    missing = client.post(f"/meetings/{meeting.id}/amend", data={"target": "conclusion", "text": "x", "reason": ""})

    assert form.status_code == 200 and f'selected value="attendance:{attendance.id}"' in _page(form)
    assert response.status_code == 302
    assert missing.status_code == 422
    history = _page(client.get(f"/meetings/{meeting.id}"))
    assert "Có giấy của bệnh viện" in history and str(AttendanceStatus.EXCUSED.label) in history


def test_a_draft_entry_can_be_taken_out_but_not_from_approved_minutes(world, login):
    client = login(world.secretary)
    urls = world.meeting_urls
    meeting = db.session.get(Meeting, urls["meeting_id"])

    removed = client.post(f"/meetings/{meeting.id}/remove/guest/{urls['row_id']}", data={})
    unknown = client.post(f"/meetings/{meeting.id}/remove/lecturer/{world.lecturer.id}", data={})
    factories.record_everyone(meeting, world.secretary)
    services.set_meeting_state(meeting, MinutesState.APPROVED, actor=world.director, now=meeting.ends_at)
    locked = client.post(f"/meetings/{meeting.id}/remove/action/{urls['action_id']}", data={})

    assert (removed.status_code, unknown.status_code, locked.status_code) == (302, 404, 403)
    assert db.session.get(Meeting, meeting.id).guests == []
    assert db.session.get(ActionItem, urls["action_id"]) is not None


def test_report_shows_rates_and_missing_months(world, login):
    meeting = db.session.get(Meeting, world.meeting_urls["meeting_id"])
    factories.record_everyone(meeting, world.secretary)
    services.set_meeting_state(meeting, MinutesState.APPROVED, actor=world.director, now=meeting.ends_at)

    page = _page(login(world.director).get("/meetings/report?year=2026"))

    assert world.lecturer.full_name in page and "100 %" in page
    missing = queries.missing_months(world.unit.id, 2026, today=utcnow().date())
    assert page.count('<span class="badge overdue">') == len(missing)
    assert date(2026, 2, 1) not in missing  # before the unit's first minutes (March)


# --- query counts ----------------------------------------------------------------------------------


def _fill(world, meeting: Meeting, rows: int) -> None:
    for number in range(rows):
        item = services.add_agenda_item(meeting, title=f"Nội dung {number}", summary="", conclusion="",
                                         actor=world.secretary, now=meeting.ends_at)
        services.add_contribution(item, speaker="Trần Văn Đức", content="Ý kiến", actor=world.secretary,
                                  now=meeting.ends_at)
        services.add_content_update(meeting, title=f"Cập nhật {number}", body="", topics=[world.topic],
                                    actor=world.secretary, now=meeting.ends_at)
        services.add_action_item(meeting, description=f"Việc {number}", owner=world.colleague,
                                 due_on=date(2026, 6, 1), actor=world.secretary, now=meeting.ends_at)
        services.add_guest(meeting, full_name=f"Khách {number}", position="", actor=world.secretary,
                           now=meeting.ends_at)
        factories.make_lecturer(world.unit, full_name=f"Giảng viên Số {number}")


def test_list_and_minutes_query_counts_do_not_grow_with_rows(world, login, count_queries):
    client = login(world.secretary)
    counts = []
    for extra in (1, 3):
        month = date(2026, 4 + extra, 1)
        previous = factories.make_meeting(world, month=date(2026, 3 + extra, 1))
        _fill(world, previous, extra)  # carried action items and more minutes in the list
        meeting = factories.make_meeting(world, month=month)
        _fill(world, meeting, extra)
        client.get("/meetings")  # warm up
        with count_queries() as listing:
            assert client.get("/meetings").status_code == 200
        with count_queries() as detail:
            assert client.get(f"/meetings/{meeting.id}").status_code == 200
        with count_queries() as actions:
            assert client.get("/meetings/actions").status_code == 200
        counts.append((listing.n, detail.n, actions.n))

    assert counts[0] == counts[1]
    assert counts[0][1] <= 30, counts


def test_opening_is_refused_without_a_csrf_token(world, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "secretary", "password": factories.PASSWORD, "csrf_token": token})
    form_page = client.get("/meetings/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form_page).group(1)

    refused = client.post("/meetings/new", data=_new_meeting_form(world))
    accepted = client.post("/meetings/new", data={**_new_meeting_form(world), "csrf_token": token})

    assert (refused.status_code, accepted.status_code) == (400, 302)


def test_the_draft_minutes_page_has_unique_element_ids(world, login):
    page = _page(login(world.secretary).get(f"/meetings/{world.meeting_urls['meeting_id']}"))

    ids = re.findall(r'\sid="([^"]+)"', page)

    assert sorted(ids) == sorted(set(ids))
    assert {"guest-full_name", "agenda-title", "update-title", "action-description"} <= set(ids)


def test_the_attendance_form_can_mark_everyone_else_present(world, login):
    meeting = db.session.get(Meeting, world.meeting_urls["meeting_id"])
    rows = {a.lecturer_id: a.id for a in meeting.attendances}

    response = login(world.secretary).post(f"/meetings/{meeting.id}/attendance", data={
        f"status_{rows[world.colleague.id]}": "unexcused", "others": "present"})

    assert response.status_code == 302
    assert {a.lecturer_id: a.status for a in db.session.get(Meeting, meeting.id).attendances} == {
        world.lecturer.id: "present", world.colleague.id: "unexcused"}


def test_an_excused_absence_without_reason_is_a_422_on_that_row(world, login):
    meeting = db.session.get(Meeting, world.meeting_urls["meeting_id"])
    row = meeting.attendances[0]

    response = login(world.secretary).post(f"/meetings/{meeting.id}/attendance", data={
        f"status_{row.id}": "excused", f"reason_{row.id}": ""})

    assert response.status_code == 422
    assert f'id="reason_{row.id}-errors"' in _page(response)
    assert re.search(rf'<input checked id="status_{row.id}-\d" name="status_{row.id}" type="radio" value="excused">',
                     _page(response))


@pytest.mark.parametrize("missing", ["chair_id", "secretary_id", "held_on", "month"])
def test_opening_without_a_required_field_is_a_422(world, login, missing):
    form = _new_meeting_form(world)
    del form[missing]

    response = login(world.secretary).post("/meetings/new", data=form)

    assert response.status_code == 422
    assert f'id="{missing}-errors"' in _page(response)


def test_an_action_item_without_an_owner_is_a_422_that_keeps_the_task(world, login):
    meeting_id = world.meeting_urls["meeting_id"]

    response = login(world.secretary).post(f"/meetings/{meeting_id}/actions", data={
        "action-description": "Việc chưa có người nhận", "action-due_on": "2026-03-30"})

    assert response.status_code == 422
    assert "Việc chưa có người nhận" in _page(response)
