"""API: tokens, the current user, users (admin)."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts import services
from accounts.enums import Role
from accounts.models import User
from accounts.permissions import must_enrol_two_factor
from core.api import bp, created, document, error_responses, is_id, json_body, json_bool, json_text
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.permissions import authenticated, public, roles_required


def user_json(user: User) -> dict:
    lecturer = getattr(user, "lecturer", None)
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "active": user.is_enabled,
        "roles": [{"unit_id": grant.unit_id, "role": grant.role} for grant in user.grants],
        "lecturer_id": lecturer.id if lecturer else None,
    }


USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{3,64}")  # the same rule as the admin page's form


def _username(data: dict) -> str:
    username = json_text(data, "username", max_length=64).strip()
    if not USERNAME_PATTERN.fullmatch(username):
        raise DomainError(_("The username must have 3 to 64 characters: letters without accents, digits, "
                            "dot, dash and underscore."), field="username")
    return username


def _grants(data: dict) -> list[tuple[int, str]]:
    roles = data.get("roles", [])
    valid = {role.value for role in Role}
    if not isinstance(roles, list) or not all(
        isinstance(item, dict) and is_id(item.get("unit_id")) and isinstance(item.get("role"), str)
        and item["role"] in valid for item in roles
    ):
        raise DomainError(_("The field roles must be a list of objects {unit_id, role}, with the id of a unit "
                            "and one of the roles: %(roles)s.", roles=", ".join(sorted(valid))), field="roles")
    return [(item["unit_id"], item["role"]) for item in roles]


@bp.post("/tokens")
@public
def token_create():
    data = json_body()
    username = json_text(data, "username", max_length=64)
    password = json_text(data, "password", max_length=services.MAX_PASSWORD_LENGTH)
    address = request.remote_addr or ""
    try:
        user = services.sign_in(username, password, address=address, now=utcnow())
        if user.totp_enabled:
            if data.get("totp") is None:
                raise DomainError(_("This account uses two-factor sign-in: send the current code from the "
                                    "authenticator app in the field totp."), status=401, code="totp_required")
            services.check_second_factor(user, json_text(data, "totp", max_length=12), address=address,
                                         now=utcnow())
    except DomainError:
        db.session.commit()  # the failure counts towards the throttle and stays in the audit log
        raise
    if must_enrol_two_factor(user, required=current_app.config["REQUIRE_TOTP_FOR_PRIVILEGED"]):
        raise DomainError(_("Your role requires two-factor sign-in. Set it up in Lectern's web pages "
                            "(Two-factor sign-in) before asking for an API token."), status=403,
                          code="two_factor_enrolment_required")
    token = services.create_api_token(user, name="api", now=utcnow(), lifetime=current_app.config["API_TOKEN_LIFETIME"])
    db.session.commit()
    return created({"token": token})


@bp.get("/me")
@authenticated
def me():
    return jsonify(user_json(current_user))


@bp.get("/users")
@roles_required(Role.ADMIN)
def user_list():
    users = db.session.scalars(sa.select(User).order_by(User.id))
    return jsonify({"items": [user_json(user) for user in users]})


@bp.post("/users")
@roles_required(Role.ADMIN)
def user_create():
    data = json_body()
    active = json_bool(data, "active", True)
    user = services.create_user(username=_username(data), full_name=json_text(data, "full_name"),
                                password=json_text(data, "password", max_length=services.MAX_PASSWORD_LENGTH),
                                grants=_grants(data), actor=current_user, now=utcnow())
    services.update_user(user, full_name=user.full_name, is_enabled=active, actor=current_user, now=utcnow())
    db.session.commit()
    return created(user_json(user))


_USER = {
    "type": "object",
    "required": ["id", "username", "full_name", "active", "roles", "lecturer_id"],
    "properties": {
        "id": {"type": "integer"}, "username": {"type": "string"}, "full_name": {"type": "string"},
        "active": {"type": "boolean"},
        "roles": {"type": "array", "items": {"$ref": "#/components/schemas/RoleGrant"}},
        "lecturer_id": {"type": "integer", "nullable": True},
    },
}
_ROLE_GRANT = {"type": "object", "required": ["unit_id", "role"],
               "properties": {"unit_id": {"type": "integer"},
                              "role": {"type": "string", "enum": [role.value for role in Role]}}}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


document(
    {
        "/tokens": {"post": {
            "summary": "Exchange a username and password for a personal access token",
            "description": "Accounts with two-factor sign-in on must also send `totp`, the current 6-digit "
                           "code of their authenticator app (401 `totp_required` without it; a wrong code is "
                           "a failed sign-in for the throttle). While two-factor is required for their role, "
                           "directors, overseers and administrators who have not set it up get 403 "
                           "`two_factor_enrolment_required`.",
            "security": [],
            "requestBody": {"required": True, **_json({
                "type": "object", "required": ["username", "password"],
                "properties": {"username": {"type": "string"}, "password": {"type": "string"},
                               "totp": {"type": "string", "pattern": "^[0-9 ]{6,12}$"}}})},
            "responses": {"201": {"description": "Token created", **_json({
                "type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}})},
                **error_responses(400, 401, 403, 422, 429)},
        }},
        "/me": {"get": {
            "summary": "The signed-in user",
            "responses": {"200": {"description": "The user", **_json({"$ref": "#/components/schemas/User"})},
                          **error_responses(401)},
        }},
        "/users": {
            "get": {"summary": "All users (admin)",
                    "responses": {"200": {"description": "Users", **_json({
                        "type": "object", "required": ["items"],
                        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}})},
                        **error_responses(401, 403)}},
            "post": {"summary": "Create a user (admin)",
                     "requestBody": {"required": True, **_json({
                         "type": "object", "required": ["username", "full_name", "password"],
                         "properties": {
                             "username": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{3,64}$"},
                             "full_name": {"type": "string", "minLength": 1, "maxLength": 200},
                             "password": {"type": "string", "minLength": services.MIN_PASSWORD_LENGTH,
                                          "maxLength": services.MAX_PASSWORD_LENGTH},
                             "roles": {"type": "array", "items": {"$ref": "#/components/schemas/RoleGrant"}},
                             "active": {"type": "boolean", "default": True}}})},
                     "responses": {"201": {"description": "Created", **_json({"$ref": "#/components/schemas/User"})},
                                   **error_responses(400, 401, 403, 422)}},
        },
    },
    {"User": _USER, "RoleGrant": _ROLE_GRANT},
)
