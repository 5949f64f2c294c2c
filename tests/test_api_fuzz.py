"""Property-based fuzzing of the JSON API with schemathesis (docs/security.md item 37): every
operation of /api/v1/openapi.json gets generated requests, sent to the Flask app in-process
(no server) with a director's bearer token; no answer may be a 5xx, and every answer must
match the document: a documented status, the documented content type and body schema.
Only hypothesis' generate phase runs (a fixed number of examples, derandomised so every run
sends the same requests); schemathesis' coverage phase would add hundreds of requests.

Whatever a request creates is rolled back with the test's transaction (the ``app`` fixture)."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from tests import factories

API = "/api/v1"
EXAMPLES_PER_OPERATION = 6


@pytest.fixture
def director_token(client, world):
    response = client.post(f"{API}/tokens", json={"username": world.director.username,
                                                   "password": factories.PASSWORD})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def _document() -> dict:
    """The OpenAPI document as the app serves it. It is fixed when the blueprints are
    registered, so an app made for collection gives the same document as the test's app
    (schemathesis' fixture-based loader does not work with pytest 9)."""
    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with application.test_client() as client:
        return client.get(f"{API}/openapi.json").get_json()


# Generated ids name nothing, so the operations on one record would only ever answer 404:
# path ids name the sample records of the director's unit instead (made only when needed).
_RECORDS = {
    "lecturer_id": lambda world: world.lecturer.id,
    "observation_id": lambda world: world.observation.id,
    "plan_id": lambda world: world.plan.id,
    "rubric_id": lambda world: world.rubric.id,
    "contest_id": lambda world: world.contest_urls["contest_id"],
    "entry_id": lambda world: world.contest_urls["entry_id"],
    "meeting_id": lambda world: world.meeting_urls["meeting_id"],
    "action_id": lambda world: world.meeting_urls["action_id"],
}


def _name_real_records(case, world) -> None:
    for name in list(case.path_parameters or {}):
        if name in _RECORDS:
            case.path_parameters[name] = _RECORDS[name](world)
    if case.query and "unit_id" in case.query:  # any other unit is refused with a 403 before anything else
        case.query["unit_id"] = world.unit.id


schema = schemathesis.openapi.from_dict(_document())


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented_and_never_fails(case, app, client, world, director_token):
    # ``client`` clears ``g`` and commits the test's setup before each request, as a real
    # server would start each request afresh; the whole transaction is still rolled back.
    _name_real_records(case, world)
    response = case.call(session=client, app=app, headers={"Authorization": f"Bearer {director_token}"})

    case.validate_response(response, checks=[not_a_server_error, status_code_conformance,
                                              content_type_conformance, response_schema_conformance])


# Generated strings seldom hold a NUL, which PostgreSQL cannot store: each text field of the
# API writes gets one, and must be refused with a 422 naming the field.
NUL = "Nguyễn\x00Văn"


@pytest.mark.parametrize("method, path, body", [
    ("post", "/lecturers", lambda world: {"full_name": NUL}),
    ("post", "/contests", lambda world: {"name": NUL, "level": "unit", "year": 2026}),
    ("post", "/contests/{contest_id}/entries", lambda world: {"lecturer_id": world.colleague.id, "topic": NUL}),
    ("post", "/lesson-plans/{plan_id}/request-changes", lambda world: {"comments": {"general": NUL}}),
    ("post", "/lesson-plans/{plan_id}/request-changes", lambda world: {"comment": NUL}),
    ("put", "/observations/{observation_id}/my-sheet", lambda world: {"notes": NUL}),
    ("post", "/tokens", lambda world: {"username": NUL, "password": NUL}),
], ids=["lecturer", "contest", "entry", "plan-comments", "plan-comment", "sheet", "token"])
def test_text_with_a_nul_character_is_refused_with_422(client, world, director_token, method, path, body):
    ids = {name: record(world) for name, record in _RECORDS.items() if "{" + name + "}" in path}

    response = getattr(client, method)(API + path.format(**ids), json=body(world),
                                       headers={"Authorization": f"Bearer {director_token}"})

    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "invalid"
