from __future__ import annotations

import sqlalchemy as sa

from accounts.enums import Role
from accounts.models import LoginSession, Unit, User
from core.extensions import db
from tests import factories


def test_admin_creates_a_unit(world, login):
    client = login(world.admin)

    response = client.post("/admin/units/new", data={
        "province_id": str(world.province.id), "name": "Trung tâm Chính trị huyện Thanh Chương",
        "kind": "district_centre", "is_active": "y", "norm_director": "40", "norm_deputy": "60",
        "norm_full_time": "120", "norm_full_time_admin": "90", "norm_adjunct": "0"})

    assert response.status_code == 302
    assert db.session.scalar(sa.select(Unit.kind).where(Unit.name == "Trung tâm Chính trị huyện Thanh Chương")) \
        == "district_centre"


def test_duplicate_unit_name_in_a_province_is_a_422(world, login):
    client = login(world.admin)

    response = client.post("/admin/units/new", data={
        "province_id": str(world.province.id), "name": world.unit.name, "kind": "district_centre",
        "norm_director": "40", "norm_deputy": "60", "norm_full_time": "120", "norm_full_time_admin": "90",
        "norm_adjunct": "0"})

    assert response.status_code == 422


def test_admin_creates_a_user_with_a_set_of_roles_per_unit(world, login):
    client = login(world.admin)

    client.post("/admin/users/new", data={
        "username": "giangvien2", "full_name": "Hồ Thị Yến", "password": "mật khẩu dài",
        "roles": [f"{world.unit.id}:lecturer", f"{world.unit.id}:reviewer", f"{world.sibling.id}:reviewer"],
        "is_enabled": "y"})

    user = db.session.scalar(sa.select(User).where(User.username == "giangvien2"))
    assert sorted((g.unit_id, g.role) for g in user.grants) == sorted([
        (world.unit.id, "lecturer"), (world.unit.id, "reviewer"), (world.sibling.id, "reviewer")])


def test_user_form_with_a_short_password_keeps_the_other_input(world, login):
    client = login(world.admin)

    response = client.post("/admin/users/new", data={"username": "ngan", "full_name": "Hồ Thị Yến",
                                                     "password": "short", "roles": []})

    assert response.status_code == 422
    assert 'value="Hồ Thị Yến"' in response.get_data(as_text=True)


def test_unknown_role_choice_is_refused(world, login):
    client = login(world.admin)

    response = client.post("/admin/users/new", data={"username": "x123", "full_name": "X", "password": "long enough",
                                                     "roles": ["999:superuser"]})

    assert response.status_code == 422


def test_admin_deactivates_a_user_and_their_sessions_end(world, login, app):
    factories_client = app.test_client()
    factories_client.post("/login", data={"username": "reviewer", "password": factories.PASSWORD})
    client = login(world.admin)

    client.post(f"/admin/users/{world.reviewer.id}/edit", data={"full_name": world.reviewer.full_name,
                                                                "roles": [f"{world.unit.id}:reviewer"]})

    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession)
                             .where(LoginSession.user_id == world.reviewer.id)) == 0
    assert factories_client.get("/home").status_code == 302


def test_admin_cannot_deactivate_themselves(world, login):
    client = login(world.admin)

    response = client.post(f"/admin/users/{world.admin.id}/edit", data={"full_name": "A",
                                                                        "roles": [f"{world.unit.id}:admin"]})

    assert response.status_code == 422
    db.session.refresh(world.admin)
    assert world.admin.is_enabled is True


def test_reset_password_gives_a_working_one_time_password(world, login, app):
    client = login(world.admin)

    page = client.post(f"/admin/users/{world.secretary.id}/reset-password", follow_redirects=True) \
        .get_data(as_text=True)

    db.session.refresh(world.secretary)
    assert not world.secretary.check_password(factories.PASSWORD)


def test_overseer_roles_cover_every_unit_of_their_province_only(world):
    overseer = world.overseer

    assert overseer.roles_in(world.unit.id, world.province.id) == {Role.OVERSEER}
    assert overseer.roles_in(world.other_province_unit.id, world.other_province_unit.province_id) == set()


def test_roles_are_a_set_per_unit(world):
    user = factories.make_user((world.unit, Role.LECTURER), (world.unit, Role.REVIEWER),
                               (world.sibling, Role.SECRETARY))

    assert user.roles_in(world.unit.id) == {Role.LECTURER, Role.REVIEWER}
    assert user.roles_in(world.sibling.id) == {Role.SECRETARY}
