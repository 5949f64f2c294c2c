"""No mass assignment (ASVS 5.0 8.2.3 and 15.3.3; docs/security.md row 19).

Every main create/edit form and API write is sent twice: once with valid data, once with the
same data plus fields a client must not set (``reviewer_id``, ``observer_id``, ``state``,
``unit_id``, ``total``, ``percent``, ``rating``, ``is_admin``, ``id``, ``created_by_id``) carrying
hostile values. The stored records must be the same either way (apart from ids, clocks and the
fields each scenario varies on purpose to avoid a uniqueness clash).
"""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from accounts import services as account_services
from accounts.enums import Role
from accounts.models import RoleGrant, User
from contests.models import Contest, ContestMark
from core.extensions import db
from core.models import utcnow
from lecturers.models import Lecturer, LessonPlan, LessonPlanVersion
from meetings.models import Meeting
from reviews.models import Observation, Sheet
from tests import documents, factories
from tests.contests.helpers import ready_contest

VOLATILE = {"id", "created_at", "updated_at", "version"}
HOSTILE_ID = 987654


def _hostile_form(world) -> dict[str, str]:
    intruder, elsewhere = str(world.outsider.id), str(world.other_province_unit.id)
    return {"reviewer_id": intruder, "observer_id": intruder, "state": "finalized", "unit_id": elsewhere,
            "total": "99", "percent": "100", "rating": "excellent", "is_admin": "y", "id": str(HOSTILE_ID),
            "created_by_id": intruder}


def _hostile_json(world) -> dict:
    return {"reviewer_id": world.outsider.id, "observer_id": world.outsider.id, "state": "finalized",
            "unit_id": world.other_province_unit.id, "total": 99, "percent": 100, "rating": "excellent",
            "is_admin": True, "id": HOSTILE_ID, "created_by_id": world.outsider.id}


def _row(obj, *skip: str) -> dict:
    db.session.refresh(obj)
    row = {column.key: getattr(obj, column.key) for column in sa.inspect(type(obj)).column_attrs
           if column.key not in VOLATILE | set(skip)}
    # Clocks differ between the two requests; whether they are set must not.
    return {key: (value is None) if key.endswith("_at") else value for key, value in row.items()}


def _newest(model):
    return db.session.scalar(sa.select(model).order_by(model.id.desc()).limit(1))


def _token(user) -> dict[str, str]:
    token = account_services.create_api_token(user, name="test", now=utcnow(), lifetime=timedelta(days=1))
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _sheet(observation, user) -> Sheet:
    return next(sheet for sheet in observation.sheets if sheet.observer_id == user.id)


def _score_form(observation, sheet, value: str, **extra) -> dict:
    data = {"score_" + code.replace(".", "_"): score
            for code, score in factories.full_scores(observation.rubric_version, value).items()}
    return {**data, "version": str(sheet.version), "strengths": "Nắm chắc nội dung", **extra}


def _nothing_hostile_stored(row: dict) -> None:
    assert HOSTILE_ID not in row.values()


# --- forms ------------------------------------------------------------------------------------


def test_planning_an_observation(world, login):
    client = login(world.director)
    version = factories.shipped_version()

    def plan(day: str, extra: dict) -> Observation:
        response = client.post("/observations/new", data={
            "kind": "observed_lesson", "lecturer_id": str(world.colleague.id), "version_id": str(version.id),
            "observer_ids": [str(world.reviewer.id), str(world.director.id)], "date": day,
            "topic_id": str(world.topic.id), **extra})
        assert response.status_code == 302, response.get_data(as_text=True)
        return _newest(Observation)

    clean, hostile = plan("2026-03-03", {}), plan("2026-03-10", _hostile_form(world))
    assert _row(clean, "date") == _row(hostile, "date")
    assert sorted(s.observer_id for s in hostile.sheets) == sorted(s.observer_id for s in clean.sheets)
    assert (hostile.unit_id, hostile.state, hostile.planned_by_id) == (world.unit.id, "planned", world.director.id)


@pytest.mark.parametrize("action", ["save", "submit"])
def test_saving_and_submitting_a_score_sheet(world, login, client, action):
    observation = factories.make_observation(world)
    rows = []
    for user, extra in ((world.reviewer, {}), (world.director, _hostile_form(world))):
        client.post("/logout")
        login(user)
        sheet = _sheet(observation, user)
        response = client.post(f"/observations/{observation.id}/sheet",
                               data=_score_form(observation, sheet, "1", action=action, **extra))
        assert response.status_code == 302, response.get_data(as_text=True)
        rows.append((_row(sheet, "observer_id"), sheet.score_map()))
    assert rows[0] == rows[1]
    db.session.refresh(observation)
    assert (observation.state, observation.total, observation.rating) != ("finalized", 99, "excellent")
    assert observation.finalized_at is None


def test_lesson_plan_create_and_edit(world, login):
    client = login(world.lecturer_user)

    def create(title: str, extra: dict) -> LessonPlan:
        response = client.post("/lesson-plans/new", content_type="multipart/form-data", data={
            "title": title, "programme_id": "", "topic_id": str(world.topic.id), "audience": "Đảng viên mới",
            "duration_periods": "4", "aims_knowledge": "Nắm vững Điều lệ", "aims_skills": "", "aims_attitude": "",
            "outline": "I. Mở đầu", "methods": "Thuyết trình", "aids": "", "readings": "",
            "file": (io.BytesIO(documents.docx_bytes()), "Giáo án.docx"), **extra})
        assert response.status_code == 302, response.get_data(as_text=True)
        return _newest(LessonPlan)

    clean, hostile = create("Giáo án một", {}), create("Giáo án hai", _hostile_form(world))
    assert _row(clean, "title") == _row(hostile, "title")
    version = lambda plan: _row(db.session.scalar(sa.select(LessonPlanVersion).where(  # noqa: E731
        LessonPlanVersion.plan_id == plan.id)), "plan_id", "file_id")
    assert version(clean) == version(hostile)


def test_opening_meeting_minutes(world, login):
    client = login(world.secretary)

    def open_minutes(month: str, extra: dict) -> Meeting:
        response = client.post("/meetings/new", data={
            "month": month, "number": "04-BB/TTCT", "held_on": f"{month}-06", "start_time": "07:30",
            "end_time": "10:45", "place": "Hội trường Trung tâm", "chair_id": str(world.director.id),
            "secretary_id": str(world.secretary.id), **extra})
        assert response.status_code == 302, response.get_data(as_text=True)
        return _newest(Meeting)

    clean, hostile = open_minutes("2026-04", {}), open_minutes("2026-05", _hostile_form(world))
    assert _row(clean, "month", "starts_at", "ends_at") == _row(hostile, "month", "starts_at", "ends_at")


def test_editing_a_lecturer(world, login):
    client = login(world.director)
    lecturer = world.colleague
    rows = []
    for extra in ({}, _hostile_form(world)):
        response = client.post(f"/lecturers/{lecturer.id}/edit", data={
            "full_name": "Lê Văn An", "birth_year": "1980", "gender": "male", "kind": "full_time",
            "home_body": "Trung tâm", "position": "Giảng viên", "workload_role": "full_time", "theory_level": "advanced",
            "degree": "master", "start_date": "2015-09-01", "is_active": "y", "user_id": "",
            "version": str(lecturer.version), **extra})
        assert response.status_code == 302, response.get_data(as_text=True)
        rows.append(_row(lecturer))
    assert rows[0] == rows[1]
    assert rows[1]["unit_id"] == world.unit.id


def test_creating_a_contest_and_marking(world, login, client):
    login(world.director)

    def create(name: str, extra: dict) -> Contest:
        response = client.post("/contests/new", data={
            "name": name, "level": "unit", "year": "2026", "eligibility": "all", "aggregation": "mean",
            "tie_break": "", "quota_first": "1", "quota_second": "1", "quota_third": "1", "quota_consolation": "",
            **extra})
        assert response.status_code == 302, response.get_data(as_text=True)
        return _newest(Contest)

    clean, hostile = create("Hội thi một", {}), create("Hội thi hai", _hostile_form(world))
    assert _row(clean, "name") == _row(hostile, "name")
    assert (hostile.unit_id, hostile.organiser_id, hostile.phase) == (world.unit.id, world.director.id, "setup")

    contest, panel, entries = ready_contest(world)
    client.post("/logout")
    login(panel[0])
    marks = []
    for entry, extra in zip(entries, ({}, _hostile_form(world))):
        response = client.post(f"/contests/{contest.id}/entries/{entry.id}/marks",
                               data={"mark_plan": "15", "mark_lecture": "17.5", **extra})
        assert response.status_code == 302, response.get_data(as_text=True)
        marks.append(sorted((m.component_id, m.judge_id, m.points) for m in db.session.scalars(
            sa.select(ContestMark).where(ContestMark.entry_id == entry.id))))
    assert marks[0] == marks[1] and len(marks[0]) == 2


def test_editing_a_user(world, login):
    client = login(world.admin)
    user = world.reviewer
    rows = []
    for extra in ({}, _hostile_form(world)):
        response = client.post(f"/admin/users/{user.id}/edit", data={
            "full_name": "Phạm Thị Lan", "is_enabled": "y", "roles": [f"{world.unit.id}:reviewer"], **extra})
        assert response.status_code == 302, response.get_data(as_text=True)
        rows.append((_row(user, "password_hash"), sorted((g.unit_id, g.role) for g in user.grants)))
    assert rows[0] == rows[1]
    assert not user.is_admin


# --- API (SPEC §6) ----------------------------------------------------------------------------


def _api(client, method: str, user, path: str, **kwargs):
    return client.open("/api/v1" + path, method=method, headers=_token(user), **kwargs)


def test_api_observation_plan_sheet_and_submit(world, client):
    version = factories.shipped_version()
    body = {"lecturer_id": world.lecturer.id, "rubric_id": version.rubric_id, "observer_ids": [world.director.id,
            world.reviewer.id], "kind": "observed_lesson", "topic": "Điều lệ Đảng"}
    ids = []
    for day, extra in (("2026-03-10", {}), ("2026-03-17", _hostile_json(world))):
        response = _api(client, "POST", world.director, "/observations", json={**body, "date": day, **extra})
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    clean, hostile = (db.session.get(Observation, i) for i in ids)
    assert _row(clean, "date") == _row(hostile, "date")

    scores = {c.code: 1 for c in version.criteria}
    sheets = []
    for observation, extra in ((clean, {}), (hostile, _hostile_json(world))):
        path = f"/observations/{observation.id}/my-sheet"
        saved = _api(client, "PUT", world.reviewer, path, json={"scores": scores, "strengths": "Tốt", **extra})
        assert saved.status_code == 200, saved.get_json()
        submitted = _api(client, "POST", world.reviewer, path + "/submit", json=extra or None)
        assert submitted.status_code == 200, submitted.get_json()
        sheet = _sheet(observation, world.reviewer)
        sheets.append((_row(sheet, "observation_id"), sheet.score_map()))
    assert sheets[0] == sheets[1]


def test_api_lecturer_user_and_contest_creation(world, client):
    hostile = _hostile_json(world)
    hostile.pop("unit_id")  # a contract field of lecturers: refused below when it names another unit
    lecturers = []
    for name, extra in (("Đỗ Văn Một", {}), ("Đỗ Văn Hai", hostile)):
        response = _api(client, "POST", world.director, "/lecturers",
                        json={"full_name": name, "kind": "adjunct", **extra})
        assert response.status_code == 201, response.get_json()
        lecturers.append(_row(db.session.get(Lecturer, response.get_json()["id"]), "full_name", "search_name", "sort_key"))
    assert lecturers[0] == lecturers[1]
    refused = _api(client, "POST", world.director, "/lecturers",
                   json={"full_name": "Đỗ Văn Ba", "kind": "adjunct", "unit_id": world.other_province_unit.id})
    assert 400 <= refused.status_code < 500
    assert db.session.scalar(sa.select(Lecturer).where(Lecturer.full_name == "Đỗ Văn Ba")) is None

    users = []
    for username, extra in (("mot.nguoi", {}), ("hai.nguoi", _hostile_json(world))):
        response = _api(client, "POST", world.admin, "/users", json={
            "username": username, "full_name": "Người Mới", "password": "long enough pw",
            "roles": [{"unit_id": world.unit.id, "role": "reviewer"}], **extra})
        assert response.status_code == 201, response.get_json()
        user = db.session.get(User, response.get_json()["id"])
        users.append((_row(user, "username", "password_hash"), sorted((g.unit_id, g.role) for g in user.grants)))
    assert users[0] == users[1]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoleGrant).where(
        RoleGrant.user_id == response.get_json()["id"], RoleGrant.role == Role.ADMIN)) == 0

    contests = []
    for name, extra in (("Hội thi API một", {}), ("Hội thi API hai", _hostile_json(world))):
        response = _api(client, "POST", world.director, "/contests", json={
            "name": name, "level": "unit", "year": 2026, "aggregation": "mean",
            "components": [{"code": "plan", "name": "Soạn giáo án", "max_points": 20, "weight": 1}],
            "tie_break": ["plan"], "prize_quotas": {"first": 1, "second": 1, "third": None, "consolation": None},
            **extra})
        assert response.status_code == 201, response.get_json()
        contests.append(_row(db.session.get(Contest, response.get_json()["id"]), "name"))
    assert contests[0] == contests[1]


def test_api_contest_marks(world, client):
    contest, panel, entries = ready_contest(world)
    marks = []
    for entry, extra in zip(entries, ({}, _hostile_json(world))):
        response = _api(client, "PUT", panel[0], f"/contests/{contest.id}/entries/{entry.id}/my-marks",
                        json={"marks": {"plan": 15, "lecture": 17.5}, **extra})
        assert response.status_code == 200, response.get_json()
        marks.append(sorted((m.component_id, m.judge_id, m.points) for m in db.session.scalars(
            sa.select(ContestMark).where(ContestMark.entry_id == entry.id))))
    assert marks[0] == marks[1] and len(marks[0]) == 2


def test_api_lesson_plan_create(world, client):
    plans = []
    for title, extra in (("Giáo án API một", {}), ("Giáo án API hai", _hostile_form(world))):
        response = _api(client, "POST", world.lecturer_user, "/lesson-plans", content_type="multipart/form-data",
                        data={"title": title, "topic_id": str(world.topic.id),
                              "file": (io.BytesIO(documents.docx_bytes()), "Giáo án.docx"), **extra})
        assert response.status_code == 201, response.get_json()
        plan = db.session.get(LessonPlan, response.get_json()["id"])
        version = db.session.scalar(sa.select(LessonPlanVersion).where(LessonPlanVersion.plan_id == plan.id))
        plans.append((_row(plan, "title"), _row(version, "plan_id", "file_id")))
    assert plans[0] == plans[1]
