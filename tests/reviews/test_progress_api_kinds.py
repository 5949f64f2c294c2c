"""GET /api/v1/lecturers/{id}/progress tells a scored practice lecture from an observed lesson:
each finalised, scored result is a point with its kind."""
from __future__ import annotations

from datetime import date

import pytest

from accounts.enums import Role
from core.models import utcnow
from reviews import practice, services
from tests import factories
from tests.dashboards.helpers import finalized
from tests.test_api import API, assert_conforms, token_for


@pytest.fixture
def openapi(client):
    return client.get(f"{API}/openapi.json").get_json()


def _progress(client, user, lecturer):
    token = token_for(client, user)  # POST /api/v1/tokens with the user's password
    return client.get(f"{API}/lecturers/{lecturer.id}/progress", headers={"Authorization": f"Bearer {token}"})


def _sheet(observation, user):
    return next(s for s in observation.sheets if s.observer_id == user.id)


def _practice(world, *, on: date, attendees, scored_by=None, value: str = "1.5", verdict: str = "ready",
              rehearse_by: date | None = None):
    """A practice lecture of world.lecturer on ``on``: the lecturer assesses themselves, every
    attendee submits (``scored_by`` with the rubric's scores at ``value``, the others with
    comments only), and the director gives ``verdict``. Returns it and the follow-up, if any."""
    observation = practice.schedule_practice(
        unit=world.unit, lecturer=world.lecturer, attendees=attendees, on=on, purpose="new_topic",
        audience="Đảng viên mới", allowed_minutes=45, actor=world.director, now=utcnow(), topic=world.topic)
    practice.record_self_assessment(observation, text="Tôi cần rút gọn phần mở đầu.", actual_minutes=47,
                                    actor=world.lecturer_user, now=utcnow())
    for user in attendees:
        sheet = _sheet(observation, user)
        if user == scored_by:
            factories.submit(sheet, factories.full_scores(observation.rubric_version, value), user)
        else:
            practice.save_comments(sheet, comments={"method": "Nên tăng trao đổi"}, actor=user, now=utcnow())
            services.submit_sheet(sheet, actor=user, now=utcnow())
    follow_up = practice.give_verdict(observation, verdict=verdict, rehearse_by=rehearse_by, debrief="",
                                      action_points="", actual_minutes=None, actor=world.director, now=utcnow())
    return observation, follow_up


def test_progress_gives_a_scored_practice_lecture_and_an_observed_lesson_each_its_kind(world, client, openapi):
    lesson = finalized(world, on=date(2026, 3, 3), value="1")  # 11 / 20
    rehearsal, _ = _practice(world, on=date(2026, 4, 6), attendees=[world.reviewer],
                             scored_by=world.reviewer)  # 15 / 20

    response = _progress(client, world.lecturer_user, world.lecturer)

    assert response.status_code == 200
    assert_conforms(openapi, response)
    assert response.get_json() == {"points": [
        {"date": "2026-03-03", "kind": "observed_lesson", "percent": 55, "observation_id": lesson.id},
        {"date": "2026-04-06", "kind": "practice_lecture", "percent": 75, "observation_id": rehearsal.id},
    ]}


def test_the_director_reads_the_same_kinds(world, client):
    lesson = finalized(world, on=date(2026, 5, 4), value="2")
    rehearsal, _ = _practice(world, on=date(2026, 4, 6), attendees=[world.reviewer], scored_by=world.reviewer)

    points = _progress(client, world.director, world.lecturer).get_json()["points"]

    assert [(p["observation_id"], p["kind"]) for p in points] == [
        (rehearsal.id, "practice_lecture"), (lesson.id, "observed_lesson")]  # in date order


def test_only_scored_and_finalised_practice_lectures_are_points(world, client):
    colleague_user = factories.make_user((world.unit, Role.LECTURER), username="dongnghiep", full_name="Lê Văn An")
    world.colleague.user_id = colleague_user.id
    # Commented only, sent back to rehearse again: finalised without a score; its follow-up is planned.
    _, follow_up = _practice(world, on=date(2026, 4, 6), attendees=[colleague_user], verdict="again",
                             rehearse_by=date(2026, 4, 20))
    # Scored by the reviewer, commented by the colleague: a point from the reviewer's sheet alone.
    scored, _ = _practice(world, on=date(2026, 5, 4), attendees=[world.reviewer, colleague_user],
                          scored_by=world.reviewer, value="2")  # 19 / 20
    lesson = finalized(world, on=date(2026, 6, 1), value="1")  # 11 / 20

    points = _progress(client, world.lecturer_user, world.lecturer).get_json()["points"]

    assert follow_up is not None and not follow_up.is_finalized
    assert [(p["observation_id"], p["kind"], p["percent"]) for p in points] == [
        (scored.id, "practice_lecture", 95), (lesson.id, "observed_lesson", 55)]
