"""API: minutes, attendance and action items are read with the pages' rules, and every
answer matches the OpenAPI document."""
from __future__ import annotations

import pytest

from core.extensions import db
from meetings import services
from meetings.enums import MinutesState
from meetings.models import Meeting
from tests import factories
from tests.test_api import assert_conforms, assert_error


@pytest.fixture
def world(world):
    """These tests count the sample observation, plan, meeting and contest of a world too."""
    return factories.complete(world)


@pytest.fixture
def openapi(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def api_as(client):
    from tests.test_api import ApiClient, token_for

    def _as(user):
        return ApiClient(client, token_for(client, user))

    return _as


def _approved(world) -> Meeting:
    meeting = db.session.get(Meeting, world.meeting_urls["meeting_id"])
    factories.record_everyone(meeting, world.secretary)
    services.set_meeting_state(meeting, MinutesState.APPROVED, actor=world.director, now=meeting.ends_at)
    return meeting


def test_staff_list_the_minutes_of_their_unit(api_as, world, openapi):
    response = api_as(world.reviewer).get("/meetings")

    assert response.status_code == 200
    assert_conforms(openapi, response)
    assert [(m["id"], m["month"], m["state"]) for m in response.get_json()["items"]] == [
        (world.meeting_urls["meeting_id"], "2026-03-01", "draft")]
    assert response.get_json()["items"][0]["starts_at"] == "2026-03-05T00:30:00Z"


def test_a_year_filter_must_be_a_year(api_as, world):
    api = api_as(world.director)

    assert api.get("/meetings", query_string={"year": "2025"}).get_json()["items"] == []
    assert_error(api.get("/meetings", query_string={"year": "two"}), 400)


def test_the_minutes_show_values_in_effect_after_amendments(api_as, world, openapi):
    meeting = _approved(world)
    colleague = next(a for a in meeting.attendances if a.lecturer_id == world.colleague.id)
    services.amend_meeting(meeting, target="attendance", target_id=colleague.id,
                           values={"status": "excused", "text": "Ốm"}, reason="Có giấy", actor=world.director,
                           now=meeting.ends_at)
    api = api_as(world.secretary)

    minutes = api.get(f"/meetings/{meeting.id}")
    attendance = api.get(f"/meetings/{meeting.id}/attendance")

    for response in (minutes, attendance):
        assert response.status_code == 200
        assert_conforms(openapi, response)
    body = minutes.get_json()
    assert (body["state"], body["guests"], len(body["amendments"])) == (
        "approved", [{"full_name": "Nguyễn Thị Lan", "position": "Phó Trưởng Ban Tuyên giáo Huyện ủy"}], 1)
    statuses = {a["lecturer_id"]: (a["status"], a["reason"], a["amended"])
                for a in attendance.get_json()["attendees"]}
    assert statuses == {world.lecturer.id: ("present", "", False), world.colleague.id: ("excused", "Ốm", True)}
    assert [item["id"] for item in body["action_items"]] == [world.meeting_urls["action_id"]]


def test_action_items_are_listed_and_read(api_as, world, openapi):
    item_id = world.meeting_urls["action_id"]
    api = api_as(world.director)

    listing = api.get("/action-items", query_string={"status": "open"})
    closed = api.get("/action-items", query_string={"status": "closed"})
    detail = api.get(f"/action-items/{item_id}")
    own = api_as(world.lecturer_user).get(f"/action-items/{item_id}")

    for response in (listing, closed, detail, own):
        assert response.status_code == 200
        assert_conforms(openapi, response)
    assert [item["id"] for item in listing.get_json()["items"]] == [item_id]
    assert closed.get_json()["items"] == []
    assert (detail.get_json()["owner_id"], detail.get_json()["status"]) == (world.lecturer.id, "open")
    assert_error(api.get("/action-items", query_string={"status": "late"}), 400)


@pytest.mark.parametrize("role", ["sibling_director", "outsider"])
def test_another_unit_reads_nothing(api_as, world, openapi, role):
    api = api_as(world.user(role))
    meeting_id, item_id = world.meeting_urls["meeting_id"], world.meeting_urls["action_id"]

    answers = [api.get(f"/meetings/{meeting_id}"), api.get(f"/meetings/{meeting_id}/attendance"),
               api.get(f"/action-items/{item_id}")]

    for response in answers:
        assert_error(response, 404)
        assert_conforms(openapi, response)
    assert api.get("/meetings").get_json()["items"] == []
    assert_error(api.get("/meetings", query_string={"unit_id": world.unit.id}), 403)


def test_a_lecturer_reads_only_their_own_action_item(api_as, world):
    api = api_as(world.lecturer_user)

    assert_error(api.get("/meetings"), 403)
    assert_error(api.get(f"/meetings/{world.meeting_urls['meeting_id']}"), 404)
    assert_error(api.get("/action-items"), 403)
