from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from lecturers.models import Lecturer, TeachingSession, Topic, TrainingClass


def _lecturer_form(**overrides) -> dict:
    form = {"full_name": "Nguyễn Thị Hương Giang", "birth_year": "1985", "gender": "female", "kind": "adjunct",
            "home_body": "Ban Tổ chức Huyện ủy", "position": "Phó Trưởng ban", "workload_role": "adjunct",
            "theory_level": "advanced", "degree": "master", "start_date": "2020-09-01", "is_active": "y",
            "user_id": ""}
    form.update(overrides)
    return form


def test_director_adds_a_lecturer(world, login):
    client = login(world.director)

    response = client.post("/lecturers/new", data=_lecturer_form(topic_ids=[str(world.topic.id)]))

    lecturer = db.session.scalar(sa.select(Lecturer).where(Lecturer.full_name == "Nguyễn Thị Hương Giang"))
    assert response.status_code == 302
    assert (lecturer.kind, lecturer.home_body, [t.id for t in lecturer.topics]) == (
        "adjunct", "Ban Tổ chức Huyện ủy", [world.topic.id])


def test_invalid_lecturer_form_is_a_422_that_keeps_the_input(world, login):
    client = login(world.director)

    response = client.post("/lecturers/new", data=_lecturer_form(full_name="", birth_year="abc"))

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Ban Tổ chức Huyện ủy"' in page
    assert 'value="Phó Trưởng ban"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lecturer)) == 3


def test_stale_edit_gets_409_and_keeps_the_second_writers_input(world, login):
    client = login(world.director)
    version = str(world.colleague.version)
    client.post(f"/lecturers/{world.colleague.id}/edit", data=_lecturer_form(full_name="Lê Văn An", version=version,
                                                                              position="Người thứ nhất"))

    response = client.post(f"/lecturers/{world.colleague.id}/edit",
                           data=_lecturer_form(full_name="Lê Văn An", version=version, position="Người thứ hai"))

    assert response.status_code == 409
    assert 'value="Người thứ hai"' in response.get_data(as_text=True)
    db.session.refresh(world.colleague)
    assert world.colleague.position == "Người thứ nhất"


def test_posted_unit_id_cannot_move_a_lecturer_to_another_unit(world, login):
    client = login(world.director)

    client.post(f"/lecturers/{world.colleague.id}/edit",
                data=_lecturer_form(full_name="Lê Văn An", unit_id=str(world.sibling.id)))

    db.session.refresh(world.colleague)
    assert world.colleague.unit_id == world.unit.id


def test_director_deactivates_and_reactivates_a_lecturer(world, login):
    client = login(world.director)

    client.post(f"/lecturers/{world.colleague.id}/active")
    db.session.refresh(world.colleague)
    deactivated = world.colleague.is_active
    client.post(f"/lecturers/{world.colleague.id}/active")
    db.session.refresh(world.colleague)

    assert (deactivated, world.colleague.is_active) == (False, True)


def test_list_search_without_diacritics_finds_the_lecturer(world, login):
    client = login(world.reviewer)

    page = client.get("/lecturers?q=tran+thi+huong").get_data(as_text=True)

    assert "Trần Thị Hương" in page
    assert "Lê Văn An" not in page


def test_director_creates_a_class_and_a_session(world, login):
    client = login(world.director)
    response = client.post("/classes/new", data={
        "programme_id": str(world.programme.id), "name": "Lớp cụm xã Kim Liên", "start_date": "2026-06-01",
        "end_date": "2026-06-05", "place": "Hội trường xã Kim Liên", "is_cluster": "y", "learner_count": "80",
        "status": "planned"})
    training_class = db.session.scalar(sa.select(TrainingClass).where(TrainingClass.name == "Lớp cụm xã Kim Liên"))

    client.post(f"/classes/{training_class.id}/sessions", data={
        "topic_id": str(world.topic.id), "lecturer_id": str(world.colleague.id), "date": "2026-06-02",
        "periods": "4", "note": ""})

    assert response.status_code == 302
    assert [(s.lecturer_id, s.periods) for s in training_class.sessions] == [(world.colleague.id, 4)]


def test_class_with_dates_in_the_wrong_order_is_a_422(world, login):
    client = login(world.director)

    response = client.post("/classes/new", data={
        "programme_id": str(world.programme.id), "name": "Lớp sai ngày", "start_date": "2026-06-05",
        "end_date": "2026-06-01", "learner_count": "10", "status": "planned"})

    assert response.status_code == 422
    assert 'value="Lớp sai ngày"' in response.get_data(as_text=True)


def test_session_outside_the_class_dates_is_a_422_and_nothing_is_stored(world, login):
    client = login(world.director)

    response = client.post(f"/classes/{world.training_class.id}/sessions", data={
        "topic_id": str(world.topic.id), "lecturer_id": str(world.colleague.id), "date": "2027-01-01",
        "periods": "4"})

    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TeachingSession)) == 1


def test_director_adds_a_topic_to_a_programme(world, login):
    client = login(world.director)

    client.post(f"/programmes/{world.programme.id}/topics/new",
                data={"code": "B9", "title": "Lịch sử Đảng bộ địa phương", "periods": "4", "is_active": "y"})

    assert db.session.scalar(sa.select(Topic.title).where(Topic.code == "B9")) == "Lịch sử Đảng bộ địa phương"


def test_workload_page_shows_hours_against_norm(world, login):
    client = login(world.director)

    page = client.get("/workload?year=2026").get_data(as_text=True)

    assert "Trần Thị Hương" in page
    assert ">4</td>" in page
    assert ">120</td>" in page


def test_lecturer_sees_their_own_page(world, login):
    client = login(world.lecturer_user)

    response = client.get(f"/lecturers/{world.lecturer.id}")

    assert response.status_code == 200
    assert "Trần Thị Hương" in response.get_data(as_text=True)
