"""API: the contest flow of SPEC §6 with the pages' permissions; every answer matches the
OpenAPI document."""
from __future__ import annotations

import pytest

from tests.test_api import assert_conforms, assert_error

BODY = {"name": "Hội thi giảng viên giỏi cấp cơ sở 2026", "level": "unit", "year": 2026, "aggregation": "mean",
        "components": [{"code": "plan", "name": "Soạn giáo án", "max_points": 20, "weight": 1},
                       {"code": "lecture", "name": "Giảng trực tiếp", "max_points": 20, "weight": 3}],
        "tie_break": ["lecture", "plan"],
        "prize_quotas": {"first": 1, "second": 1, "third": None, "consolation": None}}


@pytest.fixture
def openapi(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def api_as(client):
    from tests.test_api import ApiClient, token_for

    def _as(user):
        api = ApiClient(client, token_for(client, user))
        api.put = lambda path, **kwargs: client.put("/api/v1" + path, headers=api.headers, **kwargs)
        return api

    return _as


def test_the_whole_contest_flow(world, api_as, openapi):
    director, judge = api_as(world.director), api_as(world.sibling_director)
    created = director.post("/contests", json=BODY)
    assert_conforms(openapi, created)
    assert created.status_code == 201
    contest_id = created.get_json()["id"]
    assert_conforms(openapi, director.post(f"/contests/{contest_id}/judges", json={"user_id": world.sibling_director.id}))
    entry = director.post(f"/contests/{contest_id}/entries", json={"lecturer_id": world.lecturer.id,
                                                                   "topic": "Điều lệ Đảng"})
    assert_conforms(openapi, entry)
    entry_id = entry.get_json()["id"]
    assert director.post(f"/contests/{contest_id}/phase", json={"phase": "judging"}).status_code == 200

    marks = judge.put(f"/contests/{contest_id}/entries/{entry_id}/my-marks", json={"marks": {"plan": 17.5,
                                                                                             "lecture": 18}})
    assert_conforms(openapi, marks)
    assert marks.get_json()["marks"] == {"plan": 17.5, "lecture": 18.0}
    assert_error(judge.get(f"/contests/{contest_id}/ranking"), 403)
    director.post(f"/contests/{contest_id}/phase", json={"phase": "closed"})
    ranking = judge.get(f"/contests/{contest_id}/ranking")

    assert_conforms(openapi, ranking)
    assert ranking.get_json() == [{"entry_id": entry_id, "lecturer_id": world.lecturer.id, "total": 17.88,
                                   "rank": 1, "prize": "first", "components": {"plan": 17.5, "lecture": 18.0}}]


def test_a_reviewer_cannot_create_a_contest(world, api_as):
    assert_error(api_as(world.reviewer).post("/contests", json=BODY), 403)


def test_a_director_cannot_create_a_province_contest(world, api_as):
    assert_error(api_as(world.director).post("/contests", json={**BODY, "level": "province"}), 403)


@pytest.mark.parametrize("change", [{"year": "2026"}, {"aggregation": "mode"}, {"tie_break": ["oral"]},
                                    {"prize_quotas": {"first": -1}}, {"components": [{"code": "x"}]}])
def test_invalid_contests_are_422(world, api_as, openapi, change):
    response = api_as(world.director).post("/contests", json={**BODY, **change})

    assert_error(response, 422)
    assert_conforms(openapi, response)


def test_an_outsider_gets_404_for_a_contest(world, api_as):
    contest_id = world.contest_urls["contest_id"]

    assert_error(api_as(world.outsider).get(f"/contests/{contest_id}"), 404)
    assert_error(api_as(world.outsider).get(f"/contests/{contest_id}/ranking"), 404)


def test_marks_outside_judging_are_refused(world, api_as):
    urls = world.contest_urls
    response = api_as(world.reviewer).put(f"/contests/{urls['contest_id']}/entries/{urls['entry_id']}/my-marks",
                                          json={"marks": {"plan": 10}})

    assert_error(response, 403)


def test_an_overseer_organises_a_province_contest_from_the_board(world, client):
    from tests.test_api import ApiClient, token_for

    overseer = ApiClient(client, token_for(client, world.overseer))
    response = overseer.client.post("/api/v1/contests", json={**BODY, "level": "province"},
                                    headers=overseer.headers, query_string={"unit_id": world.board.id})

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["unit_id"] == world.board.id
