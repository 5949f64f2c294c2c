from __future__ import annotations

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from accounts.enums import Role
from core.extensions import db
from core.models import utcnow
from reviews import services
from reviews.enums import ObservationState, SheetState
from reviews.models import Observation, Sheet
from tests import factories


def _sheet(observation, user) -> Sheet:
    return next(s for s in observation.sheets if s.observer_id == user.id)


def _sheet_form(observation, scores: dict[str, str], version: int, **extra) -> dict:
    data = {"score_" + code.replace(".", "_"): value for code, value in scores.items()}
    data.update(version=str(version), **extra)
    return data


def test_director_plans_an_observation_through_the_form(world, login):
    client = login(world.director)
    version = factories.shipped_version()

    response = client.post("/observations/new", data={
        "kind": "observed_lesson", "lecturer_id": str(world.colleague.id), "version_id": str(version.id),
        "observer_ids": [str(world.reviewer.id), str(world.director.id)], "date": "2026-03-03",
        "topic_id": str(world.topic.id), "is_unannounced": "y"})

    observation = db.session.scalar(sa.select(Observation).order_by(Observation.id.desc()))
    assert response.status_code == 302
    assert (observation.is_unannounced, len(observation.sheets)) == (True, 2)


def test_planning_a_self_observation_is_a_422_with_the_input_kept(world, login):
    world.colleague.user_id = world.reviewer.id
    client = login(world.director)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Observation))

    response = client.post("/observations/new", data={
        "kind": "observed_lesson", "lecturer_id": str(world.colleague.id),
        "version_id": str(factories.shipped_version().id), "observer_ids": [str(world.reviewer.id)],
        "date": "2026-03-03", "topic_text": "Tự dự giờ"})

    assert response.status_code == 422
    assert 'value="Tự dự giờ"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Observation)) == before


def test_the_sheet_offers_only_valid_steps(world, login):
    observation = factories.make_observation(world)
    client = login(world.reviewer)

    page = client.get(f"/observations/{observation.id}/sheet").get_data(as_text=True)

    select = re.search(r'<select[^>]*name="score_2_4"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'value="([^"]*)"', select) == ["", "0", "0.25", "0.5", "0.75", "1"]


def test_observer_saves_then_submits_their_sheet(world, login):
    observation = factories.make_observation(world)
    sheet = _sheet(observation, world.reviewer)
    client = login(world.reviewer)
    scores = factories.full_scores(observation.rubric_version, "1")

    client.post(f"/observations/{observation.id}/sheet",
                data=_sheet_form(observation, {"1.1": "1"}, sheet.version, action="save", notes="Đúng giờ"))
    db.session.refresh(sheet)
    response = client.post(f"/observations/{observation.id}/sheet",
                           data=_sheet_form(observation, scores, sheet.version, action="submit",
                                            strengths="Liên hệ thực tiễn tốt"))

    db.session.refresh(sheet)
    assert response.status_code == 302
    assert (sheet.state, sheet.total, sheet.notes) == (SheetState.SUBMITTED, Decimal("11.00"), "")


def test_an_invalid_score_is_a_422_that_keeps_every_typed_value(world, login):
    observation = factories.make_observation(world)
    sheet = _sheet(observation, world.reviewer)
    client = login(world.reviewer)

    response = client.post(f"/observations/{observation.id}/sheet", data=_sheet_form(
        observation, {"1.1": "1.75", "2.4": "1.5"}, sheet.version, action="save", notes="Ghi chép dài"))

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ghi chép dài" in page
    assert re.search(r'<option selected value="1.75">|<option value="1.75" selected>', page)
    assert sheet.scores == []


def test_a_save_from_a_stale_tab_is_a_409_that_keeps_the_input(world, login):
    observation = factories.make_observation(world)
    sheet = _sheet(observation, world.reviewer)
    opened = sheet.version
    client = login(world.reviewer)
    client.post(f"/observations/{observation.id}/sheet",
                data=_sheet_form(observation, {"1.1": "1"}, opened, action="save"))

    response = client.post(f"/observations/{observation.id}/sheet",
                           data=_sheet_form(observation, {"1.1": "2"}, opened, action="save",
                                            notes="Nội dung từ tab cũ"))

    db.session.refresh(sheet)
    assert response.status_code == 409
    assert "Nội dung từ tab cũ" in response.get_data(as_text=True)
    assert sheet.score_map() == {"1.1": Decimal("1")}


def test_after_a_409_the_kept_input_saves_over_what_is_stored(world, login):
    observation = factories.make_observation(world)
    sheet = _sheet(observation, world.reviewer)
    opened = sheet.version
    client = login(world.reviewer)
    url = f"/observations/{observation.id}/sheet"
    client.post(url, data=_sheet_form(observation, {"1.1": "1"}, opened, action="save"))
    refused = client.post(url, data=_sheet_form(observation, {"1.1": "2"}, opened, action="save"))
    version = int(re.search(r'name="version"[^>]*value="(\d+)"', refused.get_data(as_text=True)).group(1))

    again = client.post(url, data=_sheet_form(observation, {"1.1": "2"}, version, action="save"))

    db.session.refresh(sheet)
    assert (refused.status_code, again.status_code) == (409, 302)
    assert sheet.score_map() == {"1.1": Decimal("2")}


def test_autosave_answers_json_and_409_when_stale(world, login):
    observation = factories.make_observation(world)
    sheet = _sheet(observation, world.reviewer)
    client = login(world.reviewer)
    url = f"/observations/{observation.id}/sheet/autosave"

    first = client.post(url, data=_sheet_form(observation, {"1.1": "1.5"}, sheet.version))
    stale = client.post(url, data=_sheet_form(observation, {"1.1": "2"}, first.get_json()["version"] - 1))

    assert (first.status_code, first.get_json()["total"]) == (200, "1.50")
    assert stale.status_code == 409
    assert stale.get_json()["ok"] is False


def test_autosave_after_the_finalisation_says_the_observation_is_finalised(world, login):
    observation = factories.make_observation(world)
    factories.submit(_sheet(observation, world.director), factories.full_scores(observation.rubric_version),
                     world.director)
    services.finalize_observation(observation, debrief="", action_points="", actor=world.director, now=utcnow())
    draft = _sheet(observation, world.reviewer)
    client = login(world.reviewer)

    response = client.post(f"/observations/{observation.id}/sheet/autosave",
                           data=_sheet_form(observation, {"1.1": "1"}, draft.version))

    assert response.status_code == 409
    assert response.get_json()["message"] == "Buổi dự giờ này đã chốt kết quả."


def test_double_submit_is_harmless(world, login):
    observation = factories.make_observation(world)
    sheet = _sheet(observation, world.reviewer)
    client = login(world.reviewer)
    data = _sheet_form(observation, factories.full_scores(observation.rubric_version), sheet.version,
                       action="submit")

    first = client.post(f"/observations/{observation.id}/sheet", data=data)
    second = client.post(f"/observations/{observation.id}/sheet", data=data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert db.session.scalar(sa.select(Sheet.state).where(Sheet.id == sheet.id)) == SheetState.SUBMITTED


def test_observers_see_other_sheets_only_after_submitting_their_own(world, login):
    observation = factories.make_observation(world)
    factories.submit(_sheet(observation, world.director), factories.full_scores(observation.rubric_version),
                     world.director, strengths="Bí mật của giám đốc")
    client = login(world.reviewer)

    before = client.get(f"/observations/{observation.id}").get_data(as_text=True)
    factories.submit(_sheet(observation, world.reviewer), factories.full_scores(observation.rubric_version, "1"),
                     world.reviewer)
    after = client.get(f"/observations/{observation.id}").get_data(as_text=True)

    assert "Bí mật của giám đốc" not in before
    assert "Bí mật của giám đốc" in after


def test_an_unannounced_observation_is_hidden_from_the_lecturer_until_final(world, login):
    observation = factories.make_observation(world, lecturer=world.lecturer, unannounced=True)
    client = login(world.lecturer_user)

    hidden = client.get(f"/observations/{observation.id}").status_code
    factories.submit(_sheet(observation, world.reviewer), factories.full_scores(observation.rubric_version),
                     world.reviewer)
    services.finalize_observation(observation, debrief="", action_points="", actor=world.director, now=utcnow())
    shown = client.get(f"/observations/{observation.id}").status_code

    assert (hidden, shown) == (404, 200)


def test_chair_finalises_and_the_lecturer_reads_and_responds(world, login):
    observation = factories.make_observation(world, lecturer=world.lecturer)
    for user, value in ((world.director, "2"), (world.reviewer, "1")):
        factories.submit(_sheet(observation, user), factories.full_scores(observation.rubric_version, value), user,
                         recommendations=f"Góp ý của {user.full_name}")
    director = login(world.director)
    director.post(f"/observations/{observation.id}/finalize",
                  data={"debrief": "Buổi rút kinh nghiệm", "action_points": "Bổ sung ví dụ địa phương"})
    lecturer = factories_client(director.application, world.lecturer_user)

    page = lecturer.get(f"/observations/{observation.id}").get_data(as_text=True)
    lecturer.post(f"/observations/{observation.id}/respond", data={"kind": "acknowledge", "text": "Xin tiếp thu"})

    db.session.refresh(observation)
    assert observation.state == ObservationState.FINALIZED
    assert "Bổ sung ví dụ địa phương" in page and "Góp ý của Phạm Thị Lan" in page
    assert (observation.response.kind, observation.response.text) == ("acknowledge", "Xin tiếp thu")


def factories_client(application, user):
    client = application.test_client()
    client.post("/login", data={"username": user.username, "password": factories.PASSWORD})
    return client


def test_only_the_chair_or_director_finalises(world, login):
    observation = factories.make_observation(world, chair=world.director)
    factories.submit(_sheet(observation, world.reviewer), factories.full_scores(observation.rubric_version),
                     world.reviewer)
    client = login(world.reviewer)

    response = client.post(f"/observations/{observation.id}/finalize", data={"debrief": ""})

    assert response.status_code == 403
    assert db.session.get(Observation, observation.id).state != ObservationState.FINALIZED


def test_director_amends_with_a_reason_and_the_history_shows_both_values(world, login):
    observation = factories.make_observation(world, observers=[world.reviewer])
    factories.submit(observation.sheets[0], factories.full_scores(observation.rubric_version, "1"), world.reviewer)
    services.finalize_observation(observation, debrief="", action_points="", actor=world.director, now=utcnow())
    client = login(world.director)
    form = {"score_" + c.code.replace(".", "_"): "1" for c in observation.rubric_version.criteria}

    missing_reason = client.post(f"/observations/{observation.id}/amend", data={**form, "reason": ""})
    client.post(f"/observations/{observation.id}/amend", data={**form, "score_5_1": "3", "reason": "Chấm nhầm"})

    page = client.get(f"/observations/{observation.id}").get_data(as_text=True)
    assert missing_reason.status_code == 422
    assert "11 → 13" in page or "11.00 → 13.00" in page
    assert "Chấm nhầm" in page


def _finalised_observations(world, count: int) -> Observation:
    observers = [world.director, world.reviewer]
    for _ in range(count):
        observation = factories.make_observation(world, observers=observers)
        for user in observers:
            factories.submit(_sheet(observation, user), factories.full_scores(observation.rubric_version), user)
        services.finalize_observation(observation, debrief="", action_points="", actor=world.director,
                                      now=utcnow())
    return observation


def test_list_and_detail_query_counts_do_not_grow_with_rows(world, login, count_queries):
    client = login(world.director)
    counts = []
    for added in (1, 19):
        observation = _finalised_observations(world, added)
        client.get("/observations")  # warm up: the same work every time from here on
        with count_queries() as listing:
            assert client.get("/observations").status_code == 200
        with count_queries() as detail:
            assert client.get(f"/observations/{observation.id}").status_code == 200
        counts.append((listing.n, detail.n))

    assert counts[0] == counts[1]
    assert counts[0][0] <= 14 and counts[0][1] <= 17, counts  # two of them are the test's savepoint


def test_secretary_cannot_plan_and_lecturer_cannot_list(world, login):
    assert login(world.secretary).get("/observations/new").status_code == 403
    lecturer = factories_client(login(world.director).application, world.lecturer_user)
    assert lecturer.get("/observations").status_code == 403


def test_overseer_reads_but_cannot_finalise(world, login, client):
    observation = factories.make_observation(world, observers=[world.reviewer])
    factories.submit(observation.sheets[0], factories.full_scores(observation.rubric_version), world.reviewer)
    overseer = login(world.overseer)
    overseer.post("/unit", data={"unit_id": str(world.unit.id)})

    assert overseer.get(f"/observations/{observation.id}").status_code == 200
    assert overseer.post(f"/observations/{observation.id}/finalize", data={}).status_code == 403


def test_other_units_cannot_see_an_observation(world, login):
    observation = factories.make_observation(world)

    assert login(world.sibling_director).get(f"/observations/{observation.id}").status_code == 404
