"""The reviews API (SPEC §3.3, §3.5, §6): rubrics, planning, own sheets, finalisation, the
observation's result and a lecturer's progress, with the same permissions as the pages."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from accounts import services as account_services
from accounts.enums import Role
from accounts.models import User
from core.extensions import db
from core.models import utcnow
from reviews import authoring, services
from reviews.enums import ObservationState, SheetState
from reviews.models import Observation, Sheet
from tests import factories
from tests.test_api import API, assert_conforms, assert_error

OBSERVATION_KEYS = {"id", "state", "total", "percent", "rating", "spread", "disagreement", "sheets"}
RUBRIC_KEYS = {"id", "name", "version", "max_total", "domains", "bands"}
SHEET_KEYS = {"observer_id", "state", "total", "percent", "scores", "strengths", "shortcomings", "recommendations"}


class Api:
    """Requests to the API with one user's bearer token."""

    def __init__(self, client, user: User):
        token = account_services.create_api_token(user, name="test", now=utcnow(), lifetime=timedelta(days=1))
        db.session.commit()  # a request that fails rolls back its session; the token must outlive it
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **kwargs):
        return self.client.get(API + path, headers=self.headers, **kwargs)

    def post(self, path: str, **kwargs):
        return self.client.post(API + path, headers=self.headers, **kwargs)

    def put(self, path: str, **kwargs):
        return self.client.put(API + path, headers=self.headers, **kwargs)


@pytest.fixture
def api(client):
    return lambda user: Api(client, user)


@pytest.fixture
def openapi(client):
    return client.get(f"{API}/openapi.json").get_json()


def _max_scores(version) -> dict[str, int | float]:
    """Every criterion at its maximum, as JSON numbers."""
    return {c.code: int(c.max_points) if c.max_points == int(c.max_points) else float(c.max_points)
            for c in version.criteria}


def _ones(version) -> dict[str, int]:
    return {c.code: 1 for c in version.criteria}


def _plan_body(world, **changes) -> dict:
    version = factories.shipped_version()
    return {"lecturer_id": world.lecturer.id, "rubric_id": version.rubric_id, "date": "2026-03-10",
            "observer_ids": [world.director.id, world.reviewer.id], "kind": "observed_lesson",
            "topic": "Điều lệ Đảng", **changes}


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _sheet(observation: Observation, user: User) -> Sheet:
    return next(s for s in observation.sheets if s.observer_id == user.id)


def _error_with_details(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "details"}
    return error


# --- rubrics ------------------------------------------------------------------------------------


def test_rubrics_list_the_shipped_templates_with_the_contract_fields(api, world, openapi):
    response = api(world.director).get("/rubrics")

    assert response.status_code == 200
    assert_conforms(openapi, response)
    items = {item["code"]: item for item in response.get_json()["items"]}
    assert {"llct", "school"} <= set(items)
    llct = items["llct"]
    assert RUBRIC_KEYS <= set(llct)
    assert llct["id"] == factories.shipped_version().rubric_id
    assert (llct["version"], llct["max_total"], llct["is_default"], llct["unit_id"]) == (1, 20, True, None)
    assert [band for band in llct["bands"]] == [{"code": "excellent", "min_total": 18},
                                                {"code": "good", "min_total": 14},
                                                {"code": "satisfactory", "min_total": 10}]
    assert [domain["code"] for domain in llct["domains"]] == ["1", "2", "3", "4", "5"]
    party = llct["domains"][1]["criteria"][0]
    assert {key: party[key] for key in ("code", "max_points", "step", "is_critical")} == {
        "code": "2.1", "max_points": 2, "step": 0.25, "is_critical": True}
    assert isinstance(party["title"], str) and party["title"]
    assert sum(c["max_points"] for d in llct["domains"] for c in d["criteria"]) == llct["max_total"]


def test_a_rubric_is_read_by_its_id(api, world, openapi):
    rubric_id = factories.shipped_version().rubric_id
    listed = next(item for item in api(world.director).get("/rubrics").get_json()["items"] if item["id"] == rubric_id)

    for user in (world.director, world.lecturer_user, world.outsider, world.admin):
        response = api(user).get(f"/rubrics/{rubric_id}")
        assert response.status_code == 200, user.username
        assert_conforms(openapi, response)
        assert {key: response.get_json()[key] for key in RUBRIC_KEYS} == {key: listed[key] for key in RUBRIC_KEYS}
    assert api(world.director).get(f"/rubrics/{rubric_id}", query_string={"version": 1}).status_code == 200


def test_a_units_rubrics_are_listed_only_in_that_unit_and_only_once_published(api, world, openapi):
    draft = authoring.copy_rubric(factories.shipped_version(), unit=world.sibling, actor=world.sibling_director,
                                  now=utcnow())
    published = authoring.copy_rubric(factories.shipped_version("school"), unit=world.sibling,
                                      actor=world.sibling_director, now=utcnow())
    published.name = "Phiếu riêng của huyện Hưng Nguyên"
    authoring.publish(published.versions[0], actor=world.sibling_director, now=utcnow())

    sibling = api(world.sibling_director)
    ids = [item["id"] for item in sibling.get("/rubrics").get_json()["items"]]
    own = sibling.get(f"/rubrics/{published.id}")

    assert published.id in ids and draft.id not in ids
    assert own.status_code == 200 and own.get_json()["unit_id"] == world.sibling.id
    assert_conforms(openapi, own)
    assert_error(sibling.get(f"/rubrics/{draft.id}"), 404)  # no published version yet
    unit_a = api(world.director)
    assert published.id not in [item["id"] for item in unit_a.get("/rubrics").get_json()["items"]]
    assert_error(unit_a.get(f"/rubrics/{published.id}"), 404)


@pytest.mark.parametrize("path, status", [
    ("/rubrics/999999", 404), (f"/rubrics/{2**31}", 404), (f"/rubrics/{10**20}", 404), ("/rubrics/abc", 404),
    ("/rubrics/RUBRIC?version=7", 404), ("/rubrics/RUBRIC?version=x", 400), ("/rubrics/RUBRIC?version=-1", 400),
])
def test_unknown_rubrics_and_versions(api, world, path, status):
    path = path.replace("RUBRIC", str(factories.shipped_version().rubric_id))

    assert_error(api(world.director).get(path), status)


def test_rubrics_need_a_token(client, world):
    assert_error(client.get(f"{API}/rubrics"), 401)
    assert_error(client.get(f"{API}/rubrics/{factories.shipped_version().rubric_id}"), 401)


# --- the full flow ------------------------------------------------------------------------------


def test_plan_score_submit_finalise_and_read_the_result_over_the_api(api, world, openapi):
    director, reviewer, lecturer = api(world.director), api(world.reviewer), api(world.lecturer_user)
    version = factories.shipped_version()

    # The director plans.
    planned = director.post("/observations", json=_plan_body(world))
    assert planned.status_code == 201, planned.get_json()
    assert_conforms(openapi, planned)
    body = planned.get_json()
    observation_id = body["id"]
    assert OBSERVATION_KEYS <= set(body)
    assert (body["state"], body["total"], body["percent"], body["rating"], body["spread"], body["disagreement"]) == (
        "planned", None, None, None, None, None)
    assert (body["lecturer_id"], body["date"], body["topic"], body["kind"], body["rubric_id"]) == (
        world.lecturer.id, "2026-03-10", "Điều lệ Đảng", "observed_lesson", version.rubric_id)
    assert body["chair_id"] == world.director.id
    assert [sheet["observer_id"] for sheet in body["sheets"]] == [world.director.id]  # only the caller's own
    path = f"/observations/{observation_id}"

    # The reviewer saves and submits a full sheet.
    saved = reviewer.put(f"{path}/my-sheet", json={"scores": _max_scores(version), "strengths": "Nắm chắc nội dung",
                                                   "shortcomings": "Ít ví dụ", "recommendations": "Thêm tình huống",
                                                   "notes": "Ghi chép riêng của người dự"})
    assert saved.status_code == 200, saved.get_json()
    assert_conforms(openapi, saved)
    sheet = saved.get_json()
    assert SHEET_KEYS <= set(sheet)
    assert (sheet["observer_id"], sheet["state"], sheet["total"], sheet["percent"]) == (
        world.reviewer.id, "draft", 20, 100)
    assert sheet["scores"]["5.1"] == 3 and sheet["scores"]["2.1"] == 2
    submitted = reviewer.post(f"{path}/my-sheet/submit")
    assert submitted.status_code == 200
    assert_conforms(openapi, submitted)
    assert (submitted.get_json()["state"], submitted.get_json()["rating"]) == ("submitted", "excellent")

    # Before submitting, the director sees neither the reviewer's sheet nor a result built from it.
    before = director.get(path)
    assert before.status_code == 200
    assert_conforms(openapi, before)
    assert [s["observer_id"] for s in before.get_json()["sheets"]] == [world.director.id]
    assert (before.get_json()["state"], before.get_json()["total"], before.get_json()["scores"]) == (
        "in_progress", None, None)
    assert "Nắm chắc nội dung" not in before.get_data(as_text=True)
    # The secretary (staff, not an observer) reads the submitted sheet and the provisional result.
    staff = api(world.secretary).get(path).get_json()
    assert [s["observer_id"] for s in staff["sheets"]] == [world.reviewer.id]
    assert (staff["total"], staff["rating"]) == (20, "excellent")

    # The director scores 1 everywhere and submits; now both sheets are visible to both.
    assert director.put(f"{path}/my-sheet", json={"scores": _ones(version)}).status_code == 200
    assert director.post(f"{path}/my-sheet/submit").status_code == 200
    after = director.get(path).get_json()
    assert sorted(s["observer_id"] for s in after["sheets"]) == sorted([world.director.id, world.reviewer.id])
    assert (after["total"], after["percent"], after["rating"]) == (15.5, 77.5, "good")  # provisional
    assert reviewer.get(path).get_json()["total"] == 15.5

    # The lecturer sees the announced observation, but no sheet before the result is final.
    early = lecturer.get(path)
    assert early.status_code == 200
    assert (early.get_json()["sheets"], early.get_json()["total"]) == ([], None)

    # The chair finalises.
    final = director.post(f"{path}/finalize", json={"debrief": "Rút kinh nghiệm", "action_points": "Thêm ví dụ"})
    assert final.status_code == 200, final.get_json()
    assert_conforms(openapi, final)
    result = final.get_json()
    assert (result["state"], result["total"], result["percent"], result["rating"]) == (
        "finalized", 15.5, 77.5, "good")
    assert result["spread"] == {"stdev": 6.36, "range": 9}
    assert result["disagreement"] is True  # 9 > 15 % of 20
    assert (result["action_points"], result["debrief"], result["sheet_count"]) == ("Thêm ví dụ", "Rút kinh nghiệm", 2)
    assert result["scores"]["2.1"] == 1.5 and result["scores"]["5.1"] == 2

    # The lecturer reads the result and the comments, without the observers' running notes.
    shown = lecturer.get(path)
    assert_conforms(openapi, shown)
    shown = shown.get_json()
    assert (shown["total"], shown["rating"], shown["spread"]) == (15.5, "good", {"stdev": 6.36, "range": 9})
    assert len(shown["sheets"]) == 2
    assert all("notes" not in s for s in shown["sheets"])
    assert "Nắm chắc nội dung" in [s["strengths"] for s in shown["sheets"]]
    assert next(s for s in reviewer.get(path).get_json()["sheets"]
                if s["observer_id"] == world.reviewer.id)["notes"] == "Ghi chép riêng của người dự"

    # Progress lists the point.
    progress = lecturer.get(f"/lecturers/{world.lecturer.id}/progress")
    assert progress.status_code == 200
    assert_conforms(openapi, progress)
    assert progress.get_json() == {"points": [{"date": "2026-03-10", "kind": "observed_lesson", "percent": 77.5,
                                               "observation_id": observation_id}]}
    assert api(world.overseer).get(f"/lecturers/{world.lecturer.id}/progress").get_json() == progress.get_json()


def test_the_result_in_effect_is_the_amended_one(api, world, openapi):
    observation = world.observation
    version = observation.rubric_version
    factories.submit(_sheet(observation, world.reviewer), factories.full_scores(version), world.reviewer)
    services.finalize_observation(observation, debrief="", action_points="Cũ", actor=world.director, now=utcnow())
    services.amend_observation(observation, reason="Nhập nhầm", scores={"5.1": "1"}, action_points="Mới",
                               actor=world.director, now=utcnow())

    response = api(world.lecturer_user).get(f"/observations/{observation.id}")
    progress = api(world.lecturer_user).get(f"/lecturers/{world.lecturer.id}/progress").get_json()["points"]

    assert_conforms(openapi, response)
    body = response.get_json()
    assert (body["total"], body["percent"], body["rating"], body["amended"]) == (18, 90, "excellent", True)
    assert (body["scores"]["5.1"], body["action_points"]) == (1, "Mới")
    assert body["spread"] == {"stdev": 0, "range": 0} and body["disagreement"] is False
    assert [point["percent"] for point in progress] == [90]


def test_scores_keep_their_exact_decimals(api, world):
    path = f"/observations/{world.observation.id}/my-sheet"

    response = api(world.reviewer).put(path, json={"scores": {"1.1": 1.75, "2.4": "0,5", "5.1": 2}})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["scores"] == {"1.1": 1.75, "2.4": 0.5, "5.1": 2}
    assert response.get_json()["total"] == 4.25
    assert response.get_json()["rating"] is None  # an incomplete draft has no rating yet
    stored = _sheet(world.observation, world.reviewer).score_map()
    assert stored == {"1.1": Decimal("1.75"), "2.4": Decimal("0.50"), "5.1": Decimal("2.00")}


def test_a_save_keeps_what_it_does_not_mention(api, world):
    path = f"/observations/{world.observation.id}/my-sheet"
    reviewer = api(world.reviewer)
    reviewer.put(path, json={"scores": {"1.1": 2}, "strengths": "Tốt", "notes": "Ghi chú"})

    response = reviewer.put(path, json={"scores": {"2.1": 1}, "shortcomings": "Chưa có"})

    body = response.get_json()
    assert body["scores"] == {"1.1": 2, "2.1": 1}
    assert (body["strengths"], body["shortcomings"], body["notes"]) == ("Tốt", "Chưa có", "Ghi chú")


def test_planning_options_are_stored(api, world):
    version = factories.shipped_version("school")
    response = api(world.reviewer).post("/observations", json=_plan_body(
        world, lecturer_id=world.colleague.id, rubric_id=version.rubric_id, kind="observed_lesson",
        unannounced=True, chair_id=world.director.id, observer_ids=[world.reviewer.id], session_id=None,
        topic_id=world.topic.id, topic=None))

    assert response.status_code == 201, response.get_json()
    observation = db.session.get(Observation, response.get_json()["id"])
    assert (observation.kind, observation.is_unannounced, observation.chair_id, observation.planned_by_id,
            observation.rubric_version_id, observation.topic_id) == (
        "observed_lesson", True, world.director.id, world.reviewer.id, version.id, world.topic.id)


def test_the_rubric_and_date_default_to_the_units_rubric_and_the_sessions_date(api, world):
    body = _plan_body(world, session_id=world.session.id)
    del body["rubric_id"], body["date"]

    response = api(world.director).post("/observations", json=body)

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["date"] == world.session.date.isoformat()
    assert response.get_json()["rubric_version_id"] == authoring.default_version(world.unit).id
    assert response.get_json()["session_id"] == world.session.id


# --- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["secretary", "lecturer", "overseer", "admin"])
def test_only_directors_and_reviewers_plan(api, world, role):
    before = _count(Observation)

    response = api(world.user(role)).post("/observations", json=_plan_body(world))

    assert assert_error(response, 403)["code"] == "forbidden"
    assert _count(Observation) == before


@pytest.mark.parametrize("role", ["sibling_director", "outsider"])
def test_another_units_director_cannot_plan_for_unit_a(api, world, role):
    before = _count(Observation)

    response = api(world.user(role)).post("/observations", json=_plan_body(world))

    assert_error(response, 422)  # a lecturer they cannot see is no lecturer for them
    assert _count(Observation) == before


def test_a_reviewer_of_another_unit_cannot_plan_in_a_unit_where_they_are_secretary(api, world):
    user = factories.make_user((world.sibling, Role.REVIEWER), (world.unit, Role.SECRETARY), username="both")

    response = api(user).post("/observations", json=_plan_body(world), query_string={"unit_id": world.unit.id})

    assert_error(response, 403)


@pytest.mark.parametrize("role", ["secretary", "overseer", "lecturer", "admin", "sibling_director"])
def test_only_the_observers_have_a_sheet(api, world, role):
    path = f"/observations/{world.observation.id}/my-sheet"
    caller = api(world.user(role))

    assert_error(caller.put(path, json={"scores": {"1.1": 2}}), 404)
    assert_error(caller.post(f"{path}/submit"), 404)
    assert _sheet(world.observation, world.reviewer).score_map() == {}


@pytest.mark.parametrize("role, status", [("lecturer", 403), ("reviewer", 403), ("secretary", 403),
                                          ("overseer", 403), ("admin", 404), ("sibling_director", 404),
                                          ("outsider", 404)])
def test_only_the_chair_or_a_director_finalises(api, world, role, status):
    factories.submit(_sheet(world.observation, world.reviewer), factories.full_scores(
        world.observation.rubric_version), world.reviewer)

    response = api(world.user(role)).post(f"/observations/{world.observation.id}/finalize", json={})

    assert_error(response, status)
    assert db.session.get(Observation, world.observation.id).state == ObservationState.IN_PROGRESS


def test_a_reviewer_who_chairs_finalises(api, world):
    observation = factories.make_observation(world, chair=world.reviewer)
    factories.submit(_sheet(observation, world.reviewer), factories.full_scores(observation.rubric_version),
                     world.reviewer)

    response = api(world.reviewer).post(f"/observations/{observation.id}/finalize")

    assert (response.status_code, response.get_json()["state"]) == (200, "finalized")


@pytest.mark.parametrize("role", ["sibling_director", "outsider"])
def test_another_unit_gets_404_everywhere(api, world, role):
    caller = api(world.user(role))
    path = f"/observations/{world.observation.id}"

    answers = [caller.get(path), caller.put(f"{path}/my-sheet", json={}), caller.post(f"{path}/my-sheet/submit"),
               caller.post(f"{path}/finalize", json={}), caller.get(f"/lecturers/{world.lecturer.id}/progress")]

    assert [response.status_code for response in answers] == [404] * 5
    assert all(world.lecturer.full_name not in response.get_data(as_text=True) for response in answers)


def test_an_unannounced_observation_is_invisible_to_its_lecturer_until_final(api, world, openapi):
    created = api(world.director).post("/observations", json=_plan_body(world, unannounced=True))
    assert created.status_code == 201
    observation = db.session.get(Observation, created.get_json()["id"])
    lecturer = api(world.lecturer_user)
    path = f"/observations/{observation.id}"

    hidden = lecturer.get(path)
    factories.submit(_sheet(observation, world.reviewer), factories.full_scores(observation.rubric_version),
                     world.reviewer)
    also_hidden = lecturer.get(path)
    finalized = api(world.director).post(f"{path}/finalize")
    shown = lecturer.get(path)

    assert assert_error(hidden, 404)["code"] == "not_found"
    assert_conforms(openapi, hidden)
    assert_error(also_hidden, 404)
    assert finalized.status_code == 200
    assert shown.status_code == 200 and shown.get_json()["unannounced"] is True


@pytest.mark.parametrize("role, lecturer, status", [
    ("lecturer", "lecturer", 200), ("lecturer", "colleague", 404), ("secretary", "colleague", 200),
    ("overseer", "colleague", 200), ("admin", "lecturer", 404), ("sibling_director", "lecturer", 404),
    ("director", "outsider_lecturer", 404),
])
def test_progress_follows_who_may_read_the_lecturer(api, world, openapi, role, lecturer, status):
    response = api(world.user(role)).get(f"/lecturers/{getattr(world, lecturer).id}/progress")

    assert response.status_code == status
    assert_conforms(openapi, response)
    if status == 200:
        assert response.get_json() == {"points": []}


@pytest.mark.parametrize("path", ["/observations/999999", f"/observations/{2**31}", f"/observations/{10**20}",
                                  "/lecturers/999999/progress", f"/lecturers/{10**20}/progress"])
def test_unknown_records_are_404(api, world, path):
    assert_error(api(world.director).get(path), 404)


def test_the_reviews_api_needs_a_token(client, world):
    path = f"{API}/observations/{world.observation.id}"

    assert_error(client.get(path), 401)
    assert_error(client.post(f"{API}/observations", json=_plan_body(world)), 401)
    assert_error(client.put(f"{path}/my-sheet", json={"scores": {}}), 401)
    assert_error(client.post(f"{path}/my-sheet/submit"), 401)
    assert_error(client.post(f"{path}/finalize"), 401)
    assert_error(client.get(f"{API}/lecturers/{world.lecturer.id}/progress"), 401)


# --- bad input ----------------------------------------------------------------------------------


def test_a_score_off_the_step_is_a_422_naming_the_criterion(api, world, openapi):
    response = api(world.reviewer).put(f"/observations/{world.observation.id}/my-sheet",
                                       json={"scores": {"1.1": 1.3, "2.1": 2}})

    error = _error_with_details(response, 422)
    assert_conforms(openapi, response)
    assert error["code"] == "invalid_scores"
    assert set(error["details"]) == {"1.1"}
    assert "1.1" in error["message"]
    assert _sheet(world.observation, world.reviewer).score_map() == {}  # nothing saved, not even 2.1


def test_every_bad_score_is_reported_at_once(api, world):
    response = api(world.reviewer).put(f"/observations/{world.observation.id}/my-sheet", json={"scores": {
        "1.1": 2.5, "2.1": "abc", "2.2": True, "2.3": [1], "2.4": -0.25, "3.1": 1e300, "3.2": float("nan"),
        "9.9": 1}})

    error = _error_with_details(response, 422)
    assert set(error["details"]) == {"1.1", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "9.9"}
    assert all(isinstance(reason, str) and reason for reason in error["details"].values())
    # The reasons are the translated ones the sheet page shows under each field.
    assert error["details"]["9.9"] != error["details"]["1.1"] == error["details"]["2.4"]
    assert error["details"]["2.1"] == error["details"]["2.2"] == error["details"]["2.3"] == error["details"]["3.2"]


def test_submitting_an_incomplete_sheet_names_the_missing_criteria(api, world):
    world.reviewer.locale = "en"  # the user's saved language chooses the messages' language
    path = f"/observations/{world.observation.id}/my-sheet"
    reviewer = api(world.reviewer)
    reviewer.put(path, json={"scores": {"1.1": 2}})

    response = reviewer.post(f"{path}/submit")

    error = _error_with_details(response, 422)
    assert "1.1" not in error["details"] and set(error["details"].values()) == {"missing"}
    assert _sheet(world.observation, world.reviewer).state == SheetState.DRAFT


@pytest.mark.parametrize("kwargs", [
    {"data": "{not json", "content_type": "application/json"},
    {"data": "scores=1", "content_type": "application/x-www-form-urlencoded"},
    {"json": [{"1.1": 2}]},
    {"json": "scores"},
    {},
], ids=["malformed", "form", "array", "string", "no-body"])
def test_a_sheet_save_that_is_not_a_json_object_is_400(api, world, kwargs):
    assert_error(api(world.reviewer).put(f"/observations/{world.observation.id}/my-sheet", **kwargs), 400)


@pytest.mark.parametrize("body", [
    {"scores": [2, 2]}, {"scores": "1.1=2"}, {"strengths": 5}, {"notes": ["a"]}, {"version": "1"},
    {"version": True}, {"version": 0}, {"recommendations": "x" * 20_001},
], ids=["scores-list", "scores-text", "strengths-number", "notes-list", "version-text", "version-true",
        "version-zero", "too-long"])
def test_bad_sheet_fields_are_422(api, world, body):
    response = api(world.reviewer).put(f"/observations/{world.observation.id}/my-sheet", json=body)

    assert_error(response, 422)


def _plan_changes(world) -> list:
    return [
        {"observer_ids": world.reviewer.id}, {"observer_ids": str(world.reviewer.id)},
        {"observer_ids": [str(world.reviewer.id)]}, {"observer_ids": [True]}, {"observer_ids": []},
        {"observer_ids": [999_999]}, {"observer_ids": [2**31]}, {"observer_ids": [10**30]},
        {"observer_ids": list(range(1, 60))}, {"observer_ids": [world.secretary.id]},
        {"observer_ids": [world.sibling_director.id]}, {"observer_ids": None},
        {"lecturer_id": str(world.lecturer.id)}, {"lecturer_id": 999_999}, {"lecturer_id": 10**30},
        {"lecturer_id": None}, {"lecturer_id": world.outsider_lecturer.id},
        {"rubric_id": 999_999}, {"rubric_id": "llct"}, {"rubric_id": None}, {"rubric_id": -1},
        {"date": "03/03/2026"}, {"date": "2026-02-30"}, {"date": 20260303}, {"date": "20260303"},
        {"date": "2026-W10-2"}, {"date": None},
        {"kind": "lesson"}, {"kind": None}, {"topic": 5}, {"topic": "T" * 301}, {"unannounced": "yes"},
        {"chair_id": 999_999}, {"chair_id": world.secretary.id}, {"session_id": 999_999}, {"session_id": "1"},
        {"topic_id": 999_999},
    ]


def test_bad_plans_are_422_and_plan_nothing(api, world):
    director = api(world.director)
    before = _count(Observation)

    answers = {repr(change): director.post("/observations", json=_plan_body(world, **change))
               for change in _plan_changes(world)}

    wrong = {change: response.status_code for change, response in answers.items() if response.status_code != 422}
    assert wrong == {}
    for response in answers.values():
        assert_error(response, 422)
    assert _count(Observation) == before


def test_a_rubric_not_published_or_of_another_unit_cannot_be_planned_on(api, world):
    draft = authoring.copy_rubric(factories.shipped_version(), unit=world.unit, actor=world.director, now=utcnow())
    elsewhere = authoring.copy_rubric(factories.shipped_version(), unit=world.sibling, actor=world.sibling_director,
                                      now=utcnow())
    authoring.publish(elsewhere.versions[0], actor=world.sibling_director, now=utcnow())

    for rubric in (draft, elsewhere):
        response = api(world.director).post("/observations", json=_plan_body(world, rubric_id=rubric.id))
        assert_error(response, 422)


def test_self_observation_is_422(api, world):
    world.director.locale = "en"
    world.colleague.user_id = world.reviewer.id
    db.session.flush()

    response = api(world.director).post("/observations", json=_plan_body(
        world, lecturer_id=world.colleague.id, observer_ids=[world.reviewer.id]))

    error = assert_error(response, 422)
    assert "own lesson" in error["message"]


@pytest.mark.parametrize("kwargs", [
    {"data": "{not json", "content_type": "application/json"}, {"json": [1, 2]}, {},
    {"data": "lecturer_id=1", "content_type": "application/x-www-form-urlencoded"},
], ids=["malformed", "array", "no-body", "form"])
def test_a_plan_that_is_not_a_json_object_is_400(api, world, kwargs):
    assert_error(api(world.director).post("/observations", **kwargs), 400)


# --- concurrency and repetition -----------------------------------------------------------------


def test_a_save_from_a_stale_version_is_409_and_changes_nothing(api, world, openapi):
    path = f"/observations/{world.observation.id}/my-sheet"
    reviewer = api(world.reviewer)
    first = reviewer.put(path, json={"scores": {"1.1": 2}})
    opened = first.get_json()["version"]
    second = reviewer.put(path, json={"scores": {"1.1": 1}, "version": opened})  # e.g. another device

    stale = reviewer.put(path, json={"scores": {"1.1": 0.5}, "strengths": "Từ tab cũ", "version": opened})

    assert second.status_code == 200 and second.get_json()["version"] > opened
    assert assert_error(stale, 409)["code"] == "conflict"
    assert_conforms(openapi, stale)
    sheet = _sheet(world.observation, world.reviewer)
    db.session.refresh(sheet)
    assert (sheet.score_map(), sheet.strengths) == ({"1.1": Decimal("1.00")}, "")
    fresh = reviewer.put(path, json={"scores": {"1.1": 0.5}, "version": second.get_json()["version"]})
    assert fresh.status_code == 200 and fresh.get_json()["scores"] == {"1.1": 0.5}


def test_double_submit_is_harmless_and_a_submitted_sheet_is_locked(api, world):
    path = f"/observations/{world.observation.id}/my-sheet"
    reviewer = api(world.reviewer)
    reviewer.put(path, json={"scores": _max_scores(world.observation.rubric_version)})

    first = reviewer.post(f"{path}/submit")
    second = reviewer.post(f"{path}/submit")
    change = reviewer.put(path, json={"scores": {"1.1": 0}})

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.get_json() == second.get_json()
    assert assert_error(change, 409)["code"] == "conflict"
    assert _sheet(world.observation, world.reviewer).score_map()["1.1"] == Decimal("2.00")


def test_finalising_needs_a_submitted_sheet_and_happens_once(api, world, openapi):
    director = api(world.director)
    path = f"/observations/{world.observation.id}/finalize"

    empty = director.post(path, json={})
    factories.submit(_sheet(world.observation, world.reviewer), factories.full_scores(
        world.observation.rubric_version), world.reviewer)
    not_an_object = director.post(path, json=["debrief"])
    too_long = director.post(path, json={"debrief": "x" * 20_001})
    first = director.post(path)
    again = director.post(path, json={})
    late_sheet = director.put(f"/observations/{world.observation.id}/my-sheet", json={"scores": {"1.1": 2}})

    assert_error(empty, 409)
    assert_conforms(openapi, empty)
    assert_error(not_an_object, 400)
    assert_error(too_long, 422)
    assert first.status_code == 200 and first.get_json()["total"] == 20
    assert_error(again, 409)
    assert_error(late_sheet, 409)
    observation = db.session.get(Observation, world.observation.id)
    assert (observation.state, observation.sheet_count) == (ObservationState.FINALIZED, 1)


def test_reading_an_observation_runs_the_same_number_of_queries_for_two_or_four_observers(api, world,
                                                                                          count_queries):
    extra = [factories.make_user((world.unit, Role.REVIEWER), username=f"extra{n}") for n in range(2)]
    small = factories.make_observation(world, observers=[world.director, world.reviewer])
    large = factories.make_observation(world, observers=[world.director, world.reviewer, *extra])
    for observation in (small, large):
        for sheet in observation.sheets:
            factories.submit(sheet, factories.full_scores(observation.rubric_version), sheet.observer)
    secretary = api(world.secretary)

    counts = []
    for observation in (small, large):
        secretary.get(f"/observations/{observation.id}")  # warm the per-request caches alike
        with count_queries() as counter:
            response = secretary.get(f"/observations/{observation.id}")
        assert response.status_code == 200 and len(response.get_json()["sheets"]) == len(observation.sheets)
        counts.append(counter.n)

    assert counts[0] == counts[1]


def test_a_practice_lecture_runs_over_the_api_from_self_assessment_to_verdict(api, world):
    planned = api(world.director).post("/observations", json=_plan_body(
        world, kind="practice_lecture", purpose="contest", audience="Ban giám khảo", allowed_minutes=25,
        observer_ids=[world.reviewer.id], session_id=None))
    observation_id = planned.get_json()["id"]
    early = api(world.reviewer).post(f"/observations/{observation_id}/my-sheet/submit")

    api(world.lecturer_user).post(f"/observations/{observation_id}/self-assessment",
                                  json={"text": "Tôi nói hơi nhanh", "actual_minutes": 27})
    api(world.reviewer).put(f"/observations/{observation_id}/my-sheet", json={"strengths": "Giọng tốt"})
    submitted = api(world.reviewer).post(f"/observations/{observation_id}/my-sheet/submit")
    finalize = api(world.director).post(f"/observations/{observation_id}/finalize")
    verdict = api(world.director).post(f"/observations/{observation_id}/verdict",
                                       json={"verdict": "again", "rehearse_by": "2026-12-20"})

    assert planned.status_code == 201 and early.status_code == 409
    assert submitted.status_code == 200 and finalize.status_code == 409
    assert verdict.status_code == 200, verdict.get_json()
    assert (verdict.get_json()["state"], verdict.get_json()["total"]) == ("finalized", None)
    assert isinstance(verdict.get_json()["follow_up_id"], int)
