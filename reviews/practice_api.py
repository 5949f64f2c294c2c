"""API: the practice-lecture actions — the lecturer's self-assessment and the chair's verdict."""
from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from core.api import bp, document, error_responses, json_body, json_text
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.permissions import authenticated, require
from reviews import practice, services
from reviews.api import _date, _load_observation, _minutes, observation_json
from reviews.enums import PracticeVerdict
from reviews.permissions import can_give_verdict, can_self_assess


def _practice_of(observation_id: int):
    observation = _load_observation(observation_id)
    if observation.practice is None:
        raise DomainError(_("This is not a practice lecture."), status=404, code="not_found")
    return observation


@bp.post("/observations/<int:observation_id>/self-assessment")
@authenticated
def practice_self_assessment(observation_id: int):
    """The rehearsing lecturer's self-assessment ``{"text", "actual_minutes"}``, given first."""
    observation = _practice_of(observation_id)
    require(can_self_assess(current_user, observation))
    data = json_body()
    practice.record_self_assessment(observation, text=json_text(data, "text", max_length=services.MAX_TEXT),
                                    actual_minutes=_minutes(data, "actual_minutes", default=None),
                                    actor=current_user, now=utcnow())
    db.session.commit()
    return jsonify(observation_json(_load_observation(observation_id), current_user))


@bp.post("/observations/<int:observation_id>/verdict")
@authenticated
def practice_verdict(observation_id: int):
    """The chair's verdict ``{"verdict": "ready|again", "rehearse_by", "debrief", "action_points",
    "actual_minutes"}``; "again" schedules the follow-up and closes this rehearsal."""
    observation = _practice_of(observation_id)
    require(can_give_verdict(current_user, observation))
    data = json_body()
    services.lock_observation(observation)
    follow_up = practice.give_verdict(
        observation, verdict=json_text(data, "verdict", max_length=16),
        rehearse_by=_date(data, "rehearse_by"),
        debrief=json_text(data, "debrief", required=False, max_length=services.MAX_TEXT),
        action_points=json_text(data, "action_points", required=False, max_length=services.MAX_TEXT),
        actual_minutes=_minutes(data, "actual_minutes", default=None), actor=current_user, now=utcnow())
    db.session.commit()
    body = observation_json(_load_observation(observation_id), current_user)
    body["follow_up_id"] = follow_up.id if follow_up else None
    return jsonify(body)


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


document({
    "/observations/{observation_id}/self-assessment": {"post": {
        "summary": "A practice lecture: the rehearsing lecturer's self-assessment (given before the attendees submit)",
        "parameters": [_path("observation_id")],
        "requestBody": {"required": True, **_json({
            "type": "object", "required": ["text"],
            "properties": {"text": {"type": "string"}, "actual_minutes": {"type": "integer", "minimum": 1,
                                                                           "maximum": practice.MAX_MINUTES}}})},
        "responses": {"200": {"description": "The practice lecture",
                              **_json({"$ref": "#/components/schemas/Observation"})},
                      **error_responses(400, 401, 403, 404, 409, 422)},
    }},
    "/observations/{observation_id}/verdict": {"post": {
        "summary": "A practice lecture: the chair's verdict; rehearse again schedules the follow-up",
        "parameters": [_path("observation_id")],
        "requestBody": {"required": True, **_json({
            "type": "object", "required": ["verdict"],
            "properties": {"verdict": {"type": "string", "enum": [v.value for v in PracticeVerdict]},
                           "rehearse_by": {"type": "string", "format": "date"},
                           "debrief": {"type": "string"}, "action_points": {"type": "string"},
                           "actual_minutes": {"type": "integer", "minimum": 1, "maximum": practice.MAX_MINUTES}}})},
        "responses": {"200": {"description": "The closed practice lecture, with follow_up_id",
                              **_json({"allOf": [{"$ref": "#/components/schemas/Observation"}, {
                                  "type": "object",
                                  "properties": {"follow_up_id": {"type": "integer", "nullable": True}}}]})},
                      **error_responses(400, 401, 403, 404, 409, 422)},
    }},
})
