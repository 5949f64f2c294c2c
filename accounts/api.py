"""API: tokens, the current user, users (admin)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from accounts import services
from accounts.enums import Role
from accounts.models import User
from core.api import bp, created, document, error_responses, json_body
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


def _text(data: dict, key: str, *, required: bool = True, max_length: int = 200) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise DomainError(_("The field %(field)s is required and must be text.", field=key), field=key)
    if len(value) > max_length:
        raise DomainError(_("The field %(field)s is too long.", field=key), field=key)
    return value


def _grants(data: dict) -> list[tuple[int, str]]:
    roles = data.get("roles", [])
    valid = {role.value for role in Role}
    if not isinstance(roles, list) or not all(
        isinstance(item, dict) and isinstance(item.get("unit_id"), int) and item.get("role") in valid
        for item in roles
    ):
        raise DomainError(_("roles must be a list of {unit_id, role} objects with a known role."), field="roles")
    return [(item["unit_id"], item["role"]) for item in roles]


@bp.post("/tokens")
@public
def token_create():
    data = json_body()
    user = services.authenticate(_text(data, "username", max_length=64), _text(data, "password", max_length=256))
    if user is None:
        raise DomainError(_("Wrong username or password, or the account is disabled."), status=401,
                          code="unauthorized")
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
    user = services.create_user(username=_text(data, "username", max_length=64),
                                full_name=_text(data, "full_name"), password=_text(data, "password", max_length=256),
                                grants=_grants(data), actor=current_user, now=utcnow())
    db.session.commit()
    return created(user_json(user))


_USER = {
    "type": "object",
    "required": ["id", "username", "full_name", "roles", "lecturer_id"],
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
            "security": [],
            "requestBody": {"required": True, **_json({
                "type": "object", "required": ["username", "password"],
                "properties": {"username": {"type": "string"}, "password": {"type": "string"}}})},
            "responses": {"201": {"description": "Token created", **_json({
                "type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}})},
                **error_responses(400, 401, 422)},
        }},
        "/me": {"get": {
            "summary": "The signed-in user",
            "responses": {"200": {"description": "The user", **_json({"$ref": "#/components/schemas/User"})},
                          **error_responses(401)},
        }},
        "/users": {
            "get": {"summary": "All users (admin)",
                    "responses": {"200": {"description": "Users", **_json({
                        "type": "object", "properties": {"items": {"type": "array",
                                                                   "items": {"$ref": "#/components/schemas/User"}}}})},
                        **error_responses(401, 403)}},
            "post": {"summary": "Create a user (admin)",
                     "requestBody": {"required": True, **_json({
                         "type": "object", "required": ["username", "full_name", "password"],
                         "properties": {"username": {"type": "string"}, "full_name": {"type": "string"},
                                        "password": {"type": "string", "minLength": 8},
                                        "roles": {"type": "array",
                                                  "items": {"$ref": "#/components/schemas/RoleGrant"}}}})},
                     "responses": {"201": {"description": "Created", **_json({"$ref": "#/components/schemas/User"})},
                                   **error_responses(400, 401, 403, 422)}},
        },
    },
    {"User": _USER, "RoleGrant": _ROLE_GRANT},
)
