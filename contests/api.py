"""API: contests (SPEC §6) — create, panel, entries, a judge's marks, phases, the ranking.
Permissions are exactly the pages' (contests.permissions)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import User
from contests import queries, services
from contests.enums import Aggregation, ContestLevel, ContestPhase, Eligibility, Prize
from contests.models import Contest, ContestEntry
from contests.permissions import (can_change_phase, can_create_contest, can_list_contests, can_edit_contest, can_judge_contest,
                                  can_view_contest, can_view_ranking, levels_for,
                                  organising_unit)
from core.api import bp, created, document, error_responses, is_id, json_body, json_text
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.permissions import authenticated, require, require_visible
from lecturers.models import Lecturer


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def contest_json(contest: Contest) -> dict[str, Any]:
    return {
        "id": contest.id, "name": contest.name, "level": contest.level, "year": contest.year,
        "unit_id": contest.unit_id, "organiser_id": contest.organiser_id, "phase": contest.phase,
        "starts_on": contest.starts_on.isoformat() if contest.starts_on else None,
        "ends_on": contest.ends_on.isoformat() if contest.ends_on else None,
        "eligibility": contest.eligibility, "aggregation": contest.aggregation, "tie_break": contest.tie_break,
        "prize_quotas": contest.quotas,
        "components": [{"code": c.code, "name": c.name, "max_points": _number(c.max_points),
                        "weight": _number(c.weight), "time_limit_minutes": c.time_limit_minutes,
                        "rubric_version_id": c.rubric_version_id}
                       for c in contest.components],
        "judges": [{"user_id": j.user_id, "full_name": j.user.full_name} for j in contest.judges],
        "entries": [entry_json(e) for e in contest.entries],
    }


def entry_json(entry: ContestEntry) -> dict[str, Any]:
    return {"id": entry.id, "lecturer_id": entry.lecturer_id, "full_name": entry.lecturer.full_name,
            "unit_id": entry.unit_id, "topic": entry.topic}


def _load(contest_id: int) -> Contest:
    contest = queries.contest_detail(contest_id)
    if contest is None or not can_view_contest(current_user, contest):
        raise DomainError(_("No such contest."), status=404, code="not_found")
    return contest


def _date(data: dict[str, Any], key: str) -> date | None:
    value = data.get(key)
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) else _bad(key)
    except ValueError:
        return _bad(key)


def _bad(key: str):
    raise DomainError(_("The field %(field)s must be a date (YYYY-MM-DD).", field=key), field=key)


def _list(data: dict[str, Any], key: str) -> list:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise DomainError(_("The field %(field)s must be a list.", field=key), field=key)
    return value


@bp.get("/contests")
@authenticated
def contest_list():
    """The contests the caller may open, newest year first (directors and overseers, as the page)."""
    unit = current_user.active_unit
    require(unit is not None and can_list_contests(current_user, unit))
    return jsonify([{"id": c.id, "name": c.name, "level": c.level, "year": c.year, "phase": c.phase,
                     "unit_id": c.unit_id} for c in queries.visible_contests(current_user)])


@bp.post("/contests")
@authenticated
def contest_create():
    """A director creates a unit-level contest of their unit; an overseer a higher one."""
    unit = current_user.active_unit
    require(unit is not None and can_create_contest(current_user, unit))
    data = json_body()
    level = json_text(data, "level", max_length=16)
    if level not in {lvl.value for lvl in levels_for(current_user, unit)}:
        raise DomainError(_("You cannot organise a contest of this level."), status=403, code="forbidden")
    components = _list(data, "components")
    if not all(isinstance(c, dict) for c in components):
        raise DomainError(_("Each component must be an object."), field="components")
    quotas = data.get("prize_quotas") or {}
    if not isinstance(quotas, dict):
        raise DomainError(_("The field %(field)s must be an object.", field="prize_quotas"), field="prize_quotas")
    values = {"name": json_text(data, "name", max_length=300), "level": level, "year": data.get("year"),
              "aggregation": data.get("aggregation") or Aggregation.MEAN,
              "eligibility": data.get("eligibility") or Eligibility.ALL,
              "starts_on": _date(data, "starts_on"), "ends_on": _date(data, "ends_on"),
              "tie_break": _list(data, "tie_break"), "prize_quotas": quotas}
    contest = services.create_contest(unit=organising_unit(current_user, unit, level), values=values, components=components, actor=current_user,
                                      now=utcnow())
    db.session.commit()
    return created(contest_json(_load(contest.id)))


@bp.get("/contests/<int:contest_id>")
@authenticated
def contest_get(contest_id: int):
    return jsonify(contest_json(_load(contest_id)))


@bp.post("/contests/<int:contest_id>/judges")
@authenticated
def contest_judge_add(contest_id: int):
    """The organiser puts a user on the panel ``{"user_id"}`` (setup only)."""
    contest = _load(contest_id)
    require(can_edit_contest(current_user, contest))
    user_id = json_body().get("user_id")
    user = db.session.get(User, user_id) if is_id(user_id) else None
    judge = services.add_judge(contest, user=user, actor=current_user, now=utcnow())
    db.session.commit()
    return created({"id": judge.id, "contest_id": contest_id, "user_id": judge.user_id})


@bp.post("/contests/<int:contest_id>/entries")
@authenticated
def contest_entry_add(contest_id: int):
    """The organiser enters a lecturer ``{"lecturer_id", "topic"}`` (setup only)."""
    contest = _load(contest_id)
    require(can_edit_contest(current_user, contest))
    data = json_body()
    lecturer_id = data.get("lecturer_id")
    lecturer = db.session.get(Lecturer, lecturer_id) if is_id(lecturer_id) else None
    entry = services.add_entry(contest, lecturer=lecturer, topic=json_text(data, "topic", max_length=300),
                               actor=current_user, now=utcnow())
    db.session.commit()
    return created(entry_json(entry))


def _my_marks(entry: ContestEntry) -> dict[str, Any]:
    codes = {c.id: c.code for c in entry.contest.components}
    mine = [m for m in entry.marks if m.judge_id == current_user.id]
    return {"entry_id": entry.id, "marks": {codes[m.component_id]: _number(m.points) for m in mine},
            "scores": {codes[m.component_id]: {code: float(value) for code, value in m.scores.items()}
                       for m in mine if m.scores}}


@bp.put("/contests/<int:contest_id>/entries/<int:entry_id>/my-marks")
@authenticated
def contest_my_marks(contest_id: int, entry_id: int):
    """A judge's marks for an entry ``{"marks": {"<code>": number}}`` while judging (null clears one);
    a component scored on a rubric takes ``{"<criterion code>": number}`` instead of a number."""
    contest = _load(contest_id)
    entry = next((e for e in contest.entries if e.id == entry_id), None)
    require_visible(entry is not None)
    require(can_judge_contest(current_user, contest))
    marks = json_body().get("marks")
    if not isinstance(marks, dict):
        raise DomainError(_("The field %(field)s must be an object.", field="marks"), field="marks")
    services.save_marks(entry, judge=current_user, marks=marks, now=utcnow())
    db.session.commit()
    return jsonify(_my_marks(entry))


@bp.post("/contests/<int:contest_id>/phase")
@authenticated
def contest_phase(contest_id: int):
    """The organiser moves the contest on ``{"phase": "judging|closed|published"}``."""
    contest = _load(contest_id)
    require(can_change_phase(current_user, contest))
    warnings = services.set_contest_phase(contest, json_text(json_body(), "phase", max_length=16),
                                          actor=current_user, now=utcnow())
    db.session.commit()
    return jsonify({**contest_json(_load(contest_id)), "quota_exceeded": warnings})


def ranking_json(contest: Contest) -> list[dict[str, Any]]:
    lecturers = {e.id: e.lecturer_id for e in contest.entries}
    return [{"entry_id": row.entry_id, "lecturer_id": lecturers[row.entry_id], "total": _number(row.total),
             "rank": row.rank, "prize": row.prize,
             "components": {code: _number(value) for code, value in row.components.items()}}
            for row in queries.ranking_of(contest).entries]


@bp.get("/contests/<int:contest_id>/ranking")
@authenticated
def contest_ranking(contest_id: int):
    """The organiser's at any time; the judges' once closed; everyone's who may see the contest once published."""
    contest = _load(contest_id)
    require(can_view_ranking(current_user, contest))
    return jsonify(ranking_json(contest))


# --- OpenAPI ------------------------------------------------------------------------------------

def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


NUMBER = {"type": "number", "nullable": True}
QUOTA = {"type": "integer", "minimum": 0, "nullable": True}
COMPONENT = {"type": "object", "required": ["code", "name", "max_points", "weight"], "properties": {
    "code": {"type": "string"}, "name": {"type": "string"}, "max_points": {"type": "number"},
    "weight": {"type": "number"}, "time_limit_minutes": {"type": "integer", "nullable": True},
    "rubric_version_id": {"type": "integer", "nullable": True,
                          "description": "judges score this published rubric's criteria; null: one mark"}}}
ENTRY = {"type": "object", "required": ["id", "lecturer_id", "topic"], "properties": {
    "id": {"type": "integer"}, "lecturer_id": {"type": "integer"}, "full_name": {"type": "string"},
    "unit_id": {"type": "integer"}, "topic": {"type": "string"}}}
SCHEMAS = {
    "Contest": {"type": "object", "required": ["id", "name", "level", "year", "phase", "components"], "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"},
        "level": {"type": "string", "enum": [v.value for v in ContestLevel]}, "year": {"type": "integer"},
        "unit_id": {"type": "integer"}, "organiser_id": {"type": "integer"},
        "phase": {"type": "string", "enum": [v.value for v in ContestPhase]},
        "starts_on": {"type": "string", "format": "date", "nullable": True},
        "ends_on": {"type": "string", "format": "date", "nullable": True},
        "eligibility": {"type": "string", "enum": [v.value for v in Eligibility]},
        "aggregation": {"type": "string", "enum": [v.value for v in Aggregation]},
        "tie_break": {"type": "array", "items": {"type": "string"}},
        "prize_quotas": {"type": "object", "properties": {code: QUOTA for code in ("first", "second", "third",
                                                                                    "consolation")}},
        "components": {"type": "array", "items": COMPONENT},
        "judges": {"type": "array", "items": {"type": "object", "properties": {
            "user_id": {"type": "integer"}, "full_name": {"type": "string"}}}},
        "entries": {"type": "array", "items": ENTRY},
        "quota_exceeded": {"type": "array", "items": {"type": "string"}}}},
    "ContestEntry": ENTRY,
    "RankingRow": {"type": "object", "required": ["entry_id", "lecturer_id", "total", "rank", "prize", "components"],
                   "properties": {"entry_id": {"type": "integer"}, "lecturer_id": {"type": "integer"},
                                  "total": NUMBER, "rank": {"type": "integer", "nullable": True},
                                  "prize": {"type": "string", "enum": [p.value for p in Prize], "nullable": True},
                                  "components": {"type": "object", "additionalProperties": NUMBER}}},
}
CONTEST_BODY = {"type": "object", "required": ["name", "level", "year"], "properties": {
    "name": {"type": "string"}, "level": {"type": "string", "enum": [v.value for v in ContestLevel]},
    "year": {"type": "integer"}, "aggregation": {"type": "string", "enum": [v.value for v in Aggregation]},
    "eligibility": {"type": "string", "enum": [v.value for v in Eligibility]},
    "starts_on": {"type": "string", "format": "date"}, "ends_on": {"type": "string", "format": "date"},
    "components": {"type": "array", "items": COMPONENT}, "tie_break": {"type": "array", "items": {"type": "string"}},
    "prize_quotas": {"type": "object", "properties": {code: QUOTA for code in ("first", "second", "third",
                                                                                "consolation")}}}}
CONTEST = _json({"$ref": "#/components/schemas/Contest"})
document({
    "/contests": {
        "get": {"summary": "The contests the caller may open",
                "responses": {"200": {"description": "Contests", **_json({"type": "array", "items": {
                    "type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                                     "level": {"type": "string"}, "year": {"type": "integer"},
                                                     "phase": {"type": "string"},
                                                     "unit_id": {"type": "integer"}}}})},
                              **error_responses(401)}},
        "post": {"summary": "Create a contest (a director: unit level; an overseer: higher levels)",
                 "requestBody": {"required": True, **_json(CONTEST_BODY)},
                 "responses": {"201": {"description": "The contest", **CONTEST},
                               **error_responses(400, 401, 403, 422)}}},
    "/contests/{contest_id}": {"get": {
        "summary": "A contest with its components, judges and entries", "parameters": [_path("contest_id")],
        "responses": {"200": {"description": "The contest", **CONTEST}, **error_responses(401, 404)}}},
    "/contests/{contest_id}/judges": {"post": {
        "summary": "Put a user on the judging panel (setup only)", "parameters": [_path("contest_id")],
        "requestBody": {"required": True, **_json({"type": "object", "required": ["user_id"],
                                                   "properties": {"user_id": {"type": "integer"}}})},
        "responses": {"201": {"description": "The judge", **_json({"type": "object", "properties": {
            "id": {"type": "integer"}, "contest_id": {"type": "integer"}, "user_id": {"type": "integer"}}})},
            **error_responses(400, 401, 403, 404, 409, 422)}}},
    "/contests/{contest_id}/entries": {"post": {
        "summary": "Enter a lecturer with a topic (setup only)", "parameters": [_path("contest_id")],
        "requestBody": {"required": True, **_json({"type": "object", "required": ["lecturer_id", "topic"],
                                                   "properties": {"lecturer_id": {"type": "integer"},
                                                                  "topic": {"type": "string"}}})},
        "responses": {"201": {"description": "The entry", **_json({"$ref": "#/components/schemas/ContestEntry"})},
                      **error_responses(400, 401, 403, 404, 409, 422)}}},
    "/contests/{contest_id}/entries/{entry_id}/my-marks": {"put": {
        "summary": "A judge's marks for an entry, by component code (while judging)",
        "parameters": [_path("contest_id"), _path("entry_id")],
        "requestBody": {"required": True, **_json({"type": "object", "required": ["marks"], "properties": {
            "marks": {"type": "object", "additionalProperties": {"oneOf": [
                NUMBER, {"type": "object", "additionalProperties": {"type": "number"}}]}}}})},
        "responses": {"200": {"description": "The judge's marks", **_json({"type": "object", "properties": {
            "entry_id": {"type": "integer"}, "marks": {"type": "object", "additionalProperties": NUMBER},
            "scores": {"type": "object", "additionalProperties": {
                "type": "object", "additionalProperties": {"type": "number"}}}}})},
            **error_responses(400, 401, 403, 404, 409, 422)}}},
    "/contests/{contest_id}/phase": {"post": {
        "summary": "Move the contest on: setup → judging → closed → published",
        "parameters": [_path("contest_id")],
        "requestBody": {"required": True, **_json({"type": "object", "required": ["phase"], "properties": {
            "phase": {"type": "string", "enum": ["judging", "closed", "published"]}}})},
        "responses": {"200": {"description": "The contest, with quota_exceeded (prize codes)", **CONTEST},
                      **error_responses(400, 401, 403, 404, 409, 422)}}},
    "/contests/{contest_id}/ranking": {"get": {
        "summary": "Per entry: combined component marks, weighted total, rank and prize",
        "parameters": [_path("contest_id")],
        "responses": {"200": {"description": "The ranking, best first", **_json({
            "type": "array", "items": {"$ref": "#/components/schemas/RankingRow"}})},
            **error_responses(401, 403, 404)}}},
}, SCHEMAS)
