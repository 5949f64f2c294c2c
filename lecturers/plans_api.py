"""API: lesson plans (SPEC §6). The same rules as the pages: the lecturer writes and submits
their own plans; the unit's director and reviewers approve or request changes (never on their
own plan); overseers read; another unit's plan is not found, its file included."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import current_unit
from core import uploads
from core.api import bp, created, document, error_responses, json_body, json_text
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.permissions import authenticated, require, require_visible
from lecturers import lesson_plans, queries
from lecturers.enums import PlanSection, PlanState
from lecturers.models import LessonPlan, LessonPlanVersion
from lecturers.permissions import (PLAN_READERS, can_author_plan, can_download_plan, can_list_plans, can_review_plan,
                                   can_view_plan, can_view_plan_version, can_write_plans)

_TEXT_FIELDS = {name: (lesson_plans.MAX_AUDIENCE if name == "audience" else lesson_plans.MAX_TEXT)
                for name in lesson_plans.PLAN_FIELDS if name != "duration_periods"}
_STATES = [state.value for state in PlanState]
_SECTIONS = [section.value for section in PlanSection]


# --- JSON shapes ---------------------------------------------------------------------------------


def _file_json(version: LessonPlanVersion) -> dict | None:
    stored = version.file
    if stored is None:
        return None
    return {"name": stored.original_name, "kind": stored.kind, "content_type": stored.content_type,
            "size": stored.size, "sha256": stored.sha256}


def _timestamp(value) -> str | None:
    """A stored (naive, UTC) moment as RFC 3339, which the document's ``date-time`` requires."""
    return value.isoformat(timespec="seconds") + "Z" if value else None


def _version_json(version: LessonPlanVersion) -> dict:
    return {
        "number": version.number, "state": version.state,
        **{name: getattr(version, name) for name in lesson_plans.PLAN_FIELDS},
        "file": _file_json(version),
        "created_at": _timestamp(version.created_at),
        "submitted_at": _timestamp(version.submitted_at),
        "decided_at": _timestamp(version.decided_at),
        "decided_by_id": version.decided_by_id,
        "comments": [{"section": comment.section, "text": comment.text, "author_id": comment.author_id,
                      "created_at": _timestamp(comment.created_at)} for comment in version.comments],
    }


def _summary_json(plan: LessonPlan) -> dict:
    return {"id": plan.id, "title": plan.title, "state": plan.state, "unit_id": plan.unit_id,
            "lecturer_id": plan.lecturer_id, "programme_id": plan.programme_id, "topic_id": plan.topic_id,
            "current_version": plan.latest.number,
            "approved_version": plan.approved_version.number if plan.approved_version else None,
            "updated_at": _timestamp(plan.updated_at)}


def plan_json(plan: LessonPlan) -> dict:
    """The plan with the versions the caller may read (drafts are the lecturer's own)."""
    versions = [version for version in plan.versions if can_view_plan_version(current_user, version)]
    return {**_summary_json(plan), "versions": [_version_json(version) for version in versions]}


# --- Reading requests ----------------------------------------------------------------------------


def _submitted() -> tuple[dict[str, Any], uploads.Upload | None]:
    """The fields and the file of a new plan: multipart/form-data (or a JSON object, without a file)."""
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return request.form.to_dict(), uploads.read_upload(request.files.get("file"))
    if request.is_json:
        return json_body(), None
    raise DomainError(_("Send the lesson plan as multipart/form-data (fields and a file), or as a JSON object "
                        "without a file."), status=400, code="bad_request")


def _optional_id(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)
    if type(value) is int and value > 0:
        return value
    raise DomainError(_("The field %(field)s must be the id of a record.", field=key), field=key)


def _values(data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {name: json_text(data, name, required=False, max_length=limit)
                              for name, limit in _TEXT_FIELDS.items() if name in data}
    if "duration_periods" in data:
        duration = data["duration_periods"]
        if isinstance(duration, str) and duration.isascii() and duration.isdigit() and len(duration) < 4:
            duration = int(duration)
        if duration not in (None, "") and (type(duration) is not int or not 1 <= duration <= 60):
            raise DomainError(_("The field duration_periods must be a number of periods from 1 to 60."),
                              field="duration_periods")
        values["duration_periods"] = duration or None
    return values


def _review_body(*, required: bool) -> dict[str, str]:
    """Comments of an approval or a request for changes: ``comment`` (on the whole plan) and
    ``comments`` (section → text)."""
    data = json_body() if required or request.get_data() else {}
    comments = {PlanSection.GENERAL.value: json_text(data, "comment", required=False,
                                                     max_length=lesson_plans.MAX_COMMENT)}
    extra = data.get("comments", {})
    if not isinstance(extra, dict) or any(key not in _SECTIONS or not isinstance(text, str)
                                          for key, text in extra.items()):
        raise DomainError(_("The field comments must map sections (%(sections)s) to text.",
                            sections=", ".join(_SECTIONS)), field="comments")
    if any("\x00" in text for text in extra.values()):  # PostgreSQL cannot store it
        raise DomainError(_("The field %(field)s must not contain a NUL character.", field="comments"),
                          field="comments")
    for section, text in extra.items():
        comments[section] = "\n\n".join(part for part in (comments.get(section, ""), text) if part)
    return comments


def _load(plan_id: int) -> LessonPlan:
    plan = db.get_or_404(LessonPlan, plan_id)
    require_visible(can_view_plan(current_user, plan))
    return plan


# --- Routes --------------------------------------------------------------------------------------


@bp.get("/lesson-plans")
@authenticated
def lesson_plan_list():
    """The caller's own plans in the unit, and — for its director, reviewers and overseers —
    every plan of the unit that has been submitted."""
    unit = current_unit()
    require(can_list_plans(current_user, unit))
    state = request.args.get("state")
    if state is not None and state not in _STATES:
        raise DomainError(_("The query parameter state must be one of: %(states)s.", states=", ".join(_STATES)),
                          status=400, code="bad_request")
    lecturer = getattr(current_user, "lecturer", None)
    query = queries.visible_plan_query(unit.id, own_lecturer_id=lecturer.id if lecturer else None,
                                       staff=bool(current_user.roles_in(unit.id, unit.province_id) & PLAN_READERS))
    plans = [plan for plan in db.session.scalars(query) if state is None or plan.state == state]
    return jsonify({"items": [_summary_json(plan) for plan in plans]})


@bp.get("/lesson-plans/<int:plan_id>")
@authenticated
def lesson_plan_get(plan_id: int):
    return jsonify(plan_json(_load(plan_id)))


@bp.post("/lesson-plans")
@authenticated
def lesson_plan_create():
    """A new plan of the caller's lecturer profile, as a draft (multipart: ``title``,
    optional ``topic_id``, ``programme_id`` and structured fields, and ``file``)."""
    require(can_write_plans(current_user))
    data, upload = _submitted()
    plan = lesson_plans.create_plan(
        lecturer=current_user.lecturer, title=json_text(data, "title", max_length=lesson_plans.MAX_TITLE),
        values=_values(data), upload=upload, programme_id=_optional_id(data, "programme_id"),
        topic_id=_optional_id(data, "topic_id"), actor=current_user, now=utcnow())
    db.session.commit()
    return created(plan_json(plan))


@bp.post("/lesson-plans/<int:plan_id>/submit")
@authenticated
def lesson_plan_submit(plan_id: int):
    plan = _load(plan_id)
    require(can_author_plan(current_user, plan))
    lesson_plans.submit(plan, actor=current_user, now=utcnow())
    db.session.commit()
    return jsonify(plan_json(plan))


@bp.post("/lesson-plans/<int:plan_id>/approve")
@authenticated
def lesson_plan_approve(plan_id: int):
    plan = _load(plan_id)
    require(can_review_plan(current_user, plan))
    lesson_plans.approve(plan, comments=_review_body(required=False), actor=current_user, now=utcnow())
    db.session.commit()
    return jsonify(plan_json(plan))


@bp.post("/lesson-plans/<int:plan_id>/request-changes")
@authenticated
def lesson_plan_request_changes(plan_id: int):
    plan = _load(plan_id)
    require(can_review_plan(current_user, plan))
    lesson_plans.request_changes(plan, comments=_review_body(required=True), actor=current_user, now=utcnow())
    db.session.commit()
    return jsonify(plan_json(plan))


@bp.get("/lesson-plans/<int:plan_id>/file")
@authenticated
def lesson_plan_file(plan_id: int):
    """The file of the latest version the caller may read (or of ``?version=``), as an attachment."""
    plan = _load(plan_id)
    number = request.args.get("version", type=int)
    visible = [version for version in plan.versions if can_view_plan_version(current_user, version)]
    version = next((v for v in visible if v.number == number), None) if number else visible[-1]
    require_visible(version is not None and can_download_plan(current_user, version))
    return uploads.send(version.file)


# --- OpenAPI -------------------------------------------------------------------------------------


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


_PLAN_ID = {"name": "plan_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_TEXT = {"type": "string", "maxLength": lesson_plans.MAX_TEXT}
_FIELDS = {"audience": {"type": "string", "maxLength": lesson_plans.MAX_AUDIENCE},
           "duration_periods": {"type": "integer", "minimum": 1, "maximum": 60, "nullable": True},
           **{name: _TEXT for name in _TEXT_FIELDS if name != "audience"}}
_SUMMARY_PROPERTIES = {
    "id": {"type": "integer"}, "title": {"type": "string"}, "state": {"type": "string", "enum": _STATES},
    "unit_id": {"type": "integer"}, "lecturer_id": {"type": "integer"},
    "programme_id": {"type": "integer", "nullable": True}, "topic_id": {"type": "integer", "nullable": True},
    "current_version": {"type": "integer"}, "approved_version": {"type": "integer", "nullable": True},
    "updated_at": {"type": "string", "format": "date-time"},
}
_SUMMARY = {"type": "object", "required": ["id", "title", "state", "unit_id", "lecturer_id", "current_version"],
            "properties": _SUMMARY_PROPERTIES}
_VERSION = {
    "type": "object", "required": ["number", "state", "file", "comments"],
    "properties": {
        "number": {"type": "integer"}, "state": {"type": "string", "enum": _STATES}, **_FIELDS,
        "file": {"type": "object", "nullable": True, "properties": {
            "name": {"type": "string", "description": "The original file name, as uploaded"},
            "kind": {"type": "string", "enum": sorted(uploads.CONTENT_TYPES)}, "content_type": {"type": "string"},
            "size": {"type": "integer"}, "sha256": {"type": "string"}}},
        "created_at": {"type": "string", "format": "date-time"},
        "submitted_at": {"type": "string", "format": "date-time", "nullable": True},
        "decided_at": {"type": "string", "format": "date-time", "nullable": True},
        "decided_by_id": {"type": "integer", "nullable": True},
        "comments": {"type": "array", "items": {"type": "object", "required": ["section", "text"], "properties": {
            "section": {"type": "string", "enum": _SECTIONS}, "text": {"type": "string"},
            "author_id": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"}}}},
    },
}
_PLAN = {"type": "object", "required": [*_SUMMARY["required"], "versions"],
         "properties": {**_SUMMARY_PROPERTIES,
                        "versions": {"type": "array", "items": {"$ref": "#/components/schemas/LessonPlanVersion"},
                                     "description": "The versions the caller may read, oldest first"}}}
_PLAN_RESPONSE = {"description": "The lesson plan", **_json({"$ref": "#/components/schemas/LessonPlan"})}
_NEW_PLAN = {"type": "object", "required": ["title"], "properties": {
    "title": {"type": "string", "minLength": 1, "maxLength": lesson_plans.MAX_TITLE},
    "topic_id": {"type": "integer"}, "programme_id": {"type": "integer"}, **_FIELDS}}
_FILE_TYPES = {content_type: {"schema": {"type": "string", "format": "binary"}}
               for content_type in uploads.CONTENT_TYPES.values()}
_COMMENTS = {"comment": {"type": "string", "maxLength": lesson_plans.MAX_COMMENT,
                         "description": "A comment on the whole plan"},
             "comments": {"type": "object", "description": "Comments by section",
                          "properties": {section: {"type": "string"} for section in _SECTIONS},
                          "additionalProperties": False}}

document(
    {
        "/lesson-plans": {
            "get": {"summary": "The caller's own plans, and (director, reviewers, overseers) the unit's "
                               "submitted plans",
                    "parameters": [
                        {"name": "unit_id", "in": "query", "required": False, "schema": {"type": "integer"},
                         "description": "A unit the caller works in (default: the caller's unit)"},
                        {"name": "state", "in": "query", "required": False,
                         "schema": {"type": "string", "enum": _STATES}, "description": "Only plans in this state"}],
                    "responses": {"200": {"description": "Lesson plans", **_json({
                        "type": "object", "required": ["items"],
                        "properties": {"items": {"type": "array",
                                                 "items": {"$ref": "#/components/schemas/LessonPlanSummary"}}}})},
                        **error_responses(400, 401, 403)}},
            "post": {"summary": "Create a lesson plan of the caller (a lecturer) as a draft, with its file",
                     "description": "The file (.docx, .pdf or .pptx) is checked by its content; a refused file "
                                    "answers 413 (too large) or 422 with the reason, and nothing is stored.",
                     "requestBody": {"required": True, "content": {
                         "multipart/form-data": {"schema": {**_NEW_PLAN, "properties": {
                             **_NEW_PLAN["properties"], "file": {"type": "string", "format": "binary"}}}},
                         "application/json": {"schema": _NEW_PLAN}}},
                     "responses": {"201": {"description": "Created",
                                           **_json({"$ref": "#/components/schemas/LessonPlan"})},
                                   **error_responses(400, 401, 403, 413, 422)}},
        },
        "/lesson-plans/{plan_id}": {"get": {
            "summary": "One lesson plan with its versions and the reviewers' comments",
            "parameters": [_PLAN_ID],
            "responses": {"200": _PLAN_RESPONSE, **error_responses(401, 404)}}},
        "/lesson-plans/{plan_id}/submit": {"post": {
            "summary": "Submit the draft for review (the plan's lecturer); submitting again changes nothing",
            "parameters": [_PLAN_ID],
            "responses": {"200": _PLAN_RESPONSE, **error_responses(401, 403, 404, 409, 422)}}},
        "/lesson-plans/{plan_id}/approve": {"post": {
            "summary": "Approve the version under review (the unit's director or a reviewer, not the author); "
                       "the version approved before is superseded",
            "parameters": [_PLAN_ID],
            "requestBody": {"required": False, **_json({"type": "object", "properties": _COMMENTS})},
            "responses": {"200": _PLAN_RESPONSE, **error_responses(400, 401, 403, 404, 409, 422)}}},
        "/lesson-plans/{plan_id}/request-changes": {"post": {
            "summary": "Request changes to the version under review, saying why",
            "parameters": [_PLAN_ID],
            "requestBody": {"required": True, **_json({"type": "object", "properties": _COMMENTS})},
            "responses": {"200": _PLAN_RESPONSE, **error_responses(400, 401, 403, 404, 409, 422)}}},
        "/lesson-plans/{plan_id}/file": {"get": {
            "summary": "The file of the latest version the caller may read, as an attachment",
            "parameters": [_PLAN_ID, {"name": "version", "in": "query", "required": False,
                                      "schema": {"type": "integer"}, "description": "Another version's number"}],
            "responses": {"200": {"description": "The file, with its original name in Content-Disposition",
                                  "content": _FILE_TYPES},
                          **error_responses(401, 404)}}},
    },
    {"LessonPlanSummary": _SUMMARY, "LessonPlan": _PLAN, "LessonPlanVersion": _VERSION},
)
