"""The JSON API (SPEC §4, §6): tokens, the current user, users and lecturers; JSON errors on
every /api/ path; the OpenAPI document; the ``flask tokens create`` command."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from accounts.enums import Role
from accounts.models import ApiToken, User
from accounts.queries import working_units
from core.extensions import db
from core.models import utcnow
from core.vietnamese import name_sort_key
from lecturers.models import Lecturer
from tests import factories

API = "/api/v1"
ME_KEYS = {"id", "username", "full_name", "roles", "lecturer_id"}
LECTURER_KEYS = {"id", "full_name", "kind", "unit_id", "active"}


def token_for(client, user: User, password: str = factories.PASSWORD) -> str:
    response = client.post(f"{API}/tokens", json={"username": user.username, "password": password})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


class ApiClient:
    """Requests to the API with one user's bearer token."""

    def __init__(self, client, token: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **kwargs):
        return self.client.get(API + path, headers=self.headers, **kwargs)

    def post(self, path: str, **kwargs):
        return self.client.post(API + path, headers=self.headers, **kwargs)


@pytest.fixture
def api_as(client):
    def _as(user: User) -> ApiClient:
        return ApiClient(client, token_for(client, user))

    return _as


@pytest.fixture
def openapi(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def assert_error(response, status: int) -> dict:
    """``response`` is the JSON error of SPEC §4: exactly ``{"error": {"code", "message"}}``."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def assert_conforms(openapi: dict, response) -> None:
    """The response's body validates against the schema the document gives for its status."""
    path = response.request.path.removeprefix(API)
    method = response.request.method.lower()
    template = next((template for template in openapi["paths"]
                     if re.fullmatch(re.sub(r"\{[^}/]+\}", "[^/]+", template), path)), None)
    assert template is not None, f"{path} is not documented"
    documented = openapi["paths"][template][method]["responses"].get(str(response.status_code))
    assert documented is not None, f"{method.upper()} {template} does not document {response.status_code}"
    schema = documented["content"]["application/json"]["schema"]
    # OAS30Validator understands OpenAPI 3.0's ``nullable``; the components travel along for $ref.
    validator = OAS30Validator({"allOf": [schema], "components": openapi["components"]})
    errors = sorted(error.message for error in validator.iter_errors(response.get_json()))
    assert errors == [], f"{method.upper()} {template} {response.status_code}: {errors}"


# --- POST /tokens -------------------------------------------------------------------------


def test_token_is_created_for_the_right_password_and_opens_the_api(client, world, openapi):
    response = client.post(f"{API}/tokens", json={"username": "director", "password": factories.PASSWORD})

    assert response.status_code == 201
    assert_conforms(openapi, response)
    token = response.get_json()["token"]
    assert isinstance(token, str) and len(token) >= 32
    assert "Set-Cookie" not in response.headers  # the API keeps no session
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.get_json()["username"] == "director"
    stored = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == world.director.id)).all()
    assert [row.digest for row in stored] == [ApiToken.digest_of(token)]  # only the digest is kept


@pytest.mark.parametrize("username, password", [
    ("director", "wrong password"),
    ("nobody", factories.PASSWORD),
    ("DIRECTOR", factories.PASSWORD),
])
def test_wrong_credentials_are_refused_with_401(client, world, openapi, username, password):
    response = client.post(f"{API}/tokens", json={"username": username, "password": password})

    assert assert_error(response, 401)["code"] == "unauthorized"
    assert_conforms(openapi, response)


def test_a_disabled_account_gets_no_token(client, world):
    world.director.is_enabled = False
    db.session.flush()

    response = client.post(f"{API}/tokens", json={"username": "director", "password": factories.PASSWORD})

    assert_error(response, 401)


@pytest.mark.parametrize("kwargs", [
    {"json": {}},
    {"json": {"username": "director"}},
    {"json": {"password": factories.PASSWORD}},
    {"json": {"username": "", "password": factories.PASSWORD}},
    {"json": {"username": 7, "password": factories.PASSWORD}},
    {"json": {"username": "director", "password": ["x"]}},
    {"json": {"username": "director", "password": None}},
    {"json": {"username": "d" * 65, "password": factories.PASSWORD}},
    {"json": ["director", factories.PASSWORD]},
    {"json": "director"},
    {"json": None},
    {"data": "username=director&password=x", "content_type": "application/x-www-form-urlencoded"},
    {"data": "{not json", "content_type": "application/json"},
    {"data": b"\xff\xfe{}", "content_type": "application/json"},
    {"data": "[" * 100_000, "content_type": "application/json"},
    {},
], ids=["empty", "no-password", "no-username", "blank-username", "number", "list-password", "null-password",
        "long-username", "array", "string", "null", "form", "malformed", "not-utf8", "deeply-nested", "no-body"])
def test_malformed_token_requests_get_a_json_4xx_never_a_500(client, world, kwargs):
    response = client.post(f"{API}/tokens", **kwargs)

    assert response.status_code in (400, 422)
    assert_error(response, response.status_code)


# --- GET /me ------------------------------------------------------------------------------


def test_me_describes_a_lecturer_with_their_profile(api_as, world, openapi):
    response = api_as(world.lecturer_user).get("/me")

    assert response.status_code == 200
    assert_conforms(openapi, response)
    body = response.get_json()
    assert ME_KEYS <= set(body)
    assert body["id"] == world.lecturer_user.id
    assert body["username"] == "lecturer"
    assert body["full_name"] == "Trần Thị Hương"
    assert body["roles"] == [{"unit_id": world.unit.id, "role": "lecturer"}]
    assert body["lecturer_id"] == world.lecturer.id


def test_me_has_a_null_lecturer_id_without_a_profile_and_lists_every_role(api_as, world, openapi):
    response = api_as(world.director).get("/me")

    assert response.status_code == 200
    assert_conforms(openapi, response)
    body = response.get_json()
    assert body["lecturer_id"] is None
    assert sorted((role["unit_id"], role["role"]) for role in body["roles"]) == [
        (world.unit.id, "director"), (world.unit.id, "reviewer")]
    assert all(set(role) >= {"unit_id", "role"} for role in body["roles"])


def test_me_without_a_token_is_401(client, world, openapi):
    response = client.get(f"{API}/me")

    assert assert_error(response, 401)["code"] == "unauthorized"
    assert_conforms(openapi, response)


# --- /users -------------------------------------------------------------------------------


def test_admin_lists_users(api_as, world, openapi):
    response = api_as(world.admin).get("/users")

    assert response.status_code == 200
    assert_conforms(openapi, response)
    users = {user["username"]: user for user in response.get_json()["items"]}
    assert {"admin", "director", "reviewer", "secretary", "lecturer", "overseer"} <= set(users)
    assert users["lecturer"]["lecturer_id"] == world.lecturer.id
    assert all(ME_KEYS <= set(user) for user in users.values())


@pytest.mark.parametrize("role", ["director", "reviewer", "secretary", "lecturer", "overseer", "outsider"])
def test_only_admins_may_list_or_create_users(api_as, world, role):
    api = api_as(world.user(role))

    assert_error(api.get("/users"), 403)
    response = api.post("/users", json={"username": "newbie", "full_name": "Người Mới",
                                        "password": "long enough pw", "roles": []})
    assert_error(response, 403)
    assert db.session.scalar(sa.select(User).where(User.username == "newbie")) is None


def test_users_need_a_token(client, world):
    assert_error(client.get(f"{API}/users"), 401)
    assert_error(client.post(f"{API}/users", json={}), 401)


def test_admin_creates_a_user_who_can_then_get_a_token(client, api_as, world, openapi):
    response = api_as(world.admin).post("/users", json={
        "username": "ngoc.anh", "full_name": "Vũ Ngọc Ánh", "password": "mật khẩu dài",
        "roles": [{"unit_id": world.unit.id, "role": "reviewer"},
                  {"unit_id": world.sibling.id, "role": "secretary"}]})

    assert response.status_code == 201
    assert_conforms(openapi, response)
    body = response.get_json()
    assert isinstance(body["id"], int)
    assert body["username"] == "ngoc.anh"
    assert body["lecturer_id"] is None
    assert sorted((role["unit_id"], role["role"]) for role in body["roles"]) == sorted([
        (world.unit.id, "reviewer"), (world.sibling.id, "secretary")])
    token = token_for(client, db.session.get(User, body["id"]), password="mật khẩu dài")
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert (me["id"], me["full_name"]) == (body["id"], "Vũ Ngọc Ánh")


def test_a_user_created_inactive_cannot_get_a_token(client, api_as, world):
    response = api_as(world.admin).post("/users", json={
        "username": "later", "full_name": "Sau Này", "password": "long enough pw", "roles": [], "active": False})

    assert response.status_code == 201
    assert response.get_json()["active"] is False
    assert_error(client.post(f"{API}/tokens", json={"username": "later", "password": "long enough pw"}), 401)


def test_a_duplicate_username_is_422(api_as, world):
    response = api_as(world.admin).post("/users", json={
        "username": "director", "full_name": "Trùng Tên", "password": "long enough pw", "roles": []})

    assert assert_error(response, 422)["code"] == "invalid"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.username == "director")) == 1


@pytest.mark.parametrize("roles", [
    "reviewer",
    {"unit_id": 1, "role": "reviewer"},
    [{"role": "reviewer"}],
    [{"unit_id": "UNIT", "role": "reviewer"}],
    [{"unit_id": "UNIT", "role": "dean"}],
    [{"unit_id": "UNIT", "role": ["reviewer"]}],
    [{"unit_id": "UNIT"}],
    [{"unit_id": True, "role": "reviewer"}],
    [{"unit_id": 999_999, "role": "reviewer"}],
    [{"unit_id": 10**30, "role": "reviewer"}],
    [{"unit_id": -1, "role": "reviewer"}],
    ["UNIT:reviewer"],
    None,
], ids=["string", "object", "no-unit", "unit-as-text", "unknown-role", "role-list", "no-role", "unit-true",
        "unknown-unit", "huge-unit", "negative-unit", "ui-format", "null"])
def test_bad_roles_are_422(api_as, world, roles):
    def fill(value):
        if value == "UNIT":
            return str(world.unit.id)
        if isinstance(value, list):
            return [fill(item) for item in value]
        if isinstance(value, dict):
            return {key: fill(item) for key, item in value.items()}
        return value

    response = api_as(world.admin).post("/users", json={
        "username": "newbie", "full_name": "Người Mới", "password": "long enough pw", "roles": fill(roles)})

    assert_error(response, 422)
    assert db.session.scalar(sa.select(User).where(User.username == "newbie")) is None


@pytest.mark.parametrize("changes", [
    {"password": "short"},
    {"password": "x" * 129},
    {"password": None},
    {"username": "ab"},
    {"username": "có dấu"},
    {"username": "two words"},
    {"username": "x" * 65},
    {"full_name": "   "},
    {"full_name": None},
    {"full_name": "N" * 201},
    {"active": "yes"},
], ids=["short-password", "long-password", "no-password", "short-username", "accented-username",
        "spaced-username", "long-username", "blank-name", "no-name", "long-name", "active-text"])
def test_invalid_users_are_422(api_as, world, changes):
    payload = {"username": "newbie", "full_name": "Người Mới", "password": "long enough pw", "roles": []}

    response = api_as(world.admin).post("/users", json={**payload, **changes})

    assert_error(response, 422)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.username == changes.get("username", "newbie"))) == 0


def test_user_creation_with_a_non_object_body_is_400(api_as, world):
    assert_error(api_as(world.admin).post("/users", json=[{"username": "newbie"}]), 400)


# --- GET /lecturers -----------------------------------------------------------------------


def _names(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [lecturer["full_name"] for lecturer in response.get_json()["items"]]


@pytest.mark.parametrize("role", ["director", "reviewer", "secretary"])
def test_staff_list_the_lecturers_of_their_unit(api_as, world, openapi, role):
    response = api_as(world.user(role)).get("/lecturers")

    assert response.status_code == 200
    assert_conforms(openapi, response)
    items = response.get_json()["items"]
    assert [item["full_name"] for item in items] == ["Lê Văn An", "Trần Thị Hương"]  # by given name
    assert all(LECTURER_KEYS <= set(item) and item["unit_id"] == world.unit.id for item in items)


@pytest.mark.parametrize("role", ["lecturer", "admin"])
def test_lecturers_and_admins_may_not_list_lecturers(api_as, world, role):
    assert_error(api_as(world.user(role)).get("/lecturers"), 403)


def test_listing_lecturers_needs_a_token(client, world):
    assert_error(client.get(f"{API}/lecturers"), 401)


def test_unit_id_picks_another_unit_the_caller_works_in(api_as, world):
    two_units = factories.make_user((world.unit, Role.REVIEWER), (world.sibling, Role.SECRETARY), username="both")
    factories.make_lecturer(world.sibling, full_name="Hoàng Văn Minh")
    api = api_as(two_units)

    assert _names(api.get("/lecturers", query_string={"unit_id": world.sibling.id})) == ["Hoàng Văn Minh"]
    assert _names(api.get("/lecturers", query_string={"unit_id": world.unit.id})) == ["Lê Văn An", "Trần Thị Hương"]


@pytest.mark.parametrize("unit", ["sibling", "other_province_unit", "missing"])
def test_unit_id_of_a_unit_the_caller_does_not_work_in_is_403(api_as, world, unit):
    unit_id = 999_999 if unit == "missing" else getattr(world, unit).id

    response = api_as(world.director).get("/lecturers", query_string={"unit_id": unit_id})

    assert_error(response, 403)  # not silently the caller's own unit; a missing unit looks the same


@pytest.mark.parametrize("unit_id", ["abc", "", "-1", "1.5"])
def test_a_malformed_unit_id_is_400(api_as, world, unit_id):
    assert_error(api_as(world.director).get("/lecturers", query_string={"unit_id": unit_id}), 400)


def test_an_overseer_reads_every_unit_of_their_province_and_no_other(api_as, world):
    factories.make_lecturer(world.sibling, full_name="Hoàng Văn Minh")
    api = api_as(world.overseer)

    assert _names(api.get("/lecturers", query_string={"unit_id": world.unit.id})) == ["Lê Văn An", "Trần Thị Hương"]
    assert _names(api.get("/lecturers", query_string={"unit_id": world.sibling.id})) == ["Hoàng Văn Minh"]
    assert_error(api.get("/lecturers", query_string={"unit_id": world.other_province_unit.id}), 403)


def test_the_list_filters_like_the_page(api_as, world):
    world.colleague.is_active = False
    db.session.flush()
    api = api_as(world.director)

    assert _names(api.get("/lecturers")) == ["Trần Thị Hương"]
    assert _names(api.get("/lecturers", query_string={"inactive": "1"})) == ["Lê Văn An", "Trần Thị Hương"]
    assert _names(api.get("/lecturers", query_string={"inactive": "1", "kind": "adjunct"})) == ["Lê Văn An"]
    assert _names(api.get("/lecturers", query_string={"q": "tran thi"})) == ["Trần Thị Hương"]
    assert_error(api.get("/lecturers", query_string={"kind": "part_time"}), 400)


# --- GET /lecturers/{id} ------------------------------------------------------------------


def test_a_lecturer_record_has_the_contract_fields(api_as, world, openapi):
    api = api_as(world.director)

    for lecturer, kind in ((world.lecturer, "full_time"), (world.colleague, "adjunct")):
        response = api.get(f"/lecturers/{lecturer.id}")
        assert response.status_code == 200
        assert_conforms(openapi, response)
        body = response.get_json()
        assert {key: body[key] for key in LECTURER_KEYS} == {
            "id": lecturer.id, "full_name": lecturer.full_name, "kind": kind, "unit_id": world.unit.id,
            "active": True}


@pytest.mark.parametrize("role, lecturer, status", [
    ("director", "outsider_lecturer", 404),
    ("reviewer", "outsider_lecturer", 404),
    ("sibling_director", "lecturer", 404),
    ("outsider", "colleague", 404),
    ("overseer", "colleague", 200),
    ("overseer", "outsider_lecturer", 404),
    ("secretary", "colleague", 200),
    ("lecturer", "lecturer", 200),
    ("lecturer", "colleague", 404),
    ("admin", "lecturer", 404),  # as on the lecturer page: administrators have no power over records
])
def test_who_may_read_a_lecturer(api_as, world, openapi, role, lecturer, status):
    response = api_as(world.user(role)).get(f"/lecturers/{getattr(world, lecturer).id}")

    if status == 200:
        assert response.status_code == 200
        assert response.get_json()["id"] == getattr(world, lecturer).id
    else:
        assert assert_error(response, status)["code"] == "not_found"
    assert_conforms(openapi, response)


@pytest.mark.parametrize("path", ["/lecturers/999999", f"/lecturers/{10**20}", f"/lecturers/{2**31}",
                                  "/lecturers/abc", "/lecturers/-1"])
def test_unknown_lecturers_are_404(api_as, world, path):
    assert_error(api_as(world.director).get(path), 404)


def test_reading_a_lecturer_needs_a_token(client, world):
    assert_error(client.get(f"{API}/lecturers/{world.lecturer.id}"), 401)


# --- POST /lecturers ----------------------------------------------------------------------


def test_a_director_adds_lecturers_who_appear_in_vietnamese_name_order(api_as, world, openapi):
    api = api_as(world.director)

    first = api.post("/lecturers", json={"full_name": "Vũ Văn Bảo", "kind": "adjunct"})
    second = api.post("/lecturers", json={"full_name": "  Nguyễn   Thị Ánh ", "kind": "full_time", "active": True})

    assert first.status_code == second.status_code == 201
    assert_conforms(openapi, first)
    body = first.get_json()
    assert {key: body[key] for key in LECTURER_KEYS - {"id"}} == {
        "full_name": "Vũ Văn Bảo", "kind": "adjunct", "unit_id": world.unit.id, "active": True}
    assert second.get_json()["full_name"] == "Nguyễn Thị Ánh"
    assert db.session.get(Lecturer, body["id"]).workload_role == "adjunct"
    names = _names(api.get("/lecturers"))
    # Given name first, in the Vietnamese alphabet: An < Ánh < Bảo < Hương (code points would put Ánh last).
    assert names == ["Lê Văn An", "Nguyễn Thị Ánh", "Vũ Văn Bảo", "Trần Thị Hương"]
    assert names == sorted(names, key=name_sort_key)
    fetched = api.get(f"/lecturers/{body['id']}")
    assert fetched.status_code == 200 and fetched.get_json() == body


def test_the_kind_defaults_to_full_time_and_optional_fields_are_kept(api_as, world):
    response = api_as(world.director).post("/lecturers", json={
        "full_name": "Đỗ Thị Dung", "birth_year": 1985, "gender": "female", "position": "Giảng viên",
        "home_body": "", "unit_id": world.unit.id})

    assert response.status_code == 201
    body = response.get_json()
    assert (body["kind"], body["birth_year"], body["gender"], body["position"]) == (
        "full_time", 1985, "female", "Giảng viên")


def test_an_inactive_lecturer_is_created_but_left_off_the_default_list(api_as, world):
    api = api_as(world.director)

    response = api.post("/lecturers", json={"full_name": "Đinh Văn Cường", "active": False})

    assert response.status_code == 201 and response.get_json()["active"] is False
    assert "Đinh Văn Cường" not in _names(api.get("/lecturers"))
    assert "Đinh Văn Cường" in _names(api.get("/lecturers", query_string={"inactive": "1"}))


@pytest.mark.parametrize("unit", ["sibling", "other_province_unit", "board", "missing"])
def test_a_director_may_not_add_lecturers_to_a_unit_they_do_not_direct(api_as, world, unit):
    unit_id = 999_999 if unit == "missing" else getattr(world, unit).id

    response = api_as(world.director).post("/lecturers", json={"full_name": "Hoàng Văn Minh", "unit_id": unit_id})

    assert assert_error(response, 403)["code"] == "forbidden"
    assert db.session.scalar(sa.select(Lecturer).where(Lecturer.full_name == "Hoàng Văn Minh")) is None


def test_a_director_whose_default_unit_is_another_adds_to_the_unit_they_direct(api_as, world):
    # Reviewer in the sibling, which comes first among their units (their default unit);
    # director only in the world's unit.
    user = factories.make_user((world.sibling, Role.REVIEWER), (world.unit, Role.DIRECTOR), username="both")
    assert working_units(user)[0] == world.sibling
    api = api_as(user)

    by_default = api.post("/lecturers", json={"full_name": "Hoàng Văn Minh"})
    explicit = api.post("/lecturers", json={"full_name": "Hoàng Thị Nga", "unit_id": world.unit.id})

    assert (by_default.status_code, explicit.status_code) == (201, 201)
    assert by_default.get_json()["unit_id"] == explicit.get_json()["unit_id"] == world.unit.id
    assert_error(api.post("/lecturers", json={"full_name": "Hoàng Văn Minh", "unit_id": world.sibling.id}), 403)


def test_a_director_of_several_units_must_name_one_unless_working_in_one(api_as, world):
    user = factories.make_user((world.board, Role.SECRETARY), (world.unit, Role.DIRECTOR),
                               (world.sibling, Role.DIRECTOR), username="many")
    assert working_units(user)[0] == world.board
    api = api_as(user)

    assert_error(api.post("/lecturers", json={"full_name": "Hoàng Văn Minh"}), 422)
    in_sibling = api.post("/lecturers", json={"full_name": "Hoàng Văn Minh"},
                          query_string={"unit_id": world.sibling.id})
    assert (in_sibling.status_code, in_sibling.get_json()["unit_id"]) == (201, world.sibling.id)


@pytest.mark.parametrize("role", ["reviewer", "secretary", "lecturer", "overseer", "admin"])
def test_only_directors_add_lecturers(api_as, world, role):
    response = api_as(world.user(role)).post("/lecturers", json={"full_name": "Hoàng Văn Minh"})

    assert_error(response, 403)
    assert db.session.scalar(sa.select(Lecturer).where(Lecturer.full_name == "Hoàng Văn Minh")) is None


@pytest.mark.parametrize("changes", [
    {"kind": "part_time"},
    {"kind": None},
    {"kind": ["adjunct"]},
    {"active": "true"},
    {"active": 1},
    {"active": None},
    {"full_name": ""},
    {"full_name": "   "},
    {"full_name": None},
    {"full_name": 42},
    {"full_name": "N" * 201},
    {"unit_id": "UNIT"},
    {"unit_id": True},
    {"unit_id": 1.5},
    {"birth_year": 1800},
    {"birth_year": "1985"},
    {"gender": "other"},
    {"gender": ["female"]},
    {"position": 3},
], ids=["kind-unknown", "kind-null", "kind-list", "active-text", "active-number", "active-null", "name-empty",
        "name-blank", "name-null", "name-number", "name-long", "unit-text", "unit-true", "unit-float",
        "birth-year-old", "birth-year-text", "gender-unknown", "gender-list",
        "position-number"])
def test_invalid_lecturers_are_422(api_as, world, changes):
    if changes.get("unit_id") == "UNIT":
        changes = {"unit_id": str(world.unit.id)}

    response = api_as(world.director).post("/lecturers", json={"full_name": "Hoàng Văn Minh", **changes})

    assert_error(response, 422)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lecturer)) == 3


def test_lecturer_creation_with_a_non_object_body_is_400(api_as, world):
    assert_error(api_as(world.director).post("/lecturers", json=["Hoàng Văn Minh"]), 400)
    assert_error(api_as(world.director).post("/lecturers", data="full_name=x",
                                             content_type="application/x-www-form-urlencoded"), 400)


def test_adding_a_lecturer_needs_a_token(client, world):
    assert_error(client.post(f"{API}/lecturers", json={"full_name": "Hoàng Văn Minh"}), 401)


# --- authentication -----------------------------------------------------------------------


def test_a_session_cookie_alone_opens_no_api_route(client, world, login):
    login(world.director)
    assert client.get("/home").status_code == 200  # the cookie is live for pages

    assert_error(client.get(f"{API}/me"), 401)
    assert_error(client.get(f"{API}/lecturers"), 401)
    assert_error(client.post(f"{API}/lecturers", json={"full_name": "Hoàng Văn Minh"}), 401)
    assert db.session.scalar(sa.select(Lecturer).where(Lecturer.full_name == "Hoàng Văn Minh")) is None


def test_the_bearer_token_decides_who_calls_even_with_a_cookie(client, world, login):
    token = token_for(client, world.lecturer_user)
    login(world.director)

    response = client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"})

    assert response.get_json()["username"] == "lecturer"


def test_an_expired_token_is_401(client, world):
    token = token_for(client, world.director)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{API}/me", headers=headers).status_code == 200
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.digest == ApiToken.digest_of(token)))

    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()

    assert_error(client.get(f"{API}/me", headers=headers), 401)


def test_a_deactivated_users_token_is_401(client, world):
    token = token_for(client, world.director)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{API}/me", headers=headers).status_code == 200

    world.director.is_enabled = False
    db.session.flush()

    assert_error(client.get(f"{API}/me", headers=headers), 401)
    assert_error(client.get(f"{API}/lecturers", headers=headers), 401)


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Bearer lct_not-a-token", "Basic ZGlyZWN0b3I6eA==",
                                    "Token {token}", "{token}"])
def test_malformed_or_unknown_tokens_are_401(client, world, header):
    token = token_for(client, world.director)

    response = client.get(f"{API}/me", headers={"Authorization": header.format(token=token)})

    assert_error(response, 401)


def test_the_bearer_scheme_is_case_insensitive(client, world):
    token = token_for(client, world.director)

    assert client.get(f"{API}/me", headers={"Authorization": f"bearer {token}"}).status_code == 200


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [f"{API}/nothing-here", f"{API}/lecturers/1/nothing", "/api/v2/me", "/api/",
                                  f"{API}/"])
def test_unknown_api_routes_are_404_json(client, world, path):
    assert assert_error(client.get(path), 404)["code"] == "not_found"


def test_unknown_api_routes_are_404_json_with_a_token_too(api_as, world):
    assert_error(api_as(world.director).get("/nothing-here"), 404)


@pytest.mark.parametrize("method, path", [("delete", "/me"), ("put", "/tokens"), ("get", "/tokens"),
                                          ("patch", "/lecturers"), ("delete", "/lecturers/1"), ("post", "/me"),
                                          ("post", "/openapi.json")])
def test_wrong_methods_are_405_json(client, world, method, path):
    response = client.open(API + path, method=method.upper(), json={})

    assert assert_error(response, 405)["code"] == "method_not_allowed"


# --- the OpenAPI document -----------------------------------------------------------------


def test_the_openapi_document_is_valid_openapi_3(client, openapi):
    response = client.get(f"{API}/openapi.json")

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert openapi["openapi"].startswith("3.")
    validate(openapi)


def _api_operations(app) -> set[tuple[str, str]]:
    """(path template, method) of every API route, in the document's terms: relative to the
    server URL /api/v1, ``<int:x>`` written ``{x}``; HEAD and OPTIONS are Flask's own."""
    operations = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API + "/"):
            continue
        template = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix(API))
        operations |= {(template, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return operations


def test_every_api_route_is_documented_and_nothing_else(app, openapi):
    # openapi.json describes itself too: it is a public route like /tokens, so no exception is needed.
    documented = {(path, method) for path, operations in openapi["paths"].items()
                  for method in operations if method in {"get", "put", "post", "delete", "patch"}}
    routes = _api_operations(app)

    assert routes, "no API routes found"
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routes == set(), "documented operations without a route"


def test_documented_path_parameters_match_the_routes(openapi):
    for path, operations in openapi["paths"].items():
        in_path = set(re.findall(r"\{([^}]+)\}", path))
        for method, operation in operations.items():
            declared = {parameter["name"] for parameter in operation.get("parameters", [])
                        if parameter["in"] == "path"}
            assert declared == in_path, (path, method)


def test_public_operations_are_marked_so(app, openapi):
    """Routes that need no token say ``security: []``; the others inherit the bearer scheme."""
    public = {(path, method) for path, operations in openapi["paths"].items()
              for method, operation in operations.items() if operation.get("security") == []}

    assert public == {("/tokens", "post"), ("/openapi.json", "get")}
    assert openapi["security"] == [{"bearer": []}]
    assert openapi["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}


def test_the_schema_check_catches_a_wrong_body(client, world, openapi):
    """The conformance helper used above does reject what the schema forbids."""
    response = client.post(f"{API}/tokens", json={"username": "director", "password": factories.PASSWORD})
    response.set_data(b'{"token": 5}')

    with pytest.raises(AssertionError, match="token"):
        assert_conforms(openapi, response)


# --- flask tokens create ------------------------------------------------------------------


def test_the_cli_prints_a_token_that_opens_the_api(app, client, world):
    result = app.test_cli_runner().invoke(args=["tokens", "create", "reviewer", "--name", "script"])

    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert re.fullmatch(r"lct_[A-Za-z0-9_-]{32,}", token)
    response = client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["username"] == "reviewer"
    assert db.session.scalar(sa.select(ApiToken.name).where(ApiToken.digest == ApiToken.digest_of(token))) == "script"


@pytest.mark.parametrize("username", ["ghost", "director-disabled"])
def test_the_cli_refuses_unknown_or_disabled_users(app, world, username):
    if username == "director-disabled":
        world.director.is_enabled = False
        db.session.flush()
        username = "director"

    result = app.test_cli_runner().invoke(args=["tokens", "create", username])

    assert result.exit_code != 0
    assert username in result.output
    assert "lct_" not in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0
