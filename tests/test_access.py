"""Deny by default: every endpoint has an explicit policy here, and every endpoint is tried
by every role (ASVS 8.2.1, 8.2.2, 8.4.1).

The sample URL arguments always name records of unit A. Roles:

- ``admin``, ``director``, ``reviewer``, ``secretary``, ``lecturer``: users of unit A;
- ``overseer``: provincial overseer of province P, working in unit A (read-only there);
- ``sibling_director``: director of another unit of province P;
- ``outsider``: director of a unit of province Q.

Directors of other units may open the pages about their own unit (lists, "new" forms), but
every URL naming one of unit A's records answers 404 to them, never the data.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from accounts import services as account_services
from accounts.models import User
from accounts.queries import working_units
from core.extensions import db
from core.models import utcnow
from lecturers.models import Lecturer, Programme, TeachingSession
from tests import factories

ANONYMOUS = "anonymous"
ROLES = ("anonymous", "admin", "director", "reviewer", "secretary", "lecturer", "overseer",
         "sibling_director", "outsider")

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
ADMIN = frozenset({"admin"})
UNIT_A_READERS = frozenset({"director", "reviewer", "secretary", "overseer"})
# List pages show the records of the user's own unit, so a director elsewhere may open them.
OWN_UNIT_READERS = UNIT_A_READERS | {"sibling_director", "outsider"}
# Pages about the director's own unit ("new" forms, imports).
DIRECTORS = frozenset({"director", "sibling_director", "outsider"})
# Changes to one of unit A's records.
UNIT_A_DIRECTOR = frozenset({"director"})

# endpoint -> roles allowed; an endpoint with several URL rules whose policies differ maps
# each rule to its roles.
EXPECTED: dict[str, frozenset[str] | dict[str, frozenset[str]]] = {
    "core.index": EVERYONE,
    "core.healthz": EVERYONE,
    "accounts.login": EVERYONE,
    "accounts.logout": EVERYONE,
    "accounts.language": EVERYONE,
    "accounts.home": SIGNED_IN,
    "accounts.switch_unit": SIGNED_IN,
    "accounts.change_password": SIGNED_IN,
    "accounts.login_two_factor": EVERYONE,  # without a pending sign-in it sends everyone on
    "accounts.two_factor": SIGNED_IN,
    "accounts.two_factor_qr": SIGNED_IN,
    "accounts.two_factor_disable": SIGNED_IN,
    "admin.units": ADMIN,
    "admin.province_create": ADMIN,
    "admin.unit_edit": ADMIN,
    "admin.users": ADMIN,
    "admin.user_create": ADMIN,
    "admin.user_edit": ADMIN,
    "admin.user_reset_password": ADMIN,
    "admin.user_reset_two_factor": ADMIN,
    # The audit log: a director reads their own unit's entries, an administrator every entry.
    "audit.audit_log": DIRECTORS | {"admin"},
    "audit.audit_xlsx": DIRECTORS | {"admin"},
    "lecturers.lecturer_list": OWN_UNIT_READERS,
    "lecturers.lecturer_detail": UNIT_A_READERS | {"lecturer"},  # the sample lecturer is the lecturer's own profile
    "lecturers.lecturer_create": DIRECTORS,
    "lecturers.lecturer_edit": UNIT_A_DIRECTOR,
    "lecturers.lecturer_toggle_active": UNIT_A_DIRECTOR,
    "lecturers.roster_import": DIRECTORS,
    "lecturers.roster_template": DIRECTORS,
    "lecturers.workload": frozenset({"director", "overseer", "sibling_director", "outsider"}),
    "lecturers.programme_list": OWN_UNIT_READERS,
    "lecturers.programme_seed": DIRECTORS,
    "lecturers.programme_edit": {"/programmes/new": DIRECTORS,
                                 "/programmes/<int:programme_id>/edit": UNIT_A_DIRECTOR},
    "lecturers.topic_edit": UNIT_A_DIRECTOR,
    "lecturers.class_list": OWN_UNIT_READERS,
    "lecturers.class_detail": UNIT_A_READERS,
    "lecturers.class_edit": {"/classes/new": DIRECTORS, "/classes/<int:class_id>/edit": UNIT_A_DIRECTOR},
    "lecturers.session_create": UNIT_A_DIRECTOR,
    "lecturers.session_delete": UNIT_A_DIRECTOR,
    # Progress charts follow the lecturer page. Dashboards: a director's own unit; the province for its
    # overseers. Exports of the unit one works in: its director and the province's overseers. The
    # sample export job does not exist (a job is its starter's own; tested in tests/dashboards).
    "reviews.progress_chart": UNIT_A_READERS | {"lecturer"},
    "reviews.progress_domains": UNIT_A_READERS | {"lecturer"},
    "reviews.progress_csv": UNIT_A_READERS | {"lecturer"},
    "dashboards.unit_dashboard": DIRECTORS,
    "dashboards.province_dashboard": frozenset({"overseer"}),
    "dashboards.province_chart": frozenset({"overseer"}),
    "dashboards.export_observations": DIRECTORS | {"overseer"},
    "dashboards.export_roster": DIRECTORS | {"overseer"},
    "dashboards.export_quarterly": DIRECTORS | {"overseer"},
    "dashboards.export_status": frozenset(),
    "dashboards.export_download": frozenset(),
    # Lesson plans. The sample plan is world.lecturer's, submitted (waiting for review): its
    # lecturer, the unit's director and reviewers, and the province's overseer read it; the
    # director and reviewers decide; the draft form is closed to everyone while it is under review
    # (revising it then is a 409 for its lecturer). Directors elsewhere open their own queue.
    "lecturers.plan_list": frozenset({"lecturer"}),
    "lecturers.plan_create": frozenset({"lecturer"}),
    "lecturers.plan_detail": frozenset({"lecturer", "director", "reviewer", "overseer"}),
    "lecturers.plan_compare": frozenset({"lecturer", "director", "reviewer", "overseer"}),
    "lecturers.plan_file": frozenset({"lecturer", "director", "reviewer", "overseer"}),
    "lecturers.plan_edit": frozenset(),
    "lecturers.plan_submit": frozenset({"lecturer"}),
    "lecturers.plan_revise": frozenset({"lecturer"}),
    "lecturers.plan_review": frozenset({"director", "reviewer"}),
    "lecturers.plan_queue": frozenset({"director", "reviewer", "sibling_director", "outsider"}),
    "lecturers.plans_missing": frozenset({"director", "overseer", "sibling_director", "outsider"}),
    "api.lesson_plan_list": frozenset({"lecturer", "director", "reviewer", "overseer", "sibling_director", "outsider"}),
    "api.lesson_plan_get": frozenset({"lecturer", "director", "reviewer", "overseer"}),
    "api.lesson_plan_file": frozenset({"lecturer", "director", "reviewer", "overseer"}),
    "api.lesson_plan_create": frozenset({"lecturer"}),
    "api.lesson_plan_submit": frozenset({"lecturer"}),
    "api.lesson_plan_approve": frozenset({"director", "reviewer"}),
    "api.lesson_plan_request_changes": frozenset({"director", "reviewer"}),
    # Professional meetings. The sample minutes of unit A are a draft chaired by the director and
    # kept by the secretary, with a guest, an agenda item and an action item owned by the
    # lecturer. Approving needs every attendance recorded (refused here, after the checks) and
    # a correction needs approved minutes, so amending is refused to everyone here; their
    # allowed paths are tested in tests/meetings.
    "meetings.meeting_list": OWN_UNIT_READERS,
    "meetings.meeting_create": DIRECTORS | {"secretary"},
    "meetings.meeting_detail": UNIT_A_READERS,
    "meetings.meeting_edit": frozenset({"director", "secretary"}),
    "meetings.attendance": frozenset({"director", "secretary"}),
    "meetings.guest_add": frozenset({"director", "secretary"}),
    "meetings.agenda_add": frozenset({"director", "secretary"}),
    "meetings.agenda_edit": frozenset({"director", "secretary"}),
    "meetings.contribution_add": frozenset({"director", "secretary"}),
    "meetings.update_add": frozenset({"director", "secretary"}),
    "meetings.action_add": frozenset({"director", "secretary"}),
    "meetings.row_remove": frozenset({"director", "secretary"}),
    "meetings.meeting_approve": UNIT_A_DIRECTOR,
    "meetings.meeting_amend": frozenset(),
    "meetings.minutes_docx": UNIT_A_READERS,
    "meetings.minutes_pdf": UNIT_A_READERS,
    "meetings.action_list": OWN_UNIT_READERS,
    "meetings.action_close": frozenset({"director", "secretary", "lecturer"}),
    "meetings.report": frozenset({"director", "overseer", "sibling_director", "outsider"}),
    "api.meeting_list": OWN_UNIT_READERS,
    "api.meeting_get": UNIT_A_READERS,
    "api.meeting_attendance": UNIT_A_READERS,
    "api.action_item_list": OWN_UNIT_READERS,
    "api.action_item_get": UNIT_A_READERS | {"lecturer"},
    # Contests. The sample contest of unit A is in setup, organised by the director; the reviewer
    # is its judge; the lecturer is entered. Judging, phases and results are tested in tests/contests.
    "contests.contest_list": DIRECTORS | {"overseer"},
    "contests.contest_create": DIRECTORS,  # an overseer organises from the provincial board
    "contests.contest_detail": UNIT_A_READERS,
    "contests.component_add": UNIT_A_DIRECTOR,
    "contests.judge_add": UNIT_A_DIRECTOR,
    "contests.entry_add": UNIT_A_DIRECTOR,
    "contests.document_add": UNIT_A_DIRECTOR,
    "contests.document_file": frozenset({"director", "reviewer"}),
    "contests.marks": frozenset(),
    "contests.conflict_declare": frozenset({"reviewer"}),
    "contests.phase": UNIT_A_DIRECTOR,
    "contests.ranking": UNIT_A_DIRECTOR,
    "contests.ranking_xlsx": UNIT_A_DIRECTOR,
    "contests.ranking_docx": UNIT_A_DIRECTOR,
    "contests.outside_result": UNIT_A_DIRECTOR,
    "api.contest_list": DIRECTORS | {"overseer"},
    "api.contest_create": DIRECTORS,
    "api.contest_get": UNIT_A_READERS,
    "api.contest_judge_add": UNIT_A_DIRECTOR,
    "api.contest_entry_add": UNIT_A_DIRECTOR,
    "api.contest_my_marks": frozenset(),
    "api.contest_phase": UNIT_A_DIRECTOR,
    "api.contest_ranking": UNIT_A_DIRECTOR,
    "api.openapi": EVERYONE,
    "api.token_create": EVERYONE,
    "api.me": SIGNED_IN,
    "api.user_list": ADMIN,
    "api.user_create": ADMIN,
    "api.lecturer_list": OWN_UNIT_READERS,
    "api.lecturer_get": UNIT_A_READERS | {"lecturer"},
    "api.lecturer_create": DIRECTORS,
    # Reviews API: the same rules as the pages above (the sample rubric is a shipped template,
    # readable by everyone signed in).
    "api.rubric_list": SIGNED_IN,
    "api.rubric_get": SIGNED_IN,
    "api.observation_create": DIRECTORS | {"reviewer"},
    "api.observation_get": UNIT_A_READERS | {"lecturer"},
    "api.sheet_save": frozenset({"director", "reviewer"}),
    "api.sheet_submit": frozenset({"director", "reviewer"}),
    "api.observation_finalize": UNIT_A_DIRECTOR,
    "api.lecturer_progress": UNIT_A_READERS | {"lecturer"},
    # Observations. The sample observation of unit A is planned (announced) with the director
    # and the reviewer as observers; amending and responding need a final result, so before
    # finalisation they are refused to everyone (their allowed paths are tested in tests/reviews).
    "reviews.observation_list": OWN_UNIT_READERS,
    "reviews.observation_create": DIRECTORS | {"reviewer"},
    "reviews.my_observations": DIRECTORS | {"reviewer"},
    "reviews.observation_detail": UNIT_A_READERS | {"lecturer"},
    "reviews.observation_export": UNIT_A_READERS | {"lecturer"},
    "reviews.sheet_edit": frozenset({"director", "reviewer"}),
    "reviews.sheet_autosave": frozenset({"director", "reviewer"}),
    "reviews.observation_finalize": UNIT_A_DIRECTOR,
    "reviews.observation_amend": frozenset(),
    "reviews.observation_respond": frozenset(),
    "reviews.coverage": frozenset({"director", "overseer", "sibling_director", "outsider"}),
    "reviews.conflicts": DIRECTORS | {"reviewer"},
    # Contest candidates (evidence): a director's own unit; the province's overseer reads it. The
    # reviewers' severity is the director's only.
    "contests.candidates": DIRECTORS | {"overseer"},
    "contests.candidates_decide": DIRECTORS,
    "contests.candidate_decisions": DIRECTORS | {"overseer"},
    "reviews.severity": DIRECTORS,
    "api.candidate_list": DIRECTORS | {"overseer"},
    # Practice lectures: anyone who plans in their unit, and lecturers for their own rehearsal.
    # The sample observation is an observed lesson, so its practice actions are refused to all.
    "reviews.practice_create": DIRECTORS | {"reviewer", "lecturer"},
    "reviews.practice_self_assessment": frozenset(),
    "reviews.practice_verdict": frozenset(),
    "api.practice_self_assessment": frozenset(),
    "api.practice_verdict": frozenset(),
    # Rubrics. The sample version, domain and criterion belong to a draft rubric of unit A (its
    # domain has two criteria: the walk deletes one, the other is the sample afterwards). The
    # sample rubric_id is a shipped template, which nobody changes; a unit's own rubric is tested
    # in tests/reviews/test_rubrics.py.
    "reviews.rubric_list": DIRECTORS,
    "reviews.rubric_create": DIRECTORS,
    "reviews.rubric_settings": DIRECTORS,
    "reviews.rubric_version": UNIT_A_READERS,
    "reviews.rubric_copy": UNIT_A_DIRECTOR,
    "reviews.rubric_bands": UNIT_A_DIRECTOR,
    "reviews.rubric_publish": UNIT_A_DIRECTOR,
    "reviews.rubric_set_default": frozenset(),
    "reviews.rubric_new_version": frozenset(),
    "reviews.domain_edit": UNIT_A_DIRECTOR,
    "reviews.domain_delete": UNIT_A_DIRECTOR,
    "reviews.criterion_edit": UNIT_A_DIRECTOR,
    "reviews.criterion_delete": UNIT_A_DIRECTOR,
}
# GET views that answer with a redirect rather than a page.
REDIRECTING_VIEWS = {"core.index", "accounts.login_two_factor"}
# POSTs that concern only the signed-in user's own account or browser, not unit records.
PERSONAL_POSTS = {"accounts.login", "accounts.logout", "accounts.language", "accounts.switch_unit",
                  "accounts.change_password", "accounts.login_two_factor", "accounts.two_factor",
                  "accounts.two_factor_disable", "api.token_create"}


def _rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"),
                  key=lambda rule: (rule.endpoint, rule.rule))


def _has_expectation(rule) -> bool:
    entry = EXPECTED.get(rule.endpoint)
    return entry is not None and (not isinstance(entry, dict) or rule.rule in entry)


def _allowed_roles(rule) -> frozenset[str]:
    entry = EXPECTED[rule.endpoint]
    return entry[rule.rule] if isinstance(entry, dict) else entry


def _url_values(world) -> dict[str, int]:
    return {"lecturer_id": world.lecturer.id, "class_id": world.training_class.id,
            "programme_id": world.programme.id, "topic_id": world.topic.id, "session_id": world.session.id,
            "unit_id": world.unit.id, "user_id": world.reviewer.id, "observation_id": world.observation.id,
            "plan_id": world.plan.id, "number": 1, "job_id": "0" * 32, "fmt": "png",
            "version_id": world.rubric.versions[0].id, "domain_id": world.rubric.versions[0].domains[0].id,
            "criterion_id": world.rubric.versions[0].criteria[0].id,
            "rubric_id": factories.shipped_version().rubric_id, **(world.meeting_urls or {}),
            **(world.contest_urls or {})}


def _url(rule, values: dict[str, int]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), rule.rule)


def _is_api(rule) -> bool:
    return rule.rule.startswith("/api/")


def _api_headers(user: User) -> dict[str, str]:
    token = account_services.create_api_token(user, name="test", now=utcnow(), lifetime=timedelta(days=1))
    db.session.commit()  # a request that fails rolls back its session; the token must outlive it
    return {"Authorization": f"Bearer {token}"}


def _sign_in(client, world, role: str) -> tuple[dict[str, str], dict[str, int]]:
    """Sign ``role`` in, working in unit A where they may; return their API headers and the
    API query string that picks unit A for those who work there."""
    if role == ANONYMOUS:
        return {}, {}
    user = world.user(role)
    response = client.post("/login", data={"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302, role
    client.post("/unit", data={"unit_id": world.unit.id})
    works_in_unit_a = world.unit in working_units(user)
    return _api_headers(user), ({"unit_id": world.unit.id} if works_in_unit_a else {})


def _request(client, world, rule, method: str, headers: dict[str, str], query: dict[str, int]):
    url = _url(rule, _url_values(world))
    if _is_api(rule):
        body = {} if method in ("POST", "PUT") else None
        return client.open(url, method=method, headers=headers, query_string=query, json=body)
    return client.open(url, method=method, data={} if method == "POST" else None)


def _problem(role: str, rule, method: str, response) -> str | None:
    """Why ``response`` breaks the policy, or None when it keeps it."""
    status = response.status_code
    where = f"{role} {method} {rule.rule} ({rule.endpoint}) -> {status}"
    allowed = role in _allowed_roles(rule)
    if status >= 500:
        return where + ": server error"
    if allowed and method == "GET":
        wanted = {200, 302} if rule.endpoint in REDIRECTING_VIEWS else {200}
        return None if status in wanted else where + f": expected {sorted(wanted)}"
    if allowed:
        return None if status not in (403, 404) else where + ": expected to be allowed"
    if role == ANONYMOUS and _is_api(rule):
        body = response.get_json(silent=True) or {}
        ok = status == 401 and set(body.get("error", {})) == {"code", "message"}
        return None if ok else where + ": expected a 401 JSON error"
    if role == ANONYMOUS:
        ok = status == 302 and response.location.split("?")[0].endswith("/login")
        return None if ok else where + ": expected a redirect to /login"
    if _is_api(rule) and not (response.is_json and "error" in response.get_json()):
        return where + ": expected a JSON error"
    return None if status in (403, 404) else where + ": expected 403 or 404"


def _calls(app) -> list[tuple[object, str]]:
    """Every (rule, method) pair: reads first, then writes, signing out last so the
    session lasts for the whole walk and writes do not hide records from later reads."""
    reads = [(rule, "GET") for rule in _rules(app) if "GET" in rule.methods]
    writes = [(rule, method) for rule in _rules(app) for method in ("POST", "PUT") if method in rule.methods]
    writes.sort(key=lambda call: call[0].endpoint == "accounts.logout")
    return reads + writes


def test_every_endpoint_is_in_the_expected_table(app):
    missing = [f"{rule.endpoint} {rule.rule}" for rule in _rules(app) if not _has_expectation(rule)]

    assert missing == []


def test_expected_table_names_only_existing_endpoints(app):
    endpoints = {rule.endpoint for rule in _rules(app)}

    assert set(EXPECTED) - endpoints == set()


def test_every_view_declares_an_access_policy(app):
    undeclared = [endpoint for endpoint, view in app.view_functions.items()
                  if endpoint != "static" and getattr(view, "access_policy", None) is None]

    assert undeclared == []


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_answers_each_role_as_its_policy_says(world, client, role):
    headers, query = _sign_in(client, world, role)

    problems = []
    for rule, method in _calls(client.application):
        if not _has_expectation(rule) or rule.arguments - _url_values(world).keys():
            problems.append(f"{rule.endpoint} {rule.rule}: no expected policy or no sample URL value")
            continue
        response = _request(client, world, rule, method, headers, query)
        problems.append(_problem(role, rule, method, response))

    problems = [problem for problem in problems if problem]
    assert problems == [], "\n".join(problems)


# --- Records of another unit do not leak ---------------------------------------------------


def _unit_a_record_urls(world) -> list[tuple[str, str]]:
    return [
        ("GET", f"/lecturers/{world.lecturer.id}"),
        ("GET", f"/lecturers/{world.lecturer.id}/edit"),
        ("POST", f"/lecturers/{world.lecturer.id}/edit"),
        ("POST", f"/lecturers/{world.lecturer.id}/active"),
        ("GET", f"/classes/{world.training_class.id}"),
        ("GET", f"/classes/{world.training_class.id}/edit"),
        ("POST", f"/classes/{world.training_class.id}/edit"),
        ("POST", f"/classes/{world.training_class.id}/sessions"),
        ("GET", f"/programmes/{world.programme.id}/edit"),
        ("POST", f"/programmes/{world.programme.id}/edit"),
        ("GET", f"/programmes/{world.programme.id}/topics/new"),
        ("POST", f"/programmes/{world.programme.id}/topics/new"),
        ("GET", f"/topics/{world.topic.id}/edit"),
        ("POST", f"/topics/{world.topic.id}/edit"),
        ("POST", f"/sessions/{world.session.id}/delete"),
    ]


@pytest.mark.parametrize("role", ["sibling_director", "outsider"])
def test_director_of_another_unit_gets_404_for_unit_a_records(world, login, role):
    client = login(world.user(role))

    answers = {(method, url): client.open(url, method=method, data={}) for method, url in _unit_a_record_urls(world)}

    assert {call: response.status_code for call, response in answers.items()} == \
        {call: 404 for call in answers}
    leaked = [call for call, response in answers.items()
              if world.lecturer.full_name in response.get_data(as_text=True)
              or world.training_class.name in response.get_data(as_text=True)]
    assert leaked == []
    assert db.session.get(TeachingSession, world.session.id) is not None
    assert db.session.get(Lecturer, world.lecturer.id).is_active is True


@pytest.mark.parametrize("role", ["sibling_director", "outsider"])
def test_director_of_another_unit_gets_404_for_unit_a_lecturer_in_the_api(world, client, role):
    headers = _api_headers(world.user(role))

    detail = client.get(f"/api/v1/lecturers/{world.lecturer.id}", headers=headers)
    own_listing = client.get("/api/v1/lecturers", headers=headers)
    unit_a_listing = client.get("/api/v1/lecturers", headers=headers, query_string={"unit_id": world.unit.id})

    assert detail.status_code == 404
    assert detail.get_json()["error"]["code"] == "not_found"
    assert own_listing.status_code == 200
    assert world.lecturer.id not in [item["id"] for item in own_listing.get_json()["items"]]
    assert unit_a_listing.status_code == 403
    assert "items" not in unit_a_listing.get_json()


@pytest.mark.parametrize("role", ["sibling_director", "outsider"])
def test_director_of_another_unit_cannot_switch_into_unit_a(world, login, role):
    client = login(world.user(role))

    client.post("/unit", data={"unit_id": world.unit.id})
    response = client.get("/lecturers")

    assert response.status_code == 200
    assert world.lecturer.full_name not in response.get_data(as_text=True)


def _overseer_in_unit_a(world, login):
    client = login(world.overseer)
    client.post("/unit", data={"unit_id": world.unit.id})
    return client


def test_overseer_reads_the_pages_of_a_unit_in_their_province(world, login):
    client = _overseer_in_unit_a(world, login)
    pages = ["/lecturers", f"/lecturers/{world.lecturer.id}", "/programmes", "/classes",
             f"/classes/{world.training_class.id}", "/workload"]

    answers = {url: client.get(url) for url in pages}

    assert {url: response.status_code for url, response in answers.items()} == {url: 200 for url in pages}
    assert world.lecturer.full_name in answers["/lecturers"].get_data(as_text=True)
    assert world.training_class.name in answers["/classes"].get_data(as_text=True)


def test_overseer_reads_unit_a_lecturers_in_the_api(world, client):
    headers = _api_headers(world.overseer)

    listing = client.get("/api/v1/lecturers", headers=headers, query_string={"unit_id": world.unit.id})
    detail = client.get(f"/api/v1/lecturers/{world.lecturer.id}", headers=headers)

    assert listing.status_code == 200
    assert world.lecturer.id in [item["id"] for item in listing.get_json()["items"]]
    assert detail.status_code == 200
    assert detail.get_json()["full_name"] == world.lecturer.full_name


def test_overseer_gets_403_on_every_write(app, world, login):
    client = _overseer_in_unit_a(world, login)
    headers = _api_headers(world.overseer)
    values = _url_values(world)
    writes = [rule for rule in _rules(app) if "POST" in rule.methods and rule.endpoint not in PERSONAL_POSTS
              and _has_expectation(rule) and not rule.arguments - values.keys()]  # the others fail above
    programmes_before = db.session.scalar(sa.select(sa.func.count(Programme.id)))

    statuses = {}
    for rule in writes:
        if _is_api(rule):
            response = client.post(_url(rule, values), json={"full_name": "Nguyễn Văn Mới", "username": "moi",
                                                             "password": "mật khẩu dài", "roles": []},
                                   headers=headers, query_string={"unit_id": world.unit.id})
        else:
            response = client.post(_url(rule, values), data={})
        statuses[rule.rule] = response.status_code

    # An overseer has no scoresheet of their own, so the sheet pages are not found for them.
    no_own_record = {"reviews.sheet_edit", "reviews.sheet_autosave", "api.practice_self_assessment",
                     "api.practice_verdict", "api.sheet_submit"}
    assert statuses == {rule.rule: 404 if rule.endpoint in no_own_record else 403 for rule in writes}
    assert db.session.scalar(sa.select(sa.func.count(Programme.id))) == programmes_before
    assert db.session.get(TeachingSession, world.session.id) is not None
    assert db.session.get(Lecturer, world.lecturer.id).is_active is True


def _province_q_records(world):
    unit = world.other_province_unit
    programme = factories.make_programme(unit, code="QTD")
    topic = factories.make_topic(programme, code="Q1")
    training_class = factories.make_class(unit, programme, name="Lớp bồi dưỡng tỉnh Q")
    session = factories.make_session(training_class, topic, world.outsider_lecturer)
    return programme, topic, training_class, session


def test_overseer_sees_nothing_of_another_province(world, login):
    programme, topic, training_class, session = _province_q_records(world)
    client = _overseer_in_unit_a(world, login)
    urls = [f"/lecturers/{world.outsider_lecturer.id}", f"/classes/{training_class.id}"]

    answers = {url: client.get(url).status_code for url in urls}
    writes = {url: client.post(url, data={}).status_code for url in
              [f"/sessions/{session.id}/delete", f"/programmes/{programme.id}/edit", f"/topics/{topic.id}/edit"]}

    assert answers == {url: 404 for url in urls}
    assert set(writes.values()) <= {403, 404}
    assert db.session.get(TeachingSession, session.id) is not None


def test_overseer_cannot_switch_into_another_province(world, login):
    client = _overseer_in_unit_a(world, login)

    client.post("/unit", data={"unit_id": world.other_province_unit.id})
    response = client.get("/lecturers")

    assert response.status_code == 200
    assert world.outsider_lecturer.full_name not in response.get_data(as_text=True)
    assert world.lecturer.full_name in response.get_data(as_text=True)


def test_overseer_gets_404_for_another_province_lecturer_in_the_api(world, client):
    headers = _api_headers(world.overseer)

    detail = client.get(f"/api/v1/lecturers/{world.outsider_lecturer.id}", headers=headers)
    listing = client.get("/api/v1/lecturers", headers=headers,
                         query_string={"unit_id": world.other_province_unit.id})

    assert detail.status_code == 404
    assert listing.status_code == 403
    assert "items" not in listing.get_json()


# --- A lecturer sees their own profile only -----------------------------------------------


def test_lecturer_sees_their_own_profile(world, login):
    client = login(world.lecturer_user)

    response = client.get(f"/lecturers/{world.lecturer.id}")

    assert response.status_code == 200
    assert world.lecturer.full_name in response.get_data(as_text=True)


def test_lecturer_gets_404_for_a_colleague_profile(world, login):
    client = login(world.lecturer_user)

    response = client.get(f"/lecturers/{world.colleague.id}")

    assert response.status_code == 404
    assert world.colleague.full_name not in response.get_data(as_text=True)


def test_lecturer_gets_their_own_profile_but_not_a_colleague_in_the_api(world, client):
    headers = _api_headers(world.lecturer_user)

    own = client.get(f"/api/v1/lecturers/{world.lecturer.id}", headers=headers)
    colleague = client.get(f"/api/v1/lecturers/{world.colleague.id}", headers=headers)

    assert (own.status_code, colleague.status_code) == (200, 404)


def test_lecturer_cannot_open_the_class_of_their_own_session(world, login):
    client = login(world.lecturer_user)

    response = client.get(f"/classes/{world.training_class.id}")

    assert response.status_code == 403


# --- Deny by default -----------------------------------------------------------------------


def test_view_without_a_declared_policy_is_refused(database_url):
    from app import create_app

    fresh = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    fresh.add_url_rule("/undeclared", "undeclared", lambda: "secret")

    response = fresh.test_client().get("/undeclared")

    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)
    with fresh.app_context():
        db.engine.dispose()

