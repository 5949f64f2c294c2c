from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from accounts.enums import Role
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from reviews import practice, progress
from reviews.enums import ObservationKind, ObservationState
from reviews.models import PracticeLecture
from tests import factories


@pytest.fixture
def colleague_user(world):
    user = factories.make_user((world.unit, Role.LECTURER), username="dongnghiep", full_name="Lê Văn An")
    world.colleague.user_id = user.id
    return user


def _schedule(world, attendees, **overrides):
    values = dict(unit=world.unit, lecturer=world.lecturer, attendees=attendees, on=date(2026, 4, 6),
                  purpose="new_topic", audience="Đảng viên mới", allowed_minutes=45, actor=world.director,
                  now=utcnow(), topic=world.topic)
    values.update(overrides)
    return practice.schedule_practice(**values)


def _sheet(observation, user):
    return next(s for s in observation.sheets if s.observer_id == user.id)


def test_colleagues_may_attend_a_practice_lecture(world, colleague_user):
    observation = _schedule(world, [world.director, colleague_user])

    assert observation.kind == ObservationKind.PRACTICE_LECTURE
    assert (observation.practice.purpose, observation.practice.allowed_minutes) == ("new_topic", 45)
    assert sorted(s.observer_id for s in observation.sheets) == sorted([world.director.id, colleague_user.id])


def test_colleagues_still_cannot_score_an_observed_lesson(world, colleague_user):
    with pytest.raises(DomainError):
        factories.make_observation(world, observers=[colleague_user])


def test_the_self_assessment_comes_before_attendees_submit(world, colleague_user):
    observation = _schedule(world, [world.director, colleague_user])
    sheet = _sheet(observation, colleague_user)
    practice.save_comments(sheet, comments={"content": "Nội dung đầy đủ", "timing": "Quá giờ 5 phút"},
                           actor=colleague_user, now=utcnow())

    from reviews import services
    with pytest.raises(DomainError) as error:
        services.submit_sheet(sheet, actor=colleague_user, now=utcnow())
    practice.record_self_assessment(observation, text="Tôi còn lúng túng ở phần liên hệ thực tiễn.",
                                    actual_minutes=50, actor=world.lecturer_user, now=utcnow())
    services.submit_sheet(sheet, actor=colleague_user, now=utcnow())

    assert error.value.status == 409
    assert (sheet.is_submitted, sheet.total, observation.practice.actual_minutes) == (True, None, 50)


def test_only_the_rehearsing_lecturer_assesses_themselves(world, colleague_user):
    observation = _schedule(world, [world.director])

    with pytest.raises(DomainError) as error:
        practice.record_self_assessment(observation, text="x", actual_minutes=None, actor=world.director,
                                        now=utcnow())

    assert error.value.status == 403


def test_an_empty_sheet_cannot_be_submitted(world):
    observation = _schedule(world, [world.reviewer])
    practice.record_self_assessment(observation, text="Tự nhận xét", actual_minutes=None, actor=world.lecturer_user,
                                    now=utcnow())
    from reviews import services

    with pytest.raises(DomainError):
        services.submit_sheet(observation.sheets[0], actor=world.reviewer, now=utcnow())


def _ready_for_verdict(world, colleague_user, *, score: bool):
    from reviews import services

    observation = _schedule(world, [world.reviewer, colleague_user])
    practice.record_self_assessment(observation, text="Tự nhận xét", actual_minutes=48, actor=world.lecturer_user,
                                    now=utcnow())
    practice.save_comments(_sheet(observation, colleague_user), comments={"method": "Nên tăng trao đổi"},
                           actor=colleague_user, now=utcnow())
    services.submit_sheet(_sheet(observation, colleague_user), actor=colleague_user, now=utcnow())
    if score:
        factories.submit(_sheet(observation, world.reviewer), factories.full_scores(observation.rubric_version, "1.5"),
                         world.reviewer)
    return observation


def test_ready_verdict_finalises_with_the_scored_sheets_only(world, colleague_user):
    observation = _ready_for_verdict(world, colleague_user, score=True)

    follow_up = practice.give_verdict(observation, verdict="ready", rehearse_by=None, debrief="Đạt yêu cầu",
                                      action_points="", actual_minutes=None, actor=world.director, now=utcnow())

    assert follow_up is None
    assert (observation.state, observation.practice.verdict) == (ObservationState.FINALIZED, "ready")
    assert (observation.sheet_count, str(observation.total)) == (1, "15.00")
    assert [p.kind for p in _points(world.lecturer)] == ["practice_lecture"]


def test_rehearse_again_schedules_the_follow_up_with_the_same_attendees(world, colleague_user):
    observation = _ready_for_verdict(world, colleague_user, score=False)

    follow_up = practice.give_verdict(observation, verdict="again", rehearse_by=date(2026, 4, 20), debrief="",
                                      action_points="Bổ sung số liệu địa phương", actual_minutes=None,
                                      actor=world.director, now=utcnow())

    assert observation.total is None and observation.state == ObservationState.FINALIZED
    assert (follow_up.date, follow_up.practice.previous_id) == (date(2026, 4, 20), observation.id)
    assert observation.practice.follow_up_id == follow_up.id
    assert sorted(s.observer_id for s in follow_up.sheets) == sorted(s.observer_id for s in observation.sheets)
    assert _points(world.lecturer) == []  # no score, no point on the chart


def test_rehearse_again_needs_a_later_date(world, colleague_user):
    observation = _ready_for_verdict(world, colleague_user, score=False)

    with pytest.raises(DomainError) as error:
        practice.give_verdict(observation, verdict="again", rehearse_by=observation.date, debrief="",
                              action_points="", actual_minutes=None, actor=world.director, now=utcnow())

    assert error.value.field == "rehearse_by"


def test_a_closed_practice_lecture_is_locked_in_the_database(world, colleague_user):
    observation = _ready_for_verdict(world, colleague_user, score=False)
    practice.give_verdict(observation, verdict="ready", rehearse_by=None, debrief="", action_points="",
                          actual_minutes=None, actor=world.director, now=utcnow())

    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(sa.update(PracticeLecture).where(PracticeLecture.observation_id == observation.id)
                           .values(verdict="again"))


def test_a_lecturer_schedules_their_own_rehearsal_and_it_runs_to_a_verdict(world, colleague_user, login, app):
    client = login(world.lecturer_user)
    response = client.post("/practice/new", data={
        "lecturer_id": str(world.lecturer.id), "topic_id": str(world.topic.id), "purpose": "contest",
        "audience": "Học viên lớp bồi dưỡng", "allowed_minutes": "30", "date": "2026-05-04",
        "version_id": str(factories.shipped_version().id),
        "attendee_ids": [str(world.director.id), str(colleague_user.id)]})
    observation_id = int(response.headers["Location"].rsplit("/", 1)[1])

    client.post(f"/observations/{observation_id}/self-assessment",
                data={"self_assessment": "Tôi cần rút gọn phần mở đầu.", "actual_minutes": "34"})
    colleague = app.test_client()
    colleague.post("/login", data={"username": "dongnghiep", "password": factories.PASSWORD})
    colleague.post(f"/observations/{observation_id}/sheet", data={
        "comment_content": "Đúng trọng tâm", "comment_timing": "Quá 4 phút", "action": "submit", "version": "1"})
    director = app.test_client()
    director.post("/login", data={"username": "director", "password": factories.PASSWORD})
    director.post(f"/observations/{observation_id}/verdict", data={
        "verdict": "again", "rehearse_by": "2026-05-18", "action_points": "Rút gọn mở bài"})

    page = client.get(f"/observations/{observation_id}").get_data(as_text=True)
    from reviews.models import Observation
    observation = db.session.get(Observation, observation_id)
    assert response.status_code == 302
    assert (observation.practice.actual_minutes, observation.practice.verdict) == (34, "again")
    assert "Đúng trọng tâm" in page and "Quá 4 phút" in page
    assert f"/observations/{observation.practice.follow_up_id}" in page


def test_a_lecturer_cannot_schedule_a_colleagues_rehearsal(world, colleague_user, login):
    client = login(world.lecturer_user)

    response = client.post("/practice/new", data={
        "lecturer_id": str(world.colleague.id), "purpose": "new_topic", "allowed_minutes": "30",
        "date": "2026-05-04", "version_id": str(factories.shipped_version().id),
        "attendee_ids": [str(world.director.id)]})

    assert response.status_code == 422  # not a choice offered to them


def test_a_verdict_without_its_date_is_a_422_that_keeps_the_input(world, colleague_user, login):
    observation = _ready_for_verdict(world, colleague_user, score=False)
    client = login(world.director)

    response = client.post(f"/observations/{observation.id}/verdict",
                           data={"verdict": "again", "action_points": "Bổ sung ví dụ Nghị quyết mới"})

    assert response.status_code == 422
    assert "Bổ sung ví dụ Nghị quyết mới" in response.get_data(as_text=True)


def test_the_lecturer_page_shows_each_rehearsal_with_its_verdict(world, colleague_user, login):
    observation = _ready_for_verdict(world, colleague_user, score=False)
    follow_up = practice.give_verdict(observation, verdict="again", rehearse_by=date(2026, 4, 20), debrief="",
                                      action_points="", actual_minutes=None, actor=world.director, now=utcnow())
    db.session.commit()

    page = login(world.lecturer_user).get(f"/lecturers/{world.lecturer.id}").get_data(as_text=True)

    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    rehearsal = next(row for row in rows if f"/observations/{observation.id}\"" in row)
    assert "Luyện giảng lại" in rehearsal and "20/04/2026" in rehearsal  # the verdict and its date
    assert any(f"/observations/{follow_up.id}\"" in row for row in rows)  # the follow-up, planned


def _points(lecturer):
    """The API's progress points of ``lecturer``, as its view reads them."""
    _lecturer, stamp = progress.lecturer_with_stamp(lecturer.id)
    return progress.lecturer_points(lecturer.id, stamp.lecturer_results)
