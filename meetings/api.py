"""API: meetings, their attendance, action items — read only (routes are added on core.api.bp).

The same rules as the pages: the unit's staff and its province's overseers read a unit's
minutes; the owner of an action item reads it too. Dates are ISO ``yyyy-mm-dd``, times ISO
8601 in UTC with a ``Z``; free texts are plain text.
"""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import current_unit
from accounts.enums import Role
from core.api import bp, document, error_responses
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.permissions import authenticated, require, require_visible, roles_required
from meetings import presenters, queries
from meetings.enums import ActionStatus, AttendanceStatus, MinutesState
from meetings.models import ActionItem, Meeting
from meetings.permissions import can_list_meetings, can_view_action_item, can_view_meeting

STAFF = (Role.DIRECTOR, Role.REVIEWER, Role.SECRETARY, Role.OVERSEER)
MAX_ITEMS = 500


def _timestamp(value) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def meeting_summary(meeting: Meeting) -> dict[str, Any]:
    return {"id": meeting.id, "unit_id": meeting.unit_id, "month": meeting.month.isoformat(),
            "number": meeting.number, "state": meeting.state, "starts_at": _timestamp(meeting.starts_at),
            "ends_at": _timestamp(meeting.ends_at), "place": meeting.place, "chair_id": meeting.chair_id,
            "secretary_id": meeting.secretary_id, "approved_at": _timestamp(meeting.approved_at),
            "amended": bool(meeting.amendments)}


def attendance_json(page: presenters.MinutesPage) -> dict[str, Any]:
    return {"attendees": [{"lecturer_id": line.lecturer.id, "full_name": line.lecturer.full_name,
                           "kind": line.attendance.kind, "status": line.status.value, "reason": line.reason,
                           "amended": line.amended} for line in page.attendance],
            "guests": [{"full_name": guest.full_name, "position": guest.position} for guest in page.meeting.guests]}


def action_item_json(item: ActionItem, today) -> dict[str, Any]:
    closure = item.closure
    return {"id": item.id, "unit_id": item.unit_id, "meeting_id": item.meeting_id, "description": item.description,
            "owner_id": item.owner_id, "owner_name": item.owner.full_name, "due_on": item.due_on.isoformat(),
            "status": item.status.value, "overdue": item.is_overdue(today),
            "closed_at": _timestamp(closure.closed_at) if closure else None,
            "closed_by_id": closure.closed_by_id if closure else None, "note": closure.note if closure else ""}


def meeting_json(page: presenters.MinutesPage) -> dict[str, Any]:
    meeting = page.meeting
    return {
        **meeting_summary(meeting), "conclusion": page.conclusion, **attendance_json(page),
        "agenda": [{"id": item.id, "position": item.position, "title": item.title, "summary": item.summary,
                    "conclusion": conclusion,
                    "contributions": [{"speaker": c.speaker, "content": c.content} for c in item.contributions]}
                   for item, conclusion, _amended in page.agenda],
        "content_updates": [{"id": update.id, "title": update.title, "body": text,
                             "topic_ids": [topic.id for topic in update.topics]} for update, text, _a in page.updates],
        "action_items": [action_item_json(item, page.today) for item in meeting.action_items],
        "carried_action_item_ids": [carried.item.id for carried in page.carried],
        "observation_ids": [observation.id for observation in meeting.observations],
        "amendments": [{"at": _timestamp(a.at), "by_id": a.by_id, "target": a.target, "target_id": a.target_id,
                        "reason": a.reason, "before": a.before, "after": a.after} for a in meeting.amendments],
    }


def _load(meeting_id: int) -> presenters.MinutesPage:
    meeting = queries.meeting_detail(meeting_id)
    require_visible(meeting is not None and can_view_meeting(current_user, meeting))
    return presenters.minutes_page(meeting, today=utcnow().date())


@bp.get("/meetings")
@roles_required(*STAFF)
def meeting_list():
    """The minutes of the caller's unit (or ``?unit_id=``), newest month first."""
    unit = current_unit()
    require(can_list_meetings(current_user, unit))
    query = queries.meeting_query(unit.id)
    year = request.args.get("year")
    if year is not None:
        if not year.isascii() or not year.isdigit() or not 2000 <= int(year) <= 2100:
            raise DomainError(_("The query parameter year must be a year from 2000 to 2100."), status=400,
                              code="bad_request")
        query = query.where(queries.year_filter(int(year)))
    return jsonify({"items": [meeting_summary(m) for m in db.session.scalars(query.limit(MAX_ITEMS))]})


@bp.get("/meetings/<int:meeting_id>")
@authenticated
def meeting_get(meeting_id: int):
    return jsonify(meeting_json(_load(meeting_id)))


@bp.get("/meetings/<int:meeting_id>/attendance")
@authenticated
def meeting_attendance(meeting_id: int):
    page = _load(meeting_id)
    return jsonify({"meeting_id": page.meeting.id, **attendance_json(page)})


@bp.get("/action-items")
@roles_required(*STAFF)
def action_item_list():
    """The unit's action items; ``?status=open|overdue|closed`` (default: all)."""
    unit = current_unit()
    require(can_list_meetings(current_user, unit))
    status = request.args.get("status")
    if status is not None and status not in ("open", "overdue", "closed"):
        raise DomainError(_("The query parameter status must be open, overdue or closed."), status=400,
                          code="bad_request")
    today = utcnow().date()
    query = queries.action_item_query(unit.id, queries.ActionFilters(status=status), today=today)
    return jsonify({"items": [action_item_json(item, today) for item in db.session.scalars(query.limit(MAX_ITEMS))]})


@bp.get("/action-items/<int:action_id>")
@authenticated
def action_item_get(action_id: int):
    item = db.session.get(ActionItem, action_id)
    require_visible(item is not None and can_view_action_item(current_user, item))
    return jsonify(action_item_json(item, utcnow().date()))


# --- OpenAPI ---------------------------------------------------------------------------------------

def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


_TIMESTAMP = {"type": "string", "format": "date-time", "nullable": True}
_UNIT = {"name": "unit_id", "in": "query", "required": False, "schema": {"type": "integer"},
         "description": "A unit the caller works in or oversees (default: the caller's unit)"}
_ATTENDANCE = {
    "type": "object", "required": ["attendees", "guests"],
    "properties": {
        "meeting_id": {"type": "integer"},
        "attendees": {"type": "array", "items": {
            "type": "object", "required": ["lecturer_id", "full_name", "kind", "status", "reason", "amended"],
            "properties": {"lecturer_id": {"type": "integer"}, "full_name": {"type": "string"},
                           "kind": {"type": "string", "enum": ["full_time", "adjunct"]},
                           "status": {"type": "string", "enum": [status.value for status in AttendanceStatus],
                                      "description": "In effect (amended where amended); expected = not recorded"},
                           "reason": {"type": "string"}, "amended": {"type": "boolean"}}}},
        "guests": {"type": "array", "items": {"type": "object", "required": ["full_name", "position"],
                                              "properties": {"full_name": {"type": "string"},
                                                             "position": {"type": "string"}}}},
    },
}
_MEETING_SUMMARY = {
    "type": "object",
    "required": ["id", "unit_id", "month", "number", "state", "starts_at", "ends_at", "chair_id", "secretary_id"],
    "properties": {
        "id": {"type": "integer"}, "unit_id": {"type": "integer"},
        "month": {"type": "string", "format": "date", "description": "The first day of the month"},
        "number": {"type": "string"}, "state": {"type": "string", "enum": [state.value for state in MinutesState]},
        "starts_at": {"type": "string", "format": "date-time"}, "ends_at": _TIMESTAMP, "place": {"type": "string"},
        "chair_id": {"type": "integer"}, "secretary_id": {"type": "integer"}, "approved_at": _TIMESTAMP,
        "amended": {"type": "boolean"},
    },
}
_ACTION_ITEM = {
    "type": "object", "required": ["id", "meeting_id", "description", "owner_id", "due_on", "status", "overdue"],
    "properties": {
        "id": {"type": "integer"}, "unit_id": {"type": "integer"}, "meeting_id": {"type": "integer"},
        "description": {"type": "string"}, "owner_id": {"type": "integer", "description": "A lecturer id"},
        "owner_name": {"type": "string"}, "due_on": {"type": "string", "format": "date"},
        "status": {"type": "string", "enum": [status.value for status in ActionStatus]},
        "overdue": {"type": "boolean"}, "closed_at": _TIMESTAMP,
        "closed_by_id": {"type": "integer", "nullable": True}, "note": {"type": "string"},
    },
}
_MEETING = {"allOf": [_ref("MeetingSummary"), _ref("MeetingAttendance"), {
    "type": "object",
    "required": ["conclusion", "agenda", "content_updates", "action_items", "carried_action_item_ids"],
    "properties": {
        "conclusion": {"type": "string"},
        "agenda": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "position": {"type": "integer"}, "title": {"type": "string"},
            "summary": {"type": "string"}, "conclusion": {"type": "string"},
            "contributions": {"type": "array", "items": {"type": "object", "properties": {
                "speaker": {"type": "string"}, "content": {"type": "string"}}}}}}},
        "content_updates": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"}, "body": {"type": "string"},
            "topic_ids": {"type": "array", "items": {"type": "integer"}}}}},
        "action_items": {"type": "array", "items": _ref("ActionItem"), "description": "Assigned at this meeting"},
        "carried_action_item_ids": {"type": "array", "items": {"type": "integer"},
                                    "description": "Earlier action items still open when this meeting started"},
        "observation_ids": {"type": "array", "items": {"type": "integer"},
                            "description": "Finalised observations discussed at this meeting"},
        "amendments": {"type": "array", "items": {"type": "object", "properties": {
            "at": {"type": "string", "format": "date-time"}, "by_id": {"type": "integer"},
            "target": {"type": "string"}, "target_id": {"type": "integer", "nullable": True},
            "reason": {"type": "string"}, "before": {"type": "object"}, "after": {"type": "object"}}}},
    },
}]}

document(
    {
        "/meetings": {"get": {
            "summary": "The minutes of professional meetings of the caller's unit, newest month first",
            "parameters": [_UNIT, {"name": "year", "in": "query", "required": False,
                                   "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "Minutes", **_json({
                "type": "object", "required": ["items"],
                "properties": {"items": {"type": "array", "items": _ref("MeetingSummary")}}})},
                **error_responses(400, 401, 403)},
        }},
        "/meetings/{meeting_id}": {"get": {
            "summary": "The minutes: attendance, agenda with contributions and conclusions, content updates, "
                       "action items (values in effect after amendments)",
            "parameters": [_path("meeting_id")],
            "responses": {"200": {"description": "The minutes", **_json(_ref("Meeting"))},
                          **error_responses(401, 404)},
        }},
        "/meetings/{meeting_id}/attendance": {"get": {
            "summary": "Who was expected, present or absent (with or without reason), and the guests",
            "parameters": [_path("meeting_id")],
            "responses": {"200": {"description": "The attendance", **_json(_ref("MeetingAttendance"))},
                          **error_responses(401, 404)},
        }},
        "/action-items": {"get": {
            "summary": "The action items of the caller's unit: open ones first by due date",
            "parameters": [_UNIT, {"name": "status", "in": "query", "required": False,
                                   "schema": {"type": "string", "enum": ["open", "overdue", "closed"]}}],
            "responses": {"200": {"description": "Action items", **_json({
                "type": "object", "required": ["items"],
                "properties": {"items": {"type": "array", "items": _ref("ActionItem")}}})},
                **error_responses(400, 401, 403)},
        }},
        "/action-items/{action_id}": {"get": {
            "summary": "An action item (the unit's staff, and its owner)",
            "parameters": [_path("action_id")],
            "responses": {"200": {"description": "The action item", **_json(_ref("ActionItem"))},
                          **error_responses(401, 404)},
        }},
    },
    {"MeetingSummary": _MEETING_SUMMARY, "MeetingAttendance": _ATTENDANCE, "ActionItem": _ACTION_ITEM,
     "Meeting": _MEETING},
)
