"""The JSON API blueprint (/api/v1): bearer-token authentication, JSON bodies and errors,
and the OpenAPI 3 document assembled from each feature's ``api.py``."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from core.errors import DomainError
from core.extensions import csrf
from core.permissions import public

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # the API authenticates with bearer tokens, never with cookies

_PATHS: dict[str, dict[str, Any]] = {}
_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"],
                                 "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}},
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
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError(_("The request body must be a JSON object."), status=400, code="bad_request")
    return data


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
