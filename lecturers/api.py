"""API: lecturers."""
from __future__ import annotations

from datetime import date

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import current_unit
from accounts.enums import Role
from accounts.models import Unit
from accounts.queries import working_units
from core.api import bp, created, document, error_responses, is_id, json_body, json_bool, json_text
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.permissions import authenticated, require, require_visible, roles_required
from lecturers import queries, services
from lecturers.enums import Gender, LecturerKind, WorkloadRole
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
    """The same list as the lecturers page, for the unit picked by ``?unit_id=`` (checked in
    ``core.api``) or the caller's default unit."""
    unit = current_unit()
    require(can_view_unit_records(current_user, unit))
    kind = request.args.get("kind")
    if kind is not None and kind not in _KINDS:
        raise DomainError(_("The query parameter kind must be full_time or adjunct."), status=400,
                          code="bad_request")
    query = queries.lecturer_query(unit.id, search=request.args.get("q", "").strip()[:100], kind=kind,
                                   include_inactive=request.args.get("inactive") == "1")
    return jsonify({"items": [lecturer_json(lecturer) for lecturer in db.session.scalars(query)]})


@bp.get("/lecturers/<int:lecturer_id>")
@authenticated
def lecturer_get(lecturer_id: int):
    """Like the lecturer page: staff of the unit, its province's overseers, and the lecturer
    themself; anyone else is told the lecturer does not exist."""
    lecturer = db.get_or_404(Lecturer, lecturer_id)
    require_visible(can_view_lecturer(current_user, lecturer))
    return jsonify(lecturer_json(lecturer))


@bp.post("/lecturers")
@authenticated
def lecturer_create():
    """Like the new-lecturer page, in the unit named by ``unit_id`` (default: the unit the
    caller works in, or else the one unit they direct). Only that unit's director may."""
    data = json_body()
    unit = _target_unit(data)
    require(can_manage_unit(current_user, unit))
    values = _lecturer_values(data)
    lecturer = services.save_lecturer(None, unit=unit, values=values, actor=current_user, now=utcnow())
    db.session.commit()
    return created(lecturer_json(lecturer))


_KINDS = {kind.value for kind in LecturerKind}
_GENDERS = {gender.value for gender in Gender}


def _target_unit(data: dict) -> Unit:
    unit_id = data.get("unit_id")
    if unit_id is not None:
        if not is_id(unit_id):
            raise DomainError(_("The field unit_id must be the id of a unit."), field="unit_id")
        unit = db.session.get(Unit, unit_id)
        if unit is None or not can_manage_unit(current_user, unit):
            raise DomainError(_("You are not the director of that unit."), status=403, code="forbidden")
        return unit
    unit = current_unit()
    if can_manage_unit(current_user, unit):
        return unit
    directed = [unit for unit in working_units(current_user) if can_manage_unit(current_user, unit)]
    if len(directed) == 1:
        return directed[0]
    if directed:
        raise DomainError(_("You direct several units: say in which one with unit_id."), field="unit_id")
    raise DomainError(_("Only a unit's director may add lecturers."), status=403, code="forbidden")


def _lecturer_values(data: dict) -> dict:
    """The fields of the new-lecturer form that the API accepts, checked as the form checks them."""
    name = data.get("full_name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise DomainError(_("The field full_name is required: the lecturer's full name, at most 200 characters."),
                          field="full_name")
    if "\x00" in name:  # PostgreSQL cannot store it
        raise DomainError(_("The field %(field)s must not contain a NUL character.", field="full_name"),
                          field="full_name")
    kind = data.get("kind", LecturerKind.FULL_TIME.value)
    if not isinstance(kind, str) or kind not in _KINDS:
        raise DomainError(_("The field kind must be full_time or adjunct."), field="kind")
    values = {"full_name": name, "kind": kind, "is_active": json_bool(data, "active", True),
              "workload_role": WorkloadRole.FULL_TIME if kind == LecturerKind.FULL_TIME else WorkloadRole.ADJUNCT,
              "position": json_text(data, "position", required=False),
              "home_body": json_text(data, "home_body", required=False)}
    birth_year = data.get("birth_year")
    if birth_year is not None:
        last = date.today().year - 18
        if type(birth_year) is not int or not 1940 <= birth_year <= last:
            raise DomainError(_("The field birth_year must be a year from 1940 to %(last)s.", last=last),
                              field="birth_year")
        values["birth_year"] = birth_year
    gender = data.get("gender")
    if gender is not None:
        if not isinstance(gender, str) or gender not in _GENDERS:
            raise DomainError(_("The field gender must be female, male or null."), field="gender")
        values["gender"] = gender
    return values


_KIND_SCHEMA = {"type": "string", "enum": sorted(_KINDS)}
_GENDER_SCHEMA = {"type": "string", "enum": [*sorted(_GENDERS), None], "nullable": True}
_LECTURER = {
    "type": "object", "required": ["id", "full_name", "kind", "unit_id", "active"],
    "properties": {"id": {"type": "integer"}, "full_name": {"type": "string"}, "kind": _KIND_SCHEMA,
                   "unit_id": {"type": "integer"}, "active": {"type": "boolean"},
                   "birth_year": {"type": "integer", "nullable": True},
                   "gender": _GENDER_SCHEMA,
                   "position": {"type": "string"}, "home_body": {"type": "string"},
                   "user_id": {"type": "integer", "nullable": True}},
}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


document(
    {
        "/lecturers": {
            "get": {"summary": "Active lecturers of a unit, in Vietnamese name order (given name first)",
                    "parameters": [
                        _query("unit_id", {"type": "integer"},
                               "A unit the caller works in or oversees (default: the caller's unit)"),
                        _query("q", {"type": "string", "maxLength": 100}, "Part of the name, accents optional"),
                        _query("kind", _KIND_SCHEMA, "Only lecturers of this kind"),
                        _query("inactive", {"type": "string", "enum": ["0", "1"]}, "1: include inactive lecturers"),
                    ],
                    "responses": {"200": {"description": "Lecturers", **_json({
                        "type": "object", "required": ["items"],
                        "properties": {"items": {"type": "array",
                                                 "items": {"$ref": "#/components/schemas/Lecturer"}}}})},
                        **error_responses(400, 401, 403)}},
            "post": {"summary": "Create a lecturer (a director of the unit); the unit defaults to the director's",
                     "requestBody": {"required": True, **_json({
                         "type": "object", "required": ["full_name"],
                         "properties": {"full_name": {"type": "string", "minLength": 1, "maxLength": 200},
                                        "kind": {**_KIND_SCHEMA, "default": LecturerKind.FULL_TIME.value},
                                        "unit_id": {"type": "integer"},
                                        "active": {"type": "boolean", "default": True},
                                        "birth_year": {"type": "integer", "nullable": True},
                                        "gender": _GENDER_SCHEMA,
                                        "position": {"type": "string", "maxLength": 200},
                                        "home_body": {"type": "string", "maxLength": 200}}})},
                     "responses": {"201": {"description": "Created",
                                           **_json({"$ref": "#/components/schemas/Lecturer"})},
                                   **error_responses(400, 401, 403, 422)}},
        },
        "/lecturers/{lecturer_id}": {"get": {
            "summary": "One lecturer (staff of the unit, its province's overseers, or the lecturer themself)",
            "parameters": [{"name": "lecturer_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "The lecturer", **_json({"$ref": "#/components/schemas/Lecturer"})},
                          **error_responses(401, 404)},
        }},
    },
    {"Lecturer": _LECTURER},
)
