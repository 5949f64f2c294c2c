"""API: lecturers."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import current_unit
from accounts.enums import Role
from core.api import bp, created, document, error_responses, json_body
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.permissions import require, require_visible, roles_required
from lecturers import queries, services
from lecturers.enums import LecturerKind
from lecturers.models import Lecturer
from lecturers.permissions import can_manage_unit, can_view_lecturer, can_view_unit_records


def lecturer_json(lecturer: Lecturer) -> dict:
    return {
        "id": lecturer.id, "full_name": lecturer.full_name, "kind": lecturer.kind, "unit_id": lecturer.unit_id,
        "active": lecturer.is_active, "birth_year": lecturer.birth_year, "gender": lecturer.gender,
        "position": lecturer.position, "home_body": lecturer.home_body, "user_id": lecturer.user_id,
    }


@bp.get("/lecturers")
@roles_required(Role.DIRECTOR, Role.REVIEWER, Role.SECRETARY, Role.OVERSEER)
def lecturer_list():
    unit = current_unit()
    require(can_view_unit_records(current_user, unit))
    query = queries.lecturer_query(unit.id, search=request.args.get("q", "")[:100],
                                   include_inactive=request.args.get("inactive") == "1")
    return jsonify({"items": [lecturer_json(lecturer) for lecturer in db.session.scalars(query)]})


@bp.get("/lecturers/<int:lecturer_id>")
@roles_required(Role.DIRECTOR, Role.REVIEWER, Role.SECRETARY, Role.OVERSEER, Role.LECTURER)
def lecturer_get(lecturer_id: int):
    lecturer = db.get_or_404(Lecturer, lecturer_id)
    require_visible(can_view_lecturer(current_user, lecturer))
    return jsonify(lecturer_json(lecturer))


@bp.post("/lecturers")
@roles_required(Role.DIRECTOR)
def lecturer_create():
    data = json_body()
    unit = current_unit()
    if "unit_id" in data and data["unit_id"] != unit.id:
        unit = next((u for u in _director_units() if u.id == data["unit_id"]), None)
        if unit is None:
            raise DomainError(_("You are not the director of that unit."), status=403, code="forbidden")
    require(can_manage_unit(current_user, unit))
    values = _lecturer_values(data)
    lecturer = services.save_lecturer(None, unit=unit, values=values, actor=current_user, now=utcnow())
    db.session.commit()
    return created(lecturer_json(lecturer))


def _director_units():
    from accounts.queries import working_units

    return [unit for unit in working_units(current_user) if can_manage_unit(current_user, unit)]


def _lecturer_values(data: dict) -> dict:
    name = data.get("full_name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise DomainError(_("full_name is required: the lecturer's full name."), field="full_name")
    kind = data.get("kind", LecturerKind.FULL_TIME.value)
    if kind not in {k.value for k in LecturerKind}:
        raise DomainError(_("kind must be full_time or adjunct."), field="kind")
    active = data.get("active", True)
    if not isinstance(active, bool):
        raise DomainError(_("active must be true or false."), field="active")
    return {"full_name": name, "kind": kind, "is_active": active,
            "workload_role": "full_time" if kind == LecturerKind.FULL_TIME else "adjunct"}


_LECTURER = {
    "type": "object", "required": ["id", "full_name", "kind", "unit_id", "active"],
    "properties": {"id": {"type": "integer"}, "full_name": {"type": "string"},
                   "kind": {"type": "string", "enum": ["full_time", "adjunct"]}, "unit_id": {"type": "integer"},
                   "active": {"type": "boolean"}, "birth_year": {"type": "integer", "nullable": True},
                   "gender": {"type": "string", "nullable": True}, "position": {"type": "string"},
                   "home_body": {"type": "string"}, "user_id": {"type": "integer", "nullable": True}},
}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


document(
    {
        "/lecturers": {
            "get": {"summary": "Lecturers of the caller's unit, in Vietnamese name order",
                    "parameters": [{"name": "unit_id", "in": "query", "schema": {"type": "integer"}},
                                   {"name": "q", "in": "query", "schema": {"type": "string"}},
                                   {"name": "inactive", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]}}],
                    "responses": {"200": {"description": "Lecturers", **_json({
                        "type": "object", "properties": {"items": {"type": "array",
                                                                   "items": {"$ref": "#/components/schemas/Lecturer"}}}})},
                        **error_responses(401, 403)}},
            "post": {"summary": "Create a lecturer (director); the unit defaults to the director's unit",
                     "requestBody": {"required": True, **_json({
                         "type": "object", "required": ["full_name"],
                         "properties": {"full_name": {"type": "string"},
                                        "kind": {"type": "string", "enum": ["full_time", "adjunct"]},
                                        "unit_id": {"type": "integer"}, "active": {"type": "boolean"}}})},
                     "responses": {"201": {"description": "Created", **_json({"$ref": "#/components/schemas/Lecturer"})},
                                   **error_responses(400, 401, 403, 422)}},
        },
        "/lecturers/{lecturer_id}": {"get": {
            "summary": "One lecturer",
            "parameters": [{"name": "lecturer_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "The lecturer", **_json({"$ref": "#/components/schemas/Lecturer"})},
                          **error_responses(401, 403, 404)},
        }},
    },
    {"Lecturer": _LECTURER},
)
