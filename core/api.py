"""The JSON API blueprint (/api/v1): bearer-token authentication, JSON bodies and errors,
and the OpenAPI 3 document assembled from each feature's ``api.py``."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from core.errors import DomainError
from core.extensions import csrf
from core.models import MAX_ID  # larger ids name nothing (URL ids are bounded the same way)
from core.permissions import public

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # the API authenticates with bearer tokens, never with cookies

_PATHS: dict[str, dict[str, Any]] = {}
_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"],
                                 "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                                "details": {"type": "object",
                                                            "description": "Per-item reasons, e.g. criterion code "
                                                                           "→ why its score was refused",
                                                            "additionalProperties": {"type": "string"}}}}},
    },
}


def document(paths: dict[str, dict[str, Any]], schemas: dict[str, Any] | None = None) -> None:
    """Add a feature's paths and schemas to the OpenAPI document."""
    for path, operations in paths.items():
        _PATHS.setdefault(path, {}).update(operations)
    _SCHEMAS.update(schemas or {})


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 with a JSON error."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # absurdly deep nesting: not a ValueError, so ``silent`` lets it through
        data = None
    if not isinstance(data, dict):
        raise DomainError(_("The request body must be a JSON object."), status=400, code="bad_request")
    return data


def json_text(data: dict[str, Any], key: str, *, required: bool = True, max_length: int = 200) -> str:
    """A text field of a JSON body: a string of at most ``max_length`` characters; a required
    one must not be blank. An absent or null optional field is ``""``."""
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        if required:
            raise DomainError(_("The field %(field)s is required and must be text.", field=key), field=key)
        raise DomainError(_("The field %(field)s must be text.", field=key), field=key)
    if len(value) > max_length:
        raise DomainError(_("The field %(field)s may have at most %(n)s characters.", field=key, n=max_length),
                          field=key)
    if "\x00" in value:  # PostgreSQL cannot store it
        raise DomainError(_("The field %(field)s must not contain a NUL character.", field=key), field=key)
    return value


def is_id(value: Any) -> bool:
    """Whether a JSON value can be the id of a record (``true`` is not 1)."""
    return type(value) is int and 0 < value <= MAX_ID


def json_bool(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise DomainError(_("The field %(field)s must be true or false.", field=key), field=key)
    return value


@bp.before_request
def _check_requested_unit() -> None:
    """``?unit_id=`` picks the unit the caller works in (see ``accounts.auth.choose_active_unit``).
    A unit they do not work in, or one that does not exist, is refused rather than silently
    replaced by their default unit."""
    raw = request.args.get("unit_id")
    if raw is None or not current_user.is_authenticated:
        return
    if not raw.isascii() or not raw.isdigit():
        raise DomainError(_("The query parameter unit_id must be a unit id."), status=400, code="bad_request")
    unit = getattr(current_user, "active_unit", None)
    if unit is None or unit.id != int(raw):
        raise DomainError(_("You do not work in that unit."), status=403, code="forbidden")


def created(payload: dict[str, Any]):
    return jsonify(payload), 201


def error_responses(*statuses: int) -> dict[str, Any]:
    return {str(status): {"description": "Error", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}} for status in statuses}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Lectern API", "version": "1.0.0",
                 "description": "Lecturer quality: observations, lesson plans, meetings and contests."},
        "servers": [{"url": "/api/v1"}],
        "paths": dict(sorted(_PATHS.items())),
        "components": {
            "schemas": _SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(openapi_document())


document({"/openapi.json": {"get": {
    "summary": "This OpenAPI document",
    "security": [],
    "responses": {"200": {"description": "The OpenAPI 3 document of the API",
                          "content": {"application/json": {"schema": {"type": "object"}}}}},
}}})
