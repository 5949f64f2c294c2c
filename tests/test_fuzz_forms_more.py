"""Property-based fuzzing of the forms tests/test_fuzz_forms.py leaves out (issue 8): signing in
and two-factor codes, language and unit switching, units and user accounts, the roster import,
lesson plans and their review, rubric authoring (rubrics, domains, bands, consolidation),
finalising, amending and answering an observation, practice lectures (scheduling, the
attendees' comments, the self-assessment, the verdict), declared conflicts, the minutes'
sections (attendance, guests, agenda items, contributions, content updates, action items,
closing an item, amendments), contest judges, documents, conflicts and marks, outside results,
and the two filter forms read from the query string.

The same contract as tests/test_fuzz_forms.py, with its strategies and its check: every answer
is a 2xx/3xx/4xx, never a 5xx; a refused form (422) shows a translated error and keeps what the
user typed; Vietnamese text (NFC or NFD) is stored exactly as typed, apart from trimming (only
personal names fold their inner spaces, see docs/security.md item 24); a NUL character is
refused on its field with a 422 (PostgreSQL cannot store it). Two inputs the generated examples
reach only by chance are also posted on their own: two-factor codes in non-ASCII digits, and
ids (or page numbers) beyond 64 bits.

CSRF is off in the test configuration (tests/test_csrf.py checks it on its own)."""
from __future__ import annotations

import io
import itertools
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import pytest
import sqlalchemy as sa
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

from accounts.models import Unit, User
from contests import services as contest_services
from contests.models import Contest, ContestComponent, EntryDocument, JudgeConflict, OutsideResult
from core.extensions import db
from core.models import utcnow
from lecturers.models import LessonPlan, PlanComment, Topic, TrainingClass, TeachingSession
from meetings import services as meeting_services
from meetings.enums import MinutesState
from meetings.models import (ActionClosure, ActionItem, AgendaItem, Attendance, ContentUpdate, Contribution, Guest,
                             Meeting, MeetingAmendment)
from reviews import practice, services as review_services
from reviews.forms import score_field_name
from reviews.models import Amendment, Observation, ObservationResponse, ObserverConflict, PracticeLecture, Sheet
from reviews.rubrics import Rubric, RubricDomain
from tests import factories
from tests.test_fuzz_forms import CODE, DATE, FUZZ, NUMBER, TEXT, VIETNAMESE, _assert_answer

# --- what is typed, besides tests/test_fuzz_forms.py's strategies ------------------------------


def enum(*values: str) -> st.SearchStrategy:
    """A choice of a select or radio group: one of its values, or anything else."""
    return st.one_of(st.sampled_from(values), CODE)


# Ids no database column holds (beyond 64 bits).
HUGE = st.sampled_from(["99999999999999999999999", "9223372036854775808", "-9223372036854775809"])


def ids(*values: int) -> st.SearchStrategy:
    """A select of records: one of the offered ids, several at once, or anything else."""
    one = st.one_of(st.sampled_from([str(value) for value in values]), CODE, HUGE)
    return st.one_of(one, st.lists(one, max_size=3))


CHECKBOX = st.sampled_from(["y", "", "on", "0", "false", "\x00"])
BUTTON = st.sampled_from(["", "1", "Gửi", "\x00"])
_NEXT = st.sampled_from(["/home", "//evil.example", "/\t/evil.example", "https://evil.example/", "/lecturers\r\nX: 1",
                         "javascript:alert(1)", "/trang-chủ"])
NEXT = st.one_of(_NEXT, TEXT)
TOTP = st.one_of(st.sampled_from(["123456", "000000", "12345", "1234567", "123 456", "１２３４５６", "-12345",
                                  "999999999999"]), NUMBER, TEXT)


def _file_bytes(kind: str) -> bytes:
    if kind == "xlsx":
        from lecturers import roster

        return roster.template_workbook()
    return {"pdf": factories.PDF_BYTES, "empty": b"", "zip": b"PK\x03\x04 not really a zip",
            "exe": b"MZ\x90\x00\x03\x00", "text": "Giáo án: Điều lệ Đảng".encode()}[kind]


FILE = st.tuples(st.sampled_from(["pdf", "empty", "zip", "exe", "text", "xlsx"]),
                 st.sampled_from(["Giáo án.pdf", "giao-an.docx", "bài giảng.pptx", "danh sách.xlsx", "a.exe",
                                  "../../etc/passwd", "noext", "Giáo án.pdf.exe"])).map(
    lambda pair: (io.BytesIO(_file_bytes(pair[0])), pair[1]))


# --- what the forms work on ---------------------------------------------------------------------


def _draft_meeting(world, client=None) -> Meeting:
    return db.session.get(Meeting, world.meeting_urls["meeting_id"])


def _approved_meeting(world, client=None) -> Meeting:
    meeting = _draft_meeting(world)
    factories.record_everyone(meeting, world.secretary)
    meeting_services.set_meeting_state(meeting, MinutesState.APPROVED, actor=world.director, now=meeting.ends_at)
    return meeting


def _open_action(world, client=None) -> ActionItem:
    """A fresh open action item of ``world.lecturer`` on the draft minutes (each can be closed once)."""
    return meeting_services.add_action_item(_draft_meeting(world), description="Cập nhật Nghị quyết vào bài giảng",
                                            owner=world.lecturer, due_on=date(2026, 3, 28), actor=world.secretary,
                                            now=utcnow())


def _sheet(observation, user) -> Sheet:
    return next(sheet for sheet in observation.sheets if sheet.observer_id == user.id)


def _scored(world, client=None) -> Observation:
    """An observation of ``world.lecturer`` with the director's sheet submitted: ready to finalise."""
    observation = factories.make_observation(world, lecturer=world.lecturer)
    factories.submit(_sheet(observation, world.director), factories.full_scores(observation.rubric_version),
                     world.director)
    return observation


def _finalised(world, client=None) -> Observation:
    observation = _scored(world)
    review_services.finalize_observation(observation, debrief="Rút kinh nghiệm", action_points="Bổ sung số liệu",
                                         actor=world.director, now=utcnow())
    return observation


def _practice(world, client=None) -> Observation:
    """A practice lecture of ``world.lecturer`` attended by the director and the reviewer."""
    return practice.schedule_practice(unit=world.unit, lecturer=world.lecturer,
                                      attendees=[world.director, world.reviewer],
                                      on=date(2026, 4, 6), purpose="new_topic", audience="Đảng viên mới",
                                      allowed_minutes=45, actor=world.director, now=utcnow(), topic=world.topic)


def _rehearsed(world, client=None) -> Observation:
    """A practice lecture ready for the verdict: self-assessed, one attendee's comments submitted."""
    observation = _practice(world)
    practice.record_self_assessment(observation, text="Tôi còn lúng túng ở phần liên hệ thực tiễn.",
                                    actual_minutes=50, actor=world.lecturer_user, now=utcnow())
    sheet = _sheet(observation, world.reviewer)
    practice.save_comments(sheet, comments={"content": "Nội dung đầy đủ"}, actor=world.reviewer, now=utcnow())
    review_services.submit_sheet(sheet, actor=world.reviewer, now=utcnow())
    return observation


def _contest(world, client=None) -> dict:
    """A fresh contest in setup (the reviewer judges, ``world.lecturer`` is entered)."""
    return factories.contest_urls(world)


def _judging(world, client=None) -> dict:
    urls = world.contest_urls
    contest_services.set_contest_phase(db.session.get(Contest, urls["contest_id"]), "judging", actor=world.director,
                                       now=utcnow())
    return urls


def _draft_plan(world, client=None) -> LessonPlan:
    return factories.make_plan(world.lecturer, topic=world.topic, title="Giáo án nháp")


def _submitted_plan(world, client=None) -> LessonPlan:
    return factories.make_plan(world.lecturer, topic=world.topic, submit=True)


def _totp_on(user) -> str:
    import pyotp

    user.totp_secret = pyotp.random_base32()
    user.totp_enabled_at = utcnow()
    db.session.commit()
    return user.totp_secret


def _second_step_pending(world, client) -> None:
    """The reviewer has two-factor sign-in and gave the right password: the code is asked next."""
    _totp_on(world.reviewer)
    response = client.post("/login", data={"username": world.reviewer.username, "password": factories.PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/login/two-factor"), response.location


def _two_factor_on(world, client) -> None:
    _totp_on(world.reviewer)  # after signing in: the browser stays signed in


def _version_id(world) -> int:
    return world.rubric.versions[0].id


def _people(*users) -> st.SearchStrategy:
    return ids(*(user.id for user in users))


# --- the cases ------------------------------------------------------------------------------------


@dataclass
class Case:
    url: Callable  # (world, made) → URL
    fields: dict[str, st.SearchStrategy]
    role: str | None = "director"  # None: not signed in
    make: Callable = lambda world, client: None  # what the form works on (made once, or per post when fresh)
    fresh: bool = False  # the form can be sent once: a new target for every post
    more: Callable = lambda world, made: {}  # fields named after records, or offering their ids
    fixed: Callable = lambda world, made: {}  # values every post may carry (e.g. a valid choice)
    echo: str | Callable | None = None  # a text field the refused page must show again
    method: str = "post"


def _attendance_fields(world, meeting) -> dict:
    fields = {}
    for row in meeting.attendances:
        fields[f"status_{row.id}"] = enum("present", "excused", "unexcused", "expected")
        fields[f"reason_{row.id}"] = TEXT
    return fields


def _amend_targets(world, meeting) -> dict:
    targets = ["conclusion", "note", *(f"agenda_conclusion:{item.id}" for item in meeting.agenda_items),
               *(f"attendance:{row.id}" for row in meeting.attendances), "attendance:999999", "attendance:x"]
    return {"target": enum(*targets)}


def _score_fields(observation) -> dict:
    return {score_field_name(criterion): NUMBER for criterion in observation.rubric_version.criteria[:3]}


_PLAN_TEXTS = {"audience": TEXT, "duration_periods": NUMBER, "aims_knowledge": TEXT, "aims_skills": TEXT,
               "aims_attitude": TEXT, "outline": TEXT, "methods": TEXT, "aids": TEXT, "readings": TEXT}
_PLAN_SECTIONS = {section: TEXT for section in ("general", "aims", "outline", "methods", "aids", "readings", "file")}
_PRACTICE_COMMENTS = {f"comment_{heading}": TEXT for heading in ("content", "method", "demeanour", "slides", "timing")}

CASES = {
    # --- accounts ---
    "login": Case(lambda world, made: "/login",
                  {"username": st.one_of(st.sampled_from(["director", "khong-co", " director "]), TEXT),
                   "password": st.one_of(st.just(factories.PASSWORD), TEXT), "next": NEXT},
                  role=None, echo="username"),
    "login_two_factor": Case(lambda world, made: "/login/two-factor", {"code": TOTP}, role=None,
                             make=_second_step_pending),
    "two_factor_enrol": Case(lambda world, made: "/account/two-factor", {"code": TOTP}, role="reviewer"),
    "two_factor_disable": Case(lambda world, made: "/account/two-factor/disable",
                               {"password": st.one_of(st.just(factories.PASSWORD), TEXT), "code": TOTP},
                               role="reviewer", make=_two_factor_on),
    "language": Case(lambda world, made: "/language", {"lang": enum("vi", "en"), "next": NEXT}),
    "unit_switch": Case(lambda world, made: "/unit", {"unit_id": CODE, "next": NEXT},
                        more=lambda world, made: {"unit_id": ids(world.unit.id, world.sibling.id)}),
    "unit_new": Case(lambda world, made: "/admin/units/new",
                     {"province_id": CODE, "name": TEXT, "kind": enum("district_centre", "provincial_school",
                                                                      "faculty", "provincial_board"),
                      "address": TEXT, "is_active": CHECKBOX, "norm_director": NUMBER, "norm_deputy": NUMBER,
                      "norm_full_time": NUMBER, "norm_full_time_admin": NUMBER, "norm_adjunct": NUMBER},
                     role="admin", fixed=lambda world, made: {"province_id": str(world.province.id),
                                                              "kind": "district_centre"}, echo="name"),
    "unit_edit": Case(lambda world, made: f"/admin/units/{world.sibling.id}/edit",
                      {"province_id": CODE, "name": TEXT, "kind": CODE, "address": TEXT, "is_active": CHECKBOX,
                       "norm_director": NUMBER, "norm_adjunct": NUMBER},
                      role="admin", fixed=lambda world, made: {"province_id": str(world.province.id),
                                                               "kind": "district_centre"}, echo="address"),
    "user_edit": Case(lambda world, made: f"/admin/users/{world.secretary.id}/edit",
                      {"full_name": TEXT, "roles": CODE, "is_enabled": CHECKBOX},
                      role="admin", more=lambda world, made: {"roles": enum(
                          f"{world.unit.id}:secretary", f"{world.unit.id}:lecturer", f"{world.sibling.id}:director",
                          f"{world.unit.id}:nobody", "1", ":", f"{world.unit.id}:")}, echo="full_name"),
    "audit_filter": Case(lambda world, made: "/audit",
                         {"date_from": DATE, "date_to": DATE, "actor_id": CODE, "action": CODE, "object_type": CODE,
                          "page": NUMBER}, method="get",
                         more=lambda world, made: {"actor_id": _people(world.director, world.admin)}),
    # --- lecturers: roster import, lesson plans ---
    "roster_import": Case(lambda world, made: "/lecturers/import",
                          {"file": FILE, "dry_run": CHECKBOX, "token": CODE}),
    "plan_new": Case(lambda world, made: "/lesson-plans/new",
                     {"title": TEXT, **_PLAN_TEXTS, "programme_id": CODE, "topic_id": CODE, "file": FILE,
                      "submission": CODE},
                     role="lecturer", more=lambda world, made: {"programme_id": ids(world.programme.id),
                                                                "topic_id": ids(world.topic.id)},
                     echo="title"),
    "plan_edit": Case(lambda world, plan: f"/lesson-plans/{plan.id}/edit",
                      {"title": TEXT, **_PLAN_TEXTS, "file": FILE, "version": CODE},
                      role="lecturer", make=_draft_plan,
                      fixed=lambda world, plan: {"version": str(plan.latest.version)}, echo="title"),
    "plan_review": Case(lambda world, plan: f"/lesson-plans/{plan.id}/review",
                        {**_PLAN_SECTIONS, "approve": BUTTON, "request_changes": BUTTON, "comment_only": BUTTON},
                        make=_submitted_plan, fresh=True, echo="general"),
    # --- reviews: rubric authoring ---
    "rubric": Case(lambda world, made: "/rubrics/new", {"name": TEXT, "name_en": TEXT}, echo="name"),
    "domain_new": Case(lambda world, made: f"/rubrics/versions/{_version_id(world)}/domains/new",
                       {"code": st.one_of(st.sampled_from(["1", "2", "II", "2.1", "2..1", "Đ"]), TEXT),
                        "title": TEXT, "title_en": TEXT}, echo="title"),
    "domain_edit": Case(lambda world, made: f"/rubrics/domains/{world.rubric.versions[0].domains[0].id}/edit",
                        {"code": TEXT, "title": TEXT, "title_en": TEXT}, echo="title"),
    "bands": Case(lambda world, made: f"/rubrics/versions/{_version_id(world)}/bands",
                  {"excellent": NUMBER, "good": NUMBER, "satisfactory": NUMBER}, echo="good"),
    "consolidation": Case(lambda world, made: "/rubrics/settings",
                          {"consolidation_method": enum("mean", "trimmed_mean", "median")}),
    # --- reviews: results, conflicts, the list's filters ---
    "finalize": Case(lambda world, observation: f"/observations/{observation.id}/finalize",
                     {"debrief": TEXT, "action_points": TEXT}, make=_scored, fresh=True),
    "amend_scores": Case(lambda world, observation: f"/observations/{observation.id}/amend",
                         {"reason": TEXT, "action_points": TEXT}, make=_finalised,
                         more=lambda world, observation: _score_fields(observation), echo="reason"),
    "response": Case(lambda world, observation: f"/observations/{observation.id}/respond",
                     {"kind": enum("acknowledge", "disagree"), "text": TEXT},
                     role="lecturer", make=_finalised, fresh=True, echo="text"),
    "observer_conflict": Case(lambda world, made: "/conflicts",
                              {"observer_id": CODE, "lecturer_id": CODE, "kind": enum("relative", "same_team", "other"),
                               "note": TEXT},
                              more=lambda world, made: {
                                  "observer_id": _people(world.director, world.reviewer, world.outsider),
                                  "lecturer_id": ids(world.colleague.id, world.outsider_lecturer.id)},
                              echo="note"),
    "observation_filter": Case(lambda world, made: "/observations",
                               {"lecturer_id": CODE, "observer_id": CODE, "state": CODE, "kind": CODE,
                                "date_from": DATE, "date_to": DATE, "page": NUMBER}, method="get",
                               more=lambda world, made: {"lecturer_id": ids(world.lecturer.id, world.colleague.id),
                                                         "observer_id": _people(world.director, world.reviewer)}),
    # --- reviews: practice lectures ---
    "practice": Case(lambda world, made: "/practice/new",
                     {"lecturer_id": CODE, "topic_id": CODE, "topic_text": TEXT,
                      "purpose": enum("new_lecturer", "new_topic", "contest"), "audience": TEXT,
                      "allowed_minutes": NUMBER, "date": DATE, "version_id": CODE, "attendee_ids": CODE,
                      "chair_id": CODE, "submission": CODE},
                     more=lambda world, made: {
                         "lecturer_id": ids(world.lecturer.id, world.colleague.id, world.outsider_lecturer.id),
                         "topic_id": ids(world.topic.id), "version_id": ids(factories.shipped_version().id),
                         "attendee_ids": _people(world.director, world.reviewer, world.lecturer_user),
                         "chair_id": _people(world.director, world.reviewer)},
                     fixed=lambda world, made: {"lecturer_id": str(world.colleague.id), "purpose": "new_topic",
                                                "date": "2026-04-06", "allowed_minutes": "45",
                                                "version_id": str(factories.shipped_version().id),
                                                "attendee_ids": [str(world.director.id), str(world.reviewer.id)]},
                     echo="topic_text"),
    "practice_sheet": Case(lambda world, observation: f"/observations/{observation.id}/sheet",
                           {**_PRACTICE_COMMENTS, "notes": TEXT, "action": st.sampled_from(["save", "submit", "x"]),
                            "version": CODE},
                           make=_practice, more=lambda world, observation: _score_fields(observation),
                           echo="comment_content"),
    "self_assessment": Case(lambda world, observation: f"/observations/{observation.id}/self-assessment",
                            {"self_assessment": TEXT, "actual_minutes": NUMBER},
                            role="lecturer", make=_practice, echo="self_assessment"),
    "verdict": Case(lambda world, observation: f"/observations/{observation.id}/verdict",
                    {"verdict": enum("ready", "again"), "rehearse_by": DATE, "actual_minutes": NUMBER,
                     "debrief": TEXT, "action_points": TEXT},
                    make=_rehearsed, fresh=True, echo="debrief"),
    # --- meetings ---
    "attendance": Case(lambda world, meeting: f"/meetings/{meeting.id}/attendance",
                       {"version": CODE, "others": st.sampled_from(["present", "", "x"])},
                       role="secretary", make=_draft_meeting, more=_attendance_fields,
                       echo=lambda meeting: f"reason_{min(row.id for row in meeting.attendances)}"),
    "guest": Case(lambda world, meeting: f"/meetings/{meeting.id}/guests",
                  {"guest-full_name": TEXT, "guest-position": TEXT},
                  role="secretary", make=_draft_meeting, echo="guest-full_name"),
    "agenda_new": Case(lambda world, meeting: f"/meetings/{meeting.id}/agenda",
                       {"agenda-title": TEXT, "agenda-summary": TEXT, "agenda-conclusion": TEXT,
                        "agenda-version": CODE},
                       role="secretary", make=_draft_meeting, echo="agenda-title"),
    "agenda_edit": Case(lambda world, meeting: f"/meetings/{meeting.id}/agenda/{meeting.agenda_items[0].id}",
                        {"agenda-title": TEXT, "agenda-summary": TEXT, "agenda-conclusion": TEXT,
                         "agenda-version": CODE},
                        role="secretary", make=_draft_meeting, echo="agenda-summary"),
    "contribution": Case(lambda world, meeting: f"/meetings/{meeting.id}/contributions",
                         {"contribution-agenda_id": CODE, "contribution-speaker": TEXT, "contribution-content": TEXT},
                         role="secretary", make=_draft_meeting,
                         more=lambda world, meeting: {"contribution-agenda_id": ids(meeting.agenda_items[0].id)},
                         fixed=lambda world, meeting: {"contribution-agenda_id": str(meeting.agenda_items[0].id)},
                         echo="contribution-speaker"),
    "content_update": Case(lambda world, meeting: f"/meetings/{meeting.id}/updates",
                           {"update-title": TEXT, "update-body": TEXT, "update-topic_ids": CODE},
                           role="secretary", make=_draft_meeting,
                           more=lambda world, meeting: {"update-topic_ids": ids(world.topic.id)},
                           echo="update-title"),
    "action_item": Case(lambda world, meeting: f"/meetings/{meeting.id}/actions",
                        {"action-description": TEXT, "action-owner_id": CODE, "action-due_on": DATE},
                        role="secretary", make=_draft_meeting,
                        more=lambda world, meeting: {"action-owner_id": ids(world.lecturer.id, world.colleague.id,
                                                                            world.outsider_lecturer.id)},
                        fixed=lambda world, meeting: {"action-owner_id": str(world.lecturer.id)},
                        echo="action-description"),
    "close_action": Case(lambda world, item: f"/meetings/actions/{item.id}/close",
                         {"status": enum("done", "dropped", "open"), "note": TEXT, "meeting_id": CODE, "next": NEXT},
                         role="lecturer", make=_open_action, fresh=True,
                         more=lambda world, item: {"meeting_id": ids(world.meeting_urls["meeting_id"])}),
    "meeting_amend": Case(lambda world, meeting: f"/meetings/{meeting.id}/amend",
                          {"target": CODE, "status": enum("", "present", "excused", "unexcused", "expected"),
                           "text": TEXT, "reason": TEXT},
                          make=_approved_meeting, more=_amend_targets,
                          fixed=lambda world, meeting: {"target": "note"}, echo="reason"),
    # --- contests ---
    "judge": Case(lambda world, urls: f"/contests/{urls['contest_id']}/judges", {"judge-user_id": CODE},
                  make=lambda world, client: world.contest_urls,
                  more=lambda world, urls: {"judge-user_id": _people(world.director, world.reviewer, world.overseer,
                                                                     world.outsider, world.lecturer_user)}),
    "document": Case(lambda world, urls: f"/contests/{urls['contest_id']}/entries/{urls['entry_id']}/documents",
                     {"document-title": TEXT, "document-file": FILE}, make=lambda world, client: world.contest_urls),
    "contest_conflict": Case(lambda world, urls: f"/contests/{urls['contest_id']}/entries/{urls['entry_id']}/conflict",
                             {"conflict-reason": enum("same_unit", "relative", "other"), "conflict-note": TEXT},
                             role="reviewer", make=_contest, fresh=True, echo="conflict-note"),
    "marks": Case(lambda world, urls: f"/contests/{urls['contest_id']}/entries/{urls['entry_id']}/marks",
                  {"mark_plan": NUMBER, "mark_lecture": NUMBER}, role="reviewer", make=_judging, echo="mark_plan"),
    "outside_result": Case(lambda world, made: f"/lecturers/{world.colleague.id}/contest-results/new",
                           {"contest_name": TEXT, "level": enum("unit", "cluster", "province", "region", "national"),
                            "year": NUMBER, "prize": enum("", "first", "second", "third", "consolation")},
                           fixed=lambda world, made: {"level": "province", "year": "2024"}, echo="contest_name"),
}


def _echo(case: Case, made) -> str | None:
    return case.echo(made) if callable(case.echo) else case.echo


@pytest.mark.parametrize("name", sorted(CASES))
def test_form_never_fails_and_keeps_what_was_typed(world, client, login, name):
    case = CASES[name]
    if case.role:
        login(world.user(case.role))
    made = case.make(world, client)
    fields = {**case.fields, **case.more(world, made)}

    @FUZZ
    @given(data=st.fixed_dictionaries({}, optional=fields), use_fixed=st.booleans())
    def post(data, use_fixed):
        target = case.make(world, client) if case.fresh else made
        typed = {**data, **(case.fixed(world, target) if use_fixed else {})}
        if case.method == "get":
            response = client.get(case.url(world, target), query_string=typed)
        else:
            response = client.post(case.url(world, target), data=typed)
        _assert_answer(response, typed, _echo(case, target))

    post()


# --- Vietnamese text round-trips ----------------------------------------------------------------


def _latest(*columns, key=None):
    """The given columns of the newest row of their table (by ``key``, else by id)."""
    key = columns[0].class_.id if key is None else key
    return list(db.session.execute(sa.select(*columns).order_by(key.desc()).limit(1)).one())


_numbers = itertools.count(1)

# A failure here is one wrong field, plain to read without shrinking (which would make every
# fresh target again, for minutes).
ONCE_EACH = settings(FUZZ, phases=(Phase.explicit, Phase.reuse, Phase.generate))


@dataclass
class RoundTrip:
    url: Callable  # (world, made) → URL
    data: Callable  # (world, made, text) → a valid post carrying ``text`` in its text fields
    stored: Callable  # (world, made) → what was stored from those fields
    role: str = "director"
    make: Callable = lambda world: None
    fresh: bool = False
    text_fields: tuple[str, ...] = field(default=())  # where ``text`` goes (for the NUL test)


def _meeting(world) -> Meeting:
    return _draft_meeting(world)


def _first_row(meeting) -> int:
    """The first attendee's row (``meeting.attendances`` has no order of its own)."""
    return min(row.id for row in meeting.attendances)


ROUND_TRIPS = {
    # accounts
    "user_full_name": RoundTrip(
        lambda world, made: f"/admin/users/{world.secretary.id}/edit",
        lambda world, made, text: {"full_name": text, "roles": f"{world.unit.id}:secretary", "is_enabled": "y"},
        lambda world, made: [db.session.get(User, world.secretary.id).full_name], role="admin",
        text_fields=("full_name",)),
    "unit_name_and_address": RoundTrip(
        lambda world, made: f"/admin/units/{world.sibling.id}/edit",
        lambda world, made, text: {"province_id": str(world.province.id), "name": text, "kind": "district_centre",
                                   "address": text, "is_active": "y", "norm_director": "40", "norm_deputy": "60",
                                   "norm_full_time": "120", "norm_full_time_admin": "90", "norm_adjunct": "0"},
        lambda world, made: [db.session.get(Unit, world.sibling.id).name,
                             db.session.get(Unit, world.sibling.id).address],
        role="admin", text_fields=("name", "address")),
    # lecturers
    "class_name_and_place": RoundTrip(
        lambda world, made: f"/classes/{world.training_class.id}/edit",
        lambda world, made, text: {"programme_id": str(world.programme.id), "name": text, "place": text,
                                   "start_date": "2026-03-02", "end_date": "2026-03-06", "learner_count": "60",
                                   "status": "planned"},
        lambda world, made: [db.session.get(TrainingClass, world.training_class.id).name,
                             db.session.get(TrainingClass, world.training_class.id).place],
        text_fields=("name", "place")),
    "topic_title": RoundTrip(
        lambda world, made: f"/topics/{world.topic.id}/edit",
        lambda world, made, text: {"code": "B1", "title": text, "periods": "4", "is_active": "y"},
        lambda world, made: [db.session.get(Topic, world.topic.id).title], text_fields=("title",)),
    "session_note": RoundTrip(
        lambda world, made: f"/classes/{world.training_class.id}/sessions",
        lambda world, made, text: {"topic_id": str(world.topic.id), "lecturer_id": str(world.colleague.id),
                                   "date": "2026-03-03", "periods": "4", "note": text},
        lambda world, made: _latest(TeachingSession.note), text_fields=("note",)),
    "lesson_plan": RoundTrip(
        lambda world, made: "/lesson-plans/new",
        lambda world, made, text: {"title": text, "audience": text, "aims_knowledge": text, "outline": text,
                                   "readings": text, "topic_id": str(world.topic.id)},
        lambda world, made: [_latest(LessonPlan.title)[0],
                             *[getattr(db.session.scalar(sa.select(LessonPlan).order_by(LessonPlan.id.desc())
                                                         .limit(1)).latest, name)
                               for name in ("audience", "aims_knowledge", "outline", "readings")]],
        role="lecturer", text_fields=("title", "audience", "aims_knowledge", "outline", "readings")),
    "plan_review_comment": RoundTrip(
        lambda world, made: f"/lesson-plans/{world.plan.id}/review",
        lambda world, made, text: {"general": text, "outline": text, "comment_only": "1"},
        lambda world, made: [text for (text,) in db.session.execute(
            sa.select(PlanComment.text).order_by(PlanComment.id.desc()).limit(2))],
        text_fields=("general", "outline")),
    # reviews
    "rubric_name": RoundTrip(
        lambda world, made: "/rubrics/new", lambda world, made, text: {"name": text, "name_en": text},
        lambda world, made: _latest(Rubric.name, Rubric.name_en), text_fields=("name", "name_en")),
    "domain_title": RoundTrip(
        lambda world, made: f"/rubrics/versions/{_version_id(world)}/domains/new",
        lambda world, made, text: {"code": str(next(_numbers) + 1), "title": text, "title_en": text},
        lambda world, made: _latest(RubricDomain.title, RubricDomain.title_en), text_fields=("title", "title_en")),
    "observation_topic": RoundTrip(
        lambda world, made: "/observations/new",
        lambda world, made, text: {"kind": "observed_lesson", "lecturer_id": str(world.colleague.id),
                                   "topic_text": text, "date": "2026-03-03",
                                   "version_id": str(factories.shipped_version().id),
                                   "observer_ids": [str(world.director.id), str(world.reviewer.id)]},
        lambda world, made: _latest(Observation.topic_text), text_fields=("topic_text",)),
    "sheet_texts": RoundTrip(
        lambda world, made: f"/observations/{world.observation.id}/sheet",
        lambda world, made, text: {"notes": text, "strengths": text, "shortcomings": text, "recommendations": text,
                                   "action": "save"},
        lambda world, made: [getattr(db.session.get(Sheet, _sheet(world.observation, world.director).id), name)
                             for name in ("notes", "strengths", "shortcomings", "recommendations")],
        text_fields=("notes", "strengths", "shortcomings", "recommendations")),
    "finalize_debrief": RoundTrip(
        lambda world, observation: f"/observations/{observation.id}/finalize",
        lambda world, observation, text: {"debrief": text, "action_points": text},
        lambda world, observation: [db.session.get(Observation, observation.id).debrief,
                                    db.session.get(Observation, observation.id).action_points],
        make=_scored, fresh=True, text_fields=("debrief", "action_points")),
    "amendment_reason": RoundTrip(
        lambda world, observation: f"/observations/{observation.id}/amend",
        lambda world, observation, text: {"reason": text, "action_points": text},
        lambda world, observation: [_latest(Amendment.reason)[0], _latest(Amendment.after)[0]["action_points"]],
        make=_finalised, text_fields=("reason", "action_points")),
    "response_text": RoundTrip(
        lambda world, observation: f"/observations/{observation.id}/respond",
        lambda world, observation, text: {"kind": "disagree", "text": text},
        lambda world, observation: _latest(ObservationResponse.text),
        role="lecturer", make=_finalised, fresh=True, text_fields=("text",)),
    "observer_conflict_note": RoundTrip(
        lambda world, lecturer: "/conflicts",
        lambda world, lecturer, text: {"observer_id": str(world.reviewer.id), "lecturer_id": str(lecturer.id),
                                       "kind": "other", "note": text},
        lambda world, lecturer: _latest(ObserverConflict.note),
        make=lambda world: factories.make_lecturer(world.unit, full_name="Hoàng Văn Bình"), fresh=True,
        text_fields=("note",)),
    "practice_audience": RoundTrip(
        lambda world, made: "/practice/new",
        lambda world, made, text: {"lecturer_id": str(world.colleague.id), "topic_text": text, "audience": text,
                                   "purpose": "new_topic", "allowed_minutes": "45", "date": "2026-04-06",
                                   "version_id": str(factories.shipped_version().id),
                                   "attendee_ids": [str(world.director.id), str(world.reviewer.id)]},
        lambda world, made: [_latest(Observation.topic_text)[0],
                             _latest(PracticeLecture.audience, key=PracticeLecture.observation_id)[0]],
        text_fields=("topic_text", "audience")),
    "practice_comments": RoundTrip(
        lambda world, observation: f"/observations/{observation.id}/sheet",
        lambda world, observation, text: {**{name: text for name in _PRACTICE_COMMENTS}, "action": "save"},
        lambda world, observation: [getattr(db.session.get(Sheet, _sheet(observation, world.director).id)
                                            .practice_comment, heading)
                                    for heading in ("content", "method", "demeanour", "slides", "timing")],
        make=_practice, text_fields=tuple(_PRACTICE_COMMENTS)),
    "self_assessment": RoundTrip(
        lambda world, observation: f"/observations/{observation.id}/self-assessment",
        lambda world, observation, text: {"self_assessment": text, "actual_minutes": "50"},
        lambda world, observation: [db.session.get(PracticeLecture, observation.id).self_assessment],
        role="lecturer", make=_practice, text_fields=("self_assessment",)),
    "verdict_debrief": RoundTrip(
        lambda world, observation: f"/observations/{observation.id}/verdict",
        lambda world, observation, text: {"verdict": "ready", "debrief": text, "action_points": text},
        lambda world, observation: [db.session.get(Observation, observation.id).debrief,
                                    db.session.get(Observation, observation.id).action_points],
        make=_rehearsed, fresh=True, text_fields=("debrief", "action_points")),
    # meetings
    "guest": RoundTrip(
        lambda world, meeting: f"/meetings/{meeting.id}/guests",
        lambda world, meeting, text: {"guest-full_name": text, "guest-position": text},
        lambda world, meeting: _latest(Guest.full_name, Guest.position), role="secretary", make=_meeting,
        text_fields=("guest-full_name", "guest-position")),
    "agenda_item": RoundTrip(
        lambda world, meeting: f"/meetings/{meeting.id}/agenda",
        lambda world, meeting, text: {"agenda-title": text, "agenda-summary": text, "agenda-conclusion": text},
        lambda world, meeting: _latest(AgendaItem.title, AgendaItem.summary, AgendaItem.conclusion),
        role="secretary", make=_meeting, text_fields=("agenda-title", "agenda-summary", "agenda-conclusion")),
    "agenda_item_edit": RoundTrip(
        lambda world, meeting: f"/meetings/{meeting.id}/agenda/{meeting.agenda_items[0].id}",
        lambda world, meeting, text: {"agenda-title": text, "agenda-summary": text, "agenda-conclusion": text},
        lambda world, meeting: [getattr(db.session.get(AgendaItem, meeting.agenda_items[0].id), name)
                                for name in ("title", "summary", "conclusion")],
        role="secretary", make=_meeting, text_fields=("agenda-title", "agenda-summary", "agenda-conclusion")),
    "contribution": RoundTrip(
        lambda world, meeting: f"/meetings/{meeting.id}/contributions",
        lambda world, meeting, text: {"contribution-agenda_id": str(meeting.agenda_items[0].id),
                                      "contribution-speaker": text, "contribution-content": text},
        lambda world, meeting: _latest(Contribution.speaker, Contribution.content), role="secretary", make=_meeting,
        text_fields=("contribution-speaker", "contribution-content")),
    "content_update": RoundTrip(
        lambda world, meeting: f"/meetings/{meeting.id}/updates",
        lambda world, meeting, text: {"update-title": text, "update-body": text,
                                      "update-topic_ids": str(world.topic.id)},
        lambda world, meeting: _latest(ContentUpdate.title, ContentUpdate.body), role="secretary", make=_meeting,
        text_fields=("update-title", "update-body")),
    "action_item": RoundTrip(
        lambda world, meeting: f"/meetings/{meeting.id}/actions",
        lambda world, meeting, text: {"action-description": text, "action-owner_id": str(world.lecturer.id),
                                      "action-due_on": "2026-03-28"},
        lambda world, meeting: _latest(ActionItem.description), role="secretary", make=_meeting,
        text_fields=("action-description",)),
    "attendance_reason": RoundTrip(
        lambda world, meeting: f"/meetings/{meeting.id}/attendance",
        lambda world, meeting, text: {f"status_{_first_row(meeting)}": "excused",
                                      f"reason_{_first_row(meeting)}": text},
        lambda world, meeting: [db.session.get(Attendance, _first_row(meeting)).reason],
        role="secretary", make=_meeting, text_fields=()),  # the field's name carries the row's id
    "close_action_note": RoundTrip(
        lambda world, item: f"/meetings/actions/{item.id}/close",
        lambda world, item, text: {"status": "done", "note": text},
        lambda world, item: _latest(ActionClosure.note), role="lecturer",
        make=_open_action, fresh=True, text_fields=("note",)),
    "meeting_amendment": RoundTrip(
        lambda world, meeting: f"/meetings/{meeting.id}/amend",
        lambda world, meeting, text: {"target": "note", "text": text, "reason": text},
        lambda world, meeting: [_latest(MeetingAmendment.reason)[0], _latest(MeetingAmendment.after)[0]["text"]],
        make=_approved_meeting, text_fields=("text", "reason")),
    # contests
    "contest_name": RoundTrip(
        lambda world, made: "/contests/new",
        lambda world, made, text: {"name": text, "level": "unit", "year": "2026", "eligibility": "all",
                                   "aggregation": "mean", "tie_break": "lecture, plan"},
        lambda world, made: _latest(Contest.name), text_fields=("name",)),
    "component_name": RoundTrip(
        lambda world, urls: f"/contests/{urls['contest_id']}/components",
        lambda world, urls, text: {"component-code": f"c{next(_numbers)}", "component-name": text,
                                   "component-max_points": "10", "component-weight": "1"},
        lambda world, urls: _latest(ContestComponent.name), make=lambda world: world.contest_urls,
        text_fields=("component-name",)),
    "contest_conflict_note": RoundTrip(
        lambda world, urls: f"/contests/{urls['contest_id']}/entries/{urls['entry_id']}/conflict",
        lambda world, urls, text: {"conflict-reason": "other", "conflict-note": text},
        lambda world, urls: _latest(JudgeConflict.note), role="reviewer", make=_contest, fresh=True,
        text_fields=("conflict-note",)),
    "entry_document_title": RoundTrip(
        lambda world, urls: f"/contests/{urls['contest_id']}/entries/{urls['entry_id']}/documents",
        lambda world, urls, text: {"document-title": text,
                                   "document-file": (io.BytesIO(factories.PDF_BYTES), "Giáo án.pdf")},
        lambda world, urls: _latest(EntryDocument.title), make=lambda world: world.contest_urls,
        text_fields=("document-title",)),
    "outside_result": RoundTrip(
        lambda world, made: f"/lecturers/{world.colleague.id}/contest-results/new",
        lambda world, made, text: {"contest_name": text, "level": "province", "year": "2024", "prize": "first"},
        lambda world, made: _latest(OutsideResult.contest_name), text_fields=("contest_name",)),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_vietnamese_text_is_stored_exactly_as_typed_but_trimmed(world, client, login, name):
    case = ROUND_TRIPS[name]
    login(world.user(case.role))
    made = None if case.fresh else case.make(world)

    @settings(ONCE_EACH, max_examples=6)
    @given(text=VIETNAMESE)
    @example(text=unicodedata.normalize("NFD", "  Nguyễn   Thị  Hương  "))  # NFD, spaces around and between
    @example(text="Nghị quyết\tkhoá  XIV")
    def post(text):
        target = case.make(world) if case.fresh else made
        response = client.post(case.url(world, target), data=case.data(world, target, text))

        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        for stored in case.stored(world, target):
            assert stored == text.strip() or stored == text, (stored, text)  # NFC stays NFC, NFD stays NFD

    post()


# --- NUL: PostgreSQL cannot store it, so every form refuses it on its field ----------------------


_WITH_TEXT = sorted(name for name, case in ROUND_TRIPS.items() if case.text_fields)


@pytest.mark.parametrize("name", _WITH_TEXT)
def test_text_with_a_nul_character_is_refused_not_a_server_error(world, client, login, name):
    case = ROUND_TRIPS[name]
    login(world.user(case.role))
    made = None if case.fresh else case.make(world)

    @settings(ONCE_EACH, max_examples=3)
    @given(text=VIETNAMESE, at=st.integers(min_value=0), where=st.sampled_from(case.text_fields))
    def post(text, at, where):
        at %= len(text) + 1
        target = case.make(world) if case.fresh else made
        typed = {**case.data(world, target, "Nội dung hợp lệ"), where: text[:at] + "\x00" + text[at:]}

        response = client.post(case.url(world, target), data=typed)

        assert response.status_code == 422, (response.status_code, response.get_data(as_text=True)[:500])
        _assert_answer(response, typed, None)

    post()


# --- two-factor codes typed in other digits -------------------------------------------------------


@pytest.mark.parametrize("code", ["１２３４５６", "١٢٣٤٥٦", "۱۲۳۴۵۶"], ids=["full_width", "arabic_indic", "persian"])
@pytest.mark.parametrize("step", ["sign_in", "enrol", "disable"])
def test_a_code_typed_in_other_digits_is_refused_not_a_server_error(world, client, login, step, code):
    """``str.isdigit`` holds for these six-character codes, and ``hmac.compare_digest`` refuses
    non-ASCII text: a wrong code, not a 500."""
    if step == "sign_in":
        _second_step_pending(world, client)
        url, typed = "/login/two-factor", {"code": code}
    else:
        login(world.reviewer)
        if step == "disable":
            _totp_on(world.reviewer)
        url = {"enrol": "/account/two-factor", "disable": "/account/two-factor/disable"}[step]
        typed = {"code": code, "password": factories.PASSWORD} if step == "disable" else {"code": code}

    response = client.post(url, data=typed)

    assert response.status_code == 422, response.status_code
    _assert_answer(response, typed, None)


# --- ids beyond 64 bits ---------------------------------------------------------------------------

_BEYOND = "99999999999999999999999"
_MINUTES = {"month": "2026-04", "number": "05-BB/TTCT", "held_on": "2026-04-02", "start_time": "07:30",
            "end_time": "10:30", "place": "Hội trường"}
BEYOND_64_BITS = {
    "observation_filter_lecturer": ("director", "get", lambda world: "/observations",
                                    lambda world: {"lecturer_id": _BEYOND}),
    "observation_filter_observer": ("director", "get", lambda world: "/observations",
                                    lambda world: {"observer_id": _BEYOND}),
    "observation_list_page": ("director", "get", lambda world: "/observations", lambda world: {"page": _BEYOND}),
    "lecturer_search_page": ("director", "get", lambda world: "/lecturers", lambda world: {"q": "An", "page": _BEYOND}),
    "audit_filter_actor": ("director", "get", lambda world: "/audit", lambda world: {"actor_id": _BEYOND}),
    "meeting_chair": ("secretary", "post", lambda world: "/meetings/new",
                      lambda world: {**_MINUTES, "chair_id": _BEYOND, "secretary_id": str(world.secretary.id)}),
    "meeting_edit_secretary": ("secretary", "post", lambda world: f"/meetings/{world.meeting_urls['meeting_id']}/edit",
                               lambda world: {**_MINUTES, "month": "2026-03", "held_on": "2026-03-05",
                                              "chair_id": str(world.director.id), "secretary_id": _BEYOND}),
    "action_item_owner": ("secretary", "post", lambda world: f"/meetings/{world.meeting_urls['meeting_id']}/actions",
                          lambda world: {"action-description": "Cập nhật bài giảng", "action-owner_id": _BEYOND,
                                         "action-due_on": "2026-03-28"}),
    "close_action_meeting": ("lecturer", "post",
                             lambda world: f"/meetings/actions/{world.meeting_urls['action_id']}/close",
                             lambda world: {"status": "done", "note": "Đã làm", "meeting_id": _BEYOND}),
}


@pytest.mark.parametrize("name", sorted(BEYOND_64_BITS))
def test_an_id_beyond_64_bits_is_refused_not_a_server_error(world, client, login, name):
    """A select that does not check its choice (or a page number) hands the id to the database,
    which cannot compare it with a 64-bit column: it must be refused like any unknown id."""
    role, method, url, typed = BEYOND_64_BITS[name]
    login(world.user(role))
    typed = typed(world)

    response = getattr(client, method)(url(world), **({"query_string": typed} if method == "get" else {"data": typed}))

    _assert_answer(response, typed, None)
