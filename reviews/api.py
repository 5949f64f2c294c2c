"""API: rubrics, observations, scoresheets, progress (routes are added on core.api.bp).

Each route mirrors a page of ``reviews.views`` and asks the same predicates of
``reviews.permissions``; the rules themselves live in ``reviews.services``. Scores, totals
and percents are exact decimals, written as JSON numbers; dates are ISO ``yyyy-mm-dd``.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from accounts.auth import cached_working_units
from accounts.models import Unit, User
from core.api import bp, created, document, error_responses, is_id, json_body, json_bool, json_text
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.permissions import authenticated, require, require_visible
from lecturers.models import Lecturer, TeachingSession, Topic
from lecturers.permissions import can_view_lecturer
from reviews import authoring, evidence, practice, progress, queries, services
from reviews.enums import (SHEET_TEXTS, ObservationKind, ObservationState, PracticePurpose, Rating, RubricVersionState,
                           SheetState)
from reviews.models import Observation, Sheet
from reviews.permissions import (can_finalize_observation, can_plan_observation, can_respond_to_observation,
                                 can_view_candidates, can_view_observation, can_view_rubric)
from reviews.presenters import observation_page
from reviews.rubrics import Rubric, RubricDomain, RubricVersion

MAX_OBSERVERS = 50
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


# --- serialisation ----------------------------------------------------------------------------


def number(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: an int when whole, else the float whose shortest form is
    the same decimal (scores and percents have at most two decimals)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _timestamp(value) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def _scores(scores: dict[str, Decimal]) -> dict[str, int | float]:
    return {code: number(value) for code, value in scores.items()}


def rubric_json(rubric: Rubric, version: RubricVersion, *, default: RubricVersion | None) -> dict[str, Any]:
    return {
        "id": rubric.id, "unit_id": rubric.unit_id, "code": rubric.code, "name": rubric.name,
        "name_en": rubric.name_en, "is_default": default is not None and default.id == version.id,
        "version": version.number, "version_id": version.id, "state": version.state,
        "max_total": number(version.max_total),
        "domains": [{
            "code": domain.code, "title": domain.title, "title_en": domain.title_en,
            "max_total": number(domain.max_total),
            "criteria": [{
                "code": criterion.code, "title": criterion.title, "title_en": criterion.title_en,
                "max_points": number(criterion.max_points), "step": number(criterion.step),
                "is_critical": criterion.is_critical,
                "descriptors": [line.strip() for line in criterion.descriptors.splitlines() if line.strip()],
            } for criterion in domain.criteria],
        } for domain in version.domains],
        "bands": [{"code": band.code, "min_total": number(band.min_total)} for band in version.bands],
    }


def sheet_json(sheet: Sheet, viewer: User) -> dict[str, Any]:
    """One observer's sheet. The observed lecturer reads the comments and scores, not the
    running notes (as on the page)."""
    payload = {
        "id": sheet.id, "observation_id": sheet.observation_id, "observer_id": sheet.observer_id,
        "observer_name": sheet.observer.full_name, "state": sheet.state, "version": sheet.version,
        "total": number(sheet.total), "percent": number(sheet.percent), "rating": sheet.rating,
        "scores": _scores(sheet.score_map()),
        "strengths": sheet.strengths, "shortcomings": sheet.shortcomings, "recommendations": sheet.recommendations,
        "updated_at": _timestamp(sheet.updated_at), "submitted_at": _timestamp(sheet.submitted_at),
    }
    if sheet.observer_id == viewer.id or not can_respond_to_observation(viewer, sheet.observation):
        payload["notes"] = sheet.notes
    return payload


def observation_json(observation: Observation, viewer: User) -> dict[str, Any]:
    """The observation as its page shows it to ``viewer``: the effective result once final,
    else the provisional consolidation when the viewer may read every submitted sheet."""
    page = observation_page(observation, viewer)
    version = observation.rubric_version
    result: dict[str, Any] = {"total": None, "percent": None, "rating": None, "spread": None,
                              "disagreement": None, "scores": None, "sheet_count": None, "method": None}
    if observation.is_finalized:
        summary = observation.summary()
        result.update(total=number(summary["total"]), percent=number(summary["percent"]), rating=summary["rating"],
                      spread={"stdev": number(observation.spread_stdev), "range": number(observation.spread_range)},
                      disagreement=observation.disagreement, scores=_scores(page.result_by_code),
                      sheet_count=observation.sheet_count, method=observation.method)
    elif page.consolidation is not None:
        consolidation = page.consolidation
        result.update(total=number(consolidation.total), percent=number(consolidation.percent),
                      rating=consolidation.rating,
                      spread={"stdev": number(consolidation.spread.stdev), "range": number(consolidation.spread.range)},
                      disagreement=consolidation.disagreement, scores=_scores(consolidation.per_criterion),
                      sheet_count=consolidation.sheet_count, method=consolidation.method)
    effective = observation.result() if observation.is_finalized else None
    return {
        "id": observation.id, "unit_id": observation.unit_id, "kind": observation.kind, "state": observation.state,
        "lecturer_id": observation.lecturer_id, "lecturer_name": observation.lecturer.full_name,
        "date": _iso(observation.date), "topic": observation.topic_title, "topic_id": observation.topic_id,
        "session_id": observation.session_id, "unannounced": observation.is_unannounced,
        "rubric_id": version.rubric_id, "rubric_version": version.number, "rubric_version_id": version.id,
        "max_total": number(version.max_total), "chair_id": observation.chair_id,
        **result,
        "amended": bool(observation.amendments),
        "debrief": observation.debrief if observation.is_finalized else None,
        "action_points": effective["action_points"] if effective else None,
        "finalized_at": _timestamp(observation.finalized_at),
        "observers": [{"id": sheet.observer_id, "full_name": sheet.observer.full_name, "sheet_state": sheet.state}
                      for sheet in observation.sheets],
        "sheets": [sheet_json(sheet, viewer) for sheet in page.sheets],
    }


# --- rubrics ----------------------------------------------------------------------------------


def _caller_unit() -> Unit | None:
    return getattr(current_user, "active_unit", None)


def _preload(versions: list[RubricVersion]) -> None:
    """Load the domains, criteria and bands of ``versions`` in a fixed number of queries."""
    if versions:
        db.session.scalars(sa.select(RubricVersion).where(RubricVersion.id.in_([v.id for v in versions])).options(
            selectinload(RubricVersion.domains).selectinload(RubricDomain.criteria),
            selectinload(RubricVersion.criteria), selectinload(RubricVersion.bands))).all()


@bp.get("/rubrics")
@authenticated
def rubric_list():
    """The shipped templates and the rubrics of the caller's unit (``?unit_id=`` picks it),
    each described by its current published version; unpublished rubrics are left out."""
    unit = _caller_unit()
    if unit is not None:
        rubrics = queries.rubrics_for(unit.id)
    else:
        rubrics = list(db.session.scalars(sa.select(Rubric).where(Rubric.unit_id.is_(None))
                                          .options(selectinload(Rubric.versions)).order_by(Rubric.name)))
    rubrics = [rubric for rubric in rubrics if rubric.current_version and can_view_rubric(current_user, rubric)]
    _preload([rubric.current_version for rubric in rubrics])
    default = authoring.default_version(unit) if unit is not None else None
    return jsonify({"items": [rubric_json(rubric, rubric.current_version, default=default) for rubric in rubrics]})


@bp.get("/rubrics/<int:rubric_id>")
@authenticated
def rubric_get(rubric_id: int):
    """A rubric's current published version, or with ``?version=N`` an earlier published
    (now retired) one, which observations planned on it still use. Drafts are not shown."""
    rubric = db.get_or_404(Rubric, rubric_id)
    require_visible(can_view_rubric(current_user, rubric))
    wanted = request.args.get("version")
    if wanted is None:
        version = rubric.current_version
    else:
        if not wanted.isascii() or not wanted.isdigit():
            raise DomainError(_("The query parameter version must be a version number."), status=400,
                              code="bad_request")
        version = next((v for v in rubric.versions if v.number == int(wanted)
                        and v.state != RubricVersionState.DRAFT), None)
    if version is None:
        raise DomainError(_("This rubric has no such published version."), status=404, code="not_found")
    unit = _caller_unit()
    return jsonify(rubric_json(rubric, version, default=authoring.default_version(unit) if unit else None))


# --- observations -----------------------------------------------------------------------------


def _load_observation(observation_id: int) -> Observation:
    """As ``reviews.views.common.load_observation``: 404 when it does not exist or the caller
    may not know it exists (another unit's, or an unannounced one for its lecturer)."""
    observation = queries.observation_detail(observation_id)
    if observation is None:
        raise DomainError(_("No such observation."), status=404, code="not_found")
    require_visible(can_view_observation(current_user, observation))
    return observation


def _own_sheet(observation: Observation) -> Sheet:
    sheet = next((s for s in observation.sheets if s.observer_id == current_user.id), None)
    if sheet is None:
        raise DomainError(_("You are not an observer of this observation."), status=404, code="not_found")
    return sheet


def _record(data: dict, key: str, model, message: str):
    """The record named by an optional id field, or None when the field is absent or null."""
    value = data.get(key)
    if value is None:
        return None
    record = db.session.get(model, value) if is_id(value) else None
    if record is None:
        raise DomainError(message, field=key)
    return record


def _date(data: dict, key: str) -> date | None:
    value = data.get(key)
    if value is None:
        return None
    try:
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise DomainError(_("The field %(field)s must be a date written yyyy-mm-dd.", field=key), field=key)


def _observers(data: dict) -> list[User]:
    ids = data.get("observer_ids")
    if not isinstance(ids, list) or not all(is_id(value) for value in ids) or len(ids) > MAX_OBSERVERS:
        raise DomainError(_("The field observer_ids must be a list of at most %(n)s user ids.", n=MAX_OBSERVERS),
                          field="observer_ids")
    return services.observers_of(ids)


_KINDS = {kind.value for kind in ObservationKind}


@bp.post("/observations")
@authenticated
def observation_create():
    """Like the plan-an-observation page, in the lecturer's unit: its directors and reviewers
    may plan. The rubric defaults to the unit's default rubric; its current published version
    is used."""
    require(any(can_plan_observation(current_user, unit) for unit in cached_working_units()))
    data = json_body()
    lecturer_id = data.get("lecturer_id")
    lecturer = db.session.get(Lecturer, lecturer_id) if is_id(lecturer_id) else None
    if lecturer is None or not can_view_lecturer(current_user, lecturer):
        raise DomainError(_("The field lecturer_id must be the id of a lecturer."), field="lecturer_id")
    unit = lecturer.unit
    require(can_plan_observation(current_user, unit))
    kind = data.get("kind", ObservationKind.OBSERVED_LESSON.value)
    if not isinstance(kind, str) or kind not in _KINDS:
        raise DomainError(_("The field kind must be observed_lesson or practice_lecture."), field="kind")
    if "rubric_id" in data:
        rubric = _record(data, "rubric_id", Rubric, _("The field rubric_id must be the id of a rubric."))
        version = rubric.current_version if rubric is not None and can_view_rubric(current_user, rubric) else None
    else:
        version = authoring.default_version(unit)
    common = dict(unit=unit, lecturer=lecturer, version=version, on=_date(data, "date"),
                  chair=_record(data, "chair_id", User, _("The field chair_id must be the id of a user.")),
                  topic=_record(data, "topic_id", Topic, _("The field topic_id must be the id of a topic.")),
                  topic_text=json_text(data, "topic", required=False, max_length=300),
                  actor=current_user, now=utcnow())
    if kind == ObservationKind.PRACTICE_LECTURE:
        observation = practice.schedule_practice(
            attendees=_observers(data), purpose=json_text(data, "purpose", required=False, max_length=16) or
            PracticePurpose.NEW_TOPIC.value, audience=json_text(data, "audience", required=False, max_length=300),
            allowed_minutes=_minutes(data, "allowed_minutes", default=45), **common)
    else:
        observation = services.plan_observation(
            observers=_observers(data), kind=kind, unannounced=json_bool(data, "unannounced", False),
            session=_record(data, "session_id", TeachingSession,
                            _("The field session_id must be the id of a teaching session.")), **common)
    db.session.commit()
    return created(observation_json(_load_observation(observation.id), current_user))


@bp.get("/observations/<int:observation_id>")
@authenticated
def observation_get(observation_id: int):
    """Like the observation page: unit staff, overseers, observers, and the observed lecturer
    (an unannounced observation only once final). Sheets are those the caller may read."""
    return jsonify(observation_json(_load_observation(observation_id), current_user))


@contextmanager
def _writing():
    """Run a service call and commit. Another request that changed the same sheet or
    observation in between (its version column moved) makes this a 409, not a 500."""
    try:
        yield
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise DomainError(_("The record was changed by someone else. Reload and try again."), status=409,
                          code="conflict") from error


def _sheet_changes(data: dict) -> tuple[dict, dict, int | None]:
    scores = data.get("scores", {})
    if scores is None:
        scores = {}
    if not isinstance(scores, dict):
        raise DomainError(_("The field scores must be an object: criterion code → score."), field="scores")
    texts = {name: json_text(data, name, required=False, max_length=services.MAX_TEXT)
             for name in SHEET_TEXTS if name in data}
    version = data.get("version")
    if version is not None and not is_id(version):
        raise DomainError(_("The field version must be the version number of the sheet."), field="version")
    return scores, texts, version


@bp.put("/observations/<int:observation_id>/my-sheet")
@authenticated
def sheet_save(observation_id: int):
    """Save the caller's own draft sheet, as the sheet page and its autosave do: the scores
    given (each validated against the rubric), and the texts given; what is left out is kept.
    With ``version``, a save based on an older state of the sheet is refused with 409."""
    observation = services.lock_observation(_load_observation(observation_id))
    sheet = _own_sheet(observation)
    scores, texts, version = _sheet_changes(json_body())
    with _writing():
        services.save_sheet(sheet, scores=scores, texts=texts, actor=current_user, now=utcnow(),
                            expected_version=version)
    return jsonify(sheet_json(sheet, current_user))


@bp.post("/observations/<int:observation_id>/my-sheet/submit")
@authenticated
def sheet_submit(observation_id: int):
    """Submit and lock the caller's own sheet; every criterion must be scored. Submitting an
    already submitted sheet changes nothing and answers it again."""
    observation = services.lock_observation(_load_observation(observation_id))
    sheet = _own_sheet(observation)
    with _writing():
        services.submit_sheet(sheet, actor=current_user, now=utcnow())
    return jsonify(sheet_json(sheet, current_user))


@bp.post("/observations/<int:observation_id>/finalize")
@authenticated
def observation_finalize(observation_id: int):
    """The chair or a director of the unit stores the consolidated result of the submitted
    sheets and locks the observation; optional body ``{"debrief", "action_points"}``."""
    observation = services.lock_observation(_load_observation(observation_id))
    if observation.is_finalized:
        raise DomainError(_("This observation is already finalised."), status=409, code="conflict")
    require(can_finalize_observation(current_user, observation))
    if observation.practice is not None:
        raise DomainError(_("A practice lecture is closed by its verdict (POST …/verdict)."), status=409,
                          code="conflict")
    data = json_body() if request.get_data() else {}
    debrief = json_text(data, "debrief", required=False, max_length=services.MAX_TEXT)
    action_points = json_text(data, "action_points", required=False, max_length=services.MAX_TEXT)
    with _writing():
        services.finalize_observation(observation, debrief=debrief, action_points=action_points,
                                      actor=current_user, now=utcnow())
    return jsonify(observation_json(_load_observation(observation_id), current_user))


def _minutes(data: dict, key: str, *, default: int | None) -> int | None:
    value = data.get(key, default)
    if value is not None and (type(value) is not int or not 1 <= value <= practice.MAX_MINUTES):
        raise DomainError(_("The field %(field)s must be a number of minutes from 1 to %(max)s.", field=key,
                            max=practice.MAX_MINUTES), field=key)
    return value


# --- progress ---------------------------------------------------------------------------------


@bp.get("/lecturers/<int:lecturer_id>/progress")
@authenticated
def lecturer_progress(lecturer_id: int):
    """A lecturer's finalised results over time (amended values where amended), for whoever
    may read the lecturer."""
    found = progress.lecturer_with_stamp(lecturer_id)  # the lecturer and their results version in one query
    if found is None:
        abort(404)
    lecturer, stamp = found
    require_visible(can_view_lecturer(current_user, lecturer))
    return jsonify({"points": [{"date": _iso(point.date), "kind": point.kind, "percent": number(point.percent),
                                "observation_id": point.observation_id}
                               for point in progress.lecturer_points(lecturer.id, stamp.lecturer_results)]})


# --- OpenAPI ----------------------------------------------------------------------------------


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


_NUMBER = {"type": "number"}
_TIMESTAMP = {"type": "string", "format": "date-time", "nullable": True}
_RATINGS = [rating.value for rating in Rating]
_RATING = {"type": "string", "enum": [*_RATINGS, None], "nullable": True}
_KIND_SCHEMA = {"type": "string", "enum": sorted(_KINDS)}
_SCORES = {"type": "object", "description": "Score by criterion code", "additionalProperties": _NUMBER}
_CRITERION = {
    "type": "object", "required": ["code", "title", "max_points", "step", "is_critical"],
    "properties": {"code": {"type": "string"}, "title": {"type": "string"}, "title_en": {"type": "string"},
                   "max_points": _NUMBER, "step": _NUMBER, "is_critical": {"type": "boolean"},
                   "descriptors": {"type": "array", "items": {"type": "string"},
                                   "description": "Level descriptors, one per line of the rubric"}},
}
_RUBRIC = {
    "type": "object", "required": ["id", "name", "version", "max_total", "domains", "bands"],
    "properties": {
        "id": {"type": "integer", "description": "The rubric's id"},
        "unit_id": {"type": "integer", "nullable": True, "description": "null for a shipped template"},
        "code": {"type": "string"}, "name": {"type": "string"}, "name_en": {"type": "string"},
        "is_default": {"type": "boolean", "description": "The default rubric for new observations of the unit"},
        "version": {"type": "integer", "description": "Number of the version described"},
        "version_id": {"type": "integer"},
        "state": {"type": "string", "enum": [RubricVersionState.PUBLISHED.value, RubricVersionState.RETIRED.value]},
        "max_total": _NUMBER,
        "domains": {"type": "array", "items": {
            "type": "object", "required": ["code", "title", "criteria"],
            "properties": {"code": {"type": "string"}, "title": {"type": "string"}, "title_en": {"type": "string"},
                           "max_total": _NUMBER,
                           "criteria": {"type": "array", "items": _ref("RubricCriterion")}}}},
        "bands": {"type": "array", "items": {
            "type": "object", "required": ["code", "min_total"],
            "properties": {"code": {"type": "string", "enum": _RATINGS[:-1]}, "min_total": _NUMBER}}},
    },
}
_SPREAD = {"type": "object", "nullable": True, "required": ["stdev", "range"],
           "description": "Sample standard deviation and max − min of the submitted sheets' totals",
           "properties": {"stdev": _NUMBER, "range": _NUMBER}}
_SHEET = {
    "type": "object",
    "required": ["id", "observer_id", "state", "total", "percent", "scores", "strengths", "shortcomings",
                 "recommendations", "version"],
    "properties": {
        "id": {"type": "integer"}, "observation_id": {"type": "integer"}, "observer_id": {"type": "integer"},
        "observer_name": {"type": "string"},
        "state": {"type": "string", "enum": [state.value for state in SheetState]},
        "version": {"type": "integer", "description": "Send it back with the next save to detect concurrent edits"},
        "total": _nullable(_NUMBER), "percent": _nullable(_NUMBER),
        "rating": {**_RATING, "description": "null while a draft is incomplete"},
        "scores": _SCORES, "strengths": {"type": "string"}, "shortcomings": {"type": "string"},
        "recommendations": {"type": "string"},
        "notes": {"type": "string", "description": "Running notes; not shown to the observed lecturer"},
        "updated_at": _TIMESTAMP, "submitted_at": _TIMESTAMP,
    },
}
_OBSERVATION = {
    "type": "object",
    "required": ["id", "state", "total", "percent", "rating", "spread", "disagreement", "sheets"],
    "properties": {
        "id": {"type": "integer"}, "unit_id": {"type": "integer"}, "kind": _KIND_SCHEMA,
        "state": {"type": "string", "enum": [state.value for state in ObservationState]},
        "lecturer_id": {"type": "integer"}, "lecturer_name": {"type": "string"},
        "date": {"type": "string", "format": "date"}, "topic": {"type": "string"},
        "topic_id": {"type": "integer", "nullable": True}, "session_id": {"type": "integer", "nullable": True},
        "unannounced": {"type": "boolean"}, "rubric_id": {"type": "integer"}, "rubric_version": {"type": "integer"},
        "rubric_version_id": {"type": "integer"}, "max_total": _NUMBER, "chair_id": {"type": "integer"},
        "total": {**_nullable(_NUMBER), "description": "The effective (amended) result once finalised; before, "
                                                       "the provisional consolidation of the submitted sheets when "
                                                       "the caller may read them all; else null"},
        "percent": _nullable(_NUMBER), "rating": _RATING, "spread": _SPREAD,
        "disagreement": {"type": "boolean", "nullable": True,
                         "description": "max − min of the sheet totals exceeds 15 % of the maximum"},
        "scores": {**_SCORES, "nullable": True, "description": "The result by criterion code (null with total)"},
        "sheet_count": {"type": "integer", "nullable": True},
        "method": {"type": "string", "enum": ["mean", "trimmed_mean", "median", None], "nullable": True},
        "amended": {"type": "boolean"}, "debrief": {"type": "string", "nullable": True},
        "action_points": {"type": "string", "nullable": True}, "finalized_at": _TIMESTAMP,
        "observers": {"type": "array", "items": {
            "type": "object", "required": ["id", "full_name", "sheet_state"],
            "properties": {"id": {"type": "integer"}, "full_name": {"type": "string"},
                           "sheet_state": {"type": "string", "enum": [state.value for state in SheetState]}}}},
        "sheets": {"type": "array", "items": _ref("Sheet"),
                   "description": "The sheets the caller may read: their own (draft or not), and other "
                                  "observers' submitted sheets once the caller's own is submitted"},
    },
}
_PLAN = {
    "type": "object", "required": ["lecturer_id", "observer_ids"],
    "properties": {
        "lecturer_id": {"type": "integer"},
        "rubric_id": {"type": "integer", "description": "Default: the unit's default rubric. Its current "
                                                        "published version is used."},
        "date": {"type": "string", "format": "date", "description": "Required unless session_id gives it"},
        "observer_ids": {"type": "array", "minItems": 1, "maxItems": MAX_OBSERVERS, "items": {"type": "integer"}},
        "kind": {**_KIND_SCHEMA, "default": ObservationKind.OBSERVED_LESSON.value},
        "topic": {"type": "string", "maxLength": 300, "description": "Free text"},
        "topic_id": {"type": "integer"}, "session_id": {"type": "integer"},
        "unannounced": {"type": "boolean", "default": False},
        "chair_id": {"type": "integer", "description": "Default: the planner if they observe, else the first "
                                                       "observer"},
        "purpose": {"type": "string", "enum": [p.value for p in PracticePurpose],
                    "description": "Practice lectures only (default new_topic)"},
        "audience": {"type": "string", "maxLength": 300, "description": "Practice lectures only"},
        "allowed_minutes": {"type": "integer", "minimum": 1, "maximum": 600,
                            "description": "Practice lectures only (default 45)"},
    },
}
_SHEET_SAVE = {
    "type": "object",
    "properties": {
        "scores": {**_SCORES, "description": "Scores to set, by criterion code: multiples of the criterion's step "
                                             "within [0, max]; the others are kept"},
        **{name: {"type": "string", "nullable": True, "maxLength": services.MAX_TEXT} for name in SHEET_TEXTS},
        "version": {"type": "integer", "description": "The sheet's version the client last read; a stale one is "
                                                      "refused with 409"},
    },
}
_TEXT = {"type": "string", "nullable": True, "maxLength": services.MAX_TEXT}

document(
    {
        "/rubrics": {"get": {
            "summary": "The shipped templates and the rubrics of the caller's unit, each as its current published "
                       "version",
            "parameters": [{"name": "unit_id", "in": "query", "required": False, "schema": {"type": "integer"},
                            "description": "A unit the caller works in or oversees (default: the caller's unit)"}],
            "responses": {"200": {"description": "Rubrics", **_json({
                "type": "object", "required": ["items"],
                "properties": {"items": {"type": "array", "items": _ref("Rubric")}}})},
                **error_responses(400, 401, 403)},
        }},
        "/rubrics/{rubric_id}": {"get": {
            "summary": "A rubric: its current published version, or an earlier one with ?version=N",
            "parameters": [_path("rubric_id"),
                           {"name": "version", "in": "query", "required": False, "schema": {"type": "integer"},
                            "description": "A version number (published or retired)"}],
            "responses": {"200": {"description": "The rubric", **_json(_ref("Rubric"))},
                          **error_responses(400, 401, 404)},
        }},
        "/observations": {"post": {
            "summary": "Plan an observation (a director or reviewer of the lecturer's unit)",
            "requestBody": {"required": True, **_json(_PLAN)},
            "responses": {"201": {"description": "Planned", **_json(_ref("Observation"))},
                          **error_responses(400, 401, 403, 422)},
        }},
        "/observations/{observation_id}": {"get": {
            "summary": "An observation with its result and the sheets the caller may read",
            "parameters": [_path("observation_id")],
            "responses": {"200": {"description": "The observation", **_json(_ref("Observation"))},
                          **error_responses(401, 404)},
        }},
        "/observations/{observation_id}/my-sheet": {"put": {
            "summary": "Save the caller's own draft sheet (the fields given; the others are kept)",
            "parameters": [_path("observation_id")],
            "requestBody": {"required": True, **_json(_SHEET_SAVE)},
            "responses": {"200": {"description": "The saved sheet", **_json(_ref("Sheet"))},
                          **error_responses(400, 401, 404, 409, 422)},
        }},
        "/observations/{observation_id}/my-sheet/submit": {"post": {
            "summary": "Submit and lock the caller's own sheet; submitting again changes nothing",
            "parameters": [_path("observation_id")],
            "responses": {"200": {"description": "The submitted sheet", **_json(_ref("Sheet"))},
                          **error_responses(401, 404, 409, 422)},
        }},
        "/observations/{observation_id}/finalize": {"post": {
            "summary": "Finalise: store the consolidated result of the submitted sheets (the chair or a director)",
            "parameters": [_path("observation_id")],
            "requestBody": {"required": False, **_json({
                "type": "object", "properties": {"debrief": _TEXT, "action_points": _TEXT}})},
            "responses": {"200": {"description": "The finalised observation", **_json(_ref("Observation"))},
                          **error_responses(400, 401, 403, 404, 409, 422)},
        }},
        "/lecturers/{lecturer_id}/progress": {"get": {
            "summary": "A lecturer's finalised results over time (percent of the rubric's maximum)",
            "parameters": [_path("lecturer_id")],
            "responses": {"200": {"description": "Progress points, oldest first", **_json({
                "type": "object", "required": ["points"],
                "properties": {"points": {"type": "array", "items": {
                    "type": "object", "required": ["date", "kind", "percent", "observation_id"],
                    "properties": {"date": {"type": "string", "format": "date"}, "kind": _KIND_SCHEMA,
                                   "percent": _NUMBER, "observation_id": {"type": "integer"}}}}}})},
                **error_responses(401, 404)},
        }},
    },
    {"Rubric": _RUBRIC, "RubricCriterion": _CRITERION, "Sheet": _SHEET, "Observation": _OBSERVATION},
)


# --- candidates (SPEC §3.8, §6) ---------------------------------------------------------------


@bp.get("/candidates")
@authenticated
def candidate_list():
    """The caller's unit's (or ``?unit_id=``'s) active lecturers with a submitted sheet in the
    window, ranked by severity-adjusted percent; the same rule as the candidate page."""
    unit = _caller_unit()
    require(unit is not None and can_view_candidates(current_user, unit))
    months = evidence.parse_months(request.args.get("months"))
    if months is None:
        raise DomainError(_("months must be a whole number from %(low)s to %(high)s.", low=evidence.MIN_MONTHS,
                            high=evidence.MAX_MONTHS), status=400, code="bad_request")
    eligibility = evidence.parse_eligibility(request.args.get("eligibility"))
    if eligibility is None:
        raise DomainError(_("eligibility must be all or full_time."), status=400, code="bad_request")
    rows = evidence.candidates([unit.id], evidence.window(months, today=utcnow().date()), eligibility=eligibility)
    return jsonify([_candidate_json(row) for row in rows])


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _candidate_json(row) -> dict[str, Any]:
    return {"lecturer_id": row.lecturer.id, "full_name": row.lecturer.full_name, "kind": row.lecturer.kind,
            "rank": row.rank, "raw_mean": _rounded(row.raw_mean), "adjusted": _rounded(row.adjusted.value),
            "stderr": _rounded(row.adjusted.stderr), "n_sheets": row.n_sheets, "n_observations": row.n_observations,
            "trend": _rounded(row.trend.slope) if row.trend else None,
            "trend_stderr": _rounded(row.trend.stderr) if row.trend else None,
            "not_separable_from_above": row.not_separable_from_above}


_CANDIDATE = {
    "type": "object",
    "required": ["lecturer_id", "raw_mean", "adjusted", "stderr", "n_sheets", "trend"],
    "properties": {
        "lecturer_id": {"type": "integer"}, "full_name": {"type": "string"},
        "kind": {"type": "string", "enum": ["full_time", "adjunct"]},
        "rank": {"type": "integer", "description": "1 for the highest adjusted percent"},
        "raw_mean": {**_NUMBER, "description": "Mean percent of the lecturer's submitted sheets in the window"},
        "adjusted": {**_NUMBER, "description": "Severity-adjusted percent (SPEC §3.5), comparable across reviewers"},
        "stderr": {**_NUMBER, "description": "Standard error of adjusted (percent points)"},
        "n_sheets": {"type": "integer"}, "n_observations": {"type": "integer"},
        "trend": {**_NUMBER, "nullable": True,
                  "description": "Slope of finalised results in percent points per year; null with fewer than 3"},
        "trend_stderr": {**_NUMBER, "nullable": True},
        "not_separable_from_above": {"type": "boolean",
                                     "description": "The 95 % intervals of this lecturer and the one ranked just "
                                                    "above overlap"},
    },
}

document(
    {"/candidates": {"get": {
        "summary": "Contest candidates: the active lecturers with at least one submitted sheet in the window, "
                   "ranked by severity-adjusted percent (a director of the unit, or an overseer of its province)",
        "parameters": [
            {"name": "months", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": 120, "default": 12},
             "description": "The window: this many months back from today"},
            {"name": "unit_id", "in": "query", "required": False, "schema": {"type": "integer"},
             "description": "A unit the caller directs or oversees (default: the caller's unit)"},
            {"name": "eligibility", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["all", "full_time"], "default": "all"}},
        ],
        "responses": {"200": {"description": "Candidates, highest adjusted first",
                              **_json({"type": "array", "items": _ref("Candidate")})},
                      **error_responses(400, 401, 403)},
    }}},
    {"Candidate": _CANDIDATE},
)
