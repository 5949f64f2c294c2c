"""Stored-XSS payloads in the free-text fields test_xss.py leaves out render inert in a real
browser (issues 5 and 8): meeting minutes (place, guests, agenda items, contributions,
conclusions, content updates, action items, absence reasons, amendments and their reasons),
an observation's amendment reason and the lecturer's response, a practice lecture's audience,
self-assessment, comments and verdict note, a candidate decision's rationales and an outside
contest result's name.

The records are made through the application's own services, in the live server's database
(the demo's second unit, the one test_xss.py uses), before any page is opened. Every field
carries its own label in front of the payloads, so each page is checked for each field it
shows: as text in <main> (or as the value of a form field), with no dialog, no
Content-Security-Policy violation and no element made from a payload. This file sorts after
test_xss.py and is the last of the browser tests, so the payloads reach no other test."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from tests.e2e.conftest import login
from tests.e2e.test_xss import TEXT, WATCH_CSP

pytestmark = pytest.mark.e2e

# What <main> shows: its rendered text, and the values and options of its form fields (a
# textarea's or an input's value is not part of innerText).
SHOWN = """() => {
  const main = document.querySelector('main');
  const values = [...main.querySelectorAll('input, textarea')].map(field => field.value);
  const options = [...main.querySelectorAll('option')].map(option => option.textContent);
  return [main.innerText, ...values, ...options].join('\\n');
}"""
# Elements a payload would have made, had it been parsed as markup instead of shown as text.
INJECTED = """() => [...document.querySelectorAll(
    'img[src="x"], svg[onload], [onerror], [onload], main script')].map(element => element.outerHTML)"""


def tagged(field: str) -> str:
    """The payloads behind a label naming the field, so a page is checked field by field."""
    return f"{field}: {TEXT}"


# --- the records ---------------------------------------------------------------------------------


@dataclass
class Planted:
    approved_meeting: int
    approved_update: int
    draft_meeting: int
    draft_agenda: int
    observation: int
    practice: int
    follow_up: int
    observed_lecturer: int  # reviewer5's lecturer: observed, owns the action items, absent, nominated
    rehearsing_lecturer: int  # reviewer6's lecturer: rehearsed the practice lecture, nominated


def _plant() -> Planted:
    import sqlalchemy as sa

    from accounts.models import User
    from contests import services as contests
    from core.extensions import db
    from core.models import utcnow
    from lecturers.models import Lecturer
    from meetings import services as meetings
    from meetings.enums import AttendanceStatus, MinutesState
    from reviews import practice, services as reviews
    from reviews.authoring import default_version
    from reviews.enums import PRACTICE_HEADINGS
    from tests.factories import full_scores

    now = utcnow()
    today = now.date()
    users = {user.username: user for user in db.session.scalars(sa.select(User).where(
        User.username.in_(["director2", "reviewer4", "reviewer5", "reviewer6"])))}
    director, secretary = users["director2"], users["reviewer4"]
    lecturer_of = {name: db.session.scalar(sa.select(Lecturer).where(Lecturer.user_id == users[name].id))
                   for name in ("reviewer5", "reviewer6")}
    observed, rehearsing = lecturer_of["reviewer5"], lecturer_of["reviewer6"]
    unit = observed.unit
    version = default_version(unit)

    # An observed lesson: finalised, amended with a reason, disputed by the lecturer.
    observation = reviews.plan_observation(
        unit=unit, lecturer=observed, version=version, observers=[director, secretary],
        on=today - timedelta(days=3), actor=director, now=now, chair=director,
        topic_text=tagged("observation topic"))
    for sheet in observation.sheets:
        reviews.save_sheet(sheet, scores=full_scores(version), actor=sheet.observer, now=now,
                           texts={"strengths": TEXT, "shortcomings": TEXT, "recommendations": TEXT})
        reviews.submit_sheet(sheet, actor=sheet.observer, now=now)
    reviews.finalize_observation(observation, debrief=tagged("debrief"), action_points=tagged("action points"),
                                 actor=director, now=now)
    reviews.amend_observation(observation, reason=tagged("observation amendment reason"), scores=None,
                              action_points=tagged("amended action points"), actor=director, now=now)
    reviews.respond(observation, kind="disagree", text=tagged("lecturer response"), actor=users["reviewer5"],
                    now=now)

    # A practice lecture: self-assessed, commented under every heading, closed with "rehearse
    # again"; its follow-up is self-assessed and holds the director's draft comments.
    rehearsal = practice.schedule_practice(
        unit=unit, lecturer=rehearsing, attendees=[director, secretary], on=today - timedelta(days=1),
        purpose="new_topic", audience=tagged("audience"), allowed_minutes=45, actor=director, now=now,
        topic_text=tagged("practice topic"), version=version, chair=director)
    practice.record_self_assessment(rehearsal, text=tagged("self-assessment"), actual_minutes=50,
                                    actor=users["reviewer6"], now=now)
    for sheet in rehearsal.sheets:
        practice.save_comments(sheet, comments={heading: tagged(f"comment {heading} {sheet.observer.username}")
                                                for heading in PRACTICE_HEADINGS}, actor=sheet.observer, now=now)
        reviews.submit_sheet(sheet, actor=sheet.observer, now=now)
    follow_up = practice.give_verdict(rehearsal, verdict="again", rehearse_by=today + timedelta(days=14),
                                      debrief=tagged("verdict note"), action_points=tagged("verdict action points"),
                                      actual_minutes=50, actor=director, now=now)
    practice.record_self_assessment(follow_up, text=tagged("second self-assessment"), actual_minutes=None,
                                    actor=users["reviewer6"], now=now)
    own_sheet = next(sheet for sheet in follow_up.sheets if sheet.observer_id == director.id)
    practice.save_comments(own_sheet, comments={heading: tagged(f"draft comment {heading}")
                                                for heading in PRACTICE_HEADINGS}, actor=director, now=now)

    # Contests: an outside result and a candidate decision with its rationales.
    contests.record_outside_result(observed, level="province", year=today.year - 1,
                                   contest_name=tagged("outside contest"), prize="second", actor=director, now=now)
    contests.decide_candidates(unit=unit, contest=None, window_months=24, eligibility="all",
                               nominees=[(observed, tagged("nomination rationale 5")),
                                         (rehearsing, tagged("nomination rationale 6"))],
                               snapshot={}, actor=director, now=now, rationale=tagged("decision rationale"))

    # Minutes approved last year, then amended on every kind of target.
    topic = observed.topics[0] if observed.topics else None
    approved = _minutes(unit, meetings.free_month(unit.id, date(today.year - 1, today.month, 1)), "approved",
                        director=director, secretary=secretary, owner=observed, topic=topic, now=now)
    attendance = {row.lecturer_id: row for row in approved.attendances}
    meetings.record_attendance(approved, statuses={
        row.id: (AttendanceStatus.EXCUSED, tagged("absence reason")) if row.lecturer_id == observed.id
        else (AttendanceStatus.PRESENT, "") for row in approved.attendances},
        expected_version=None, actor=secretary, now=now)
    meetings.set_meeting_state(approved, MinutesState.APPROVED, actor=director, now=now)
    update = approved.content_updates[0]
    for target, target_id, values, reason in (
            ("conclusion", None, {"text": tagged("amended chair conclusion")}, "conclusion"),
            ("agenda_conclusion", approved.agenda_items[0].id, {"text": tagged("amended agenda conclusion")}, "agenda"),
            ("content_update", update.id, {"text": tagged("amended update body")}, "update"),
            ("attendance", attendance[rehearsing.id].id,
             {"status": AttendanceStatus.EXCUSED, "text": tagged("amended absence reason")}, "attendance"),
            ("note", None, {"text": tagged("amendment note")}, "note")):
        meetings.amend_meeting(approved, target=target, target_id=target_id, values=values,
                               reason=tagged(f"minutes amendment reason {reason}"), actor=director, now=now)

    # Draft minutes of a meeting still to come: the observations above are to be discussed there.
    draft = _minutes(unit, meetings.free_month(unit.id, date(today.year + today.month // 12, today.month % 12 + 1, 1)),
                     "draft", director=director, secretary=secretary, owner=observed, topic=topic, now=now)
    meetings.record_attendance(draft, statuses={row.id: (AttendanceStatus.EXCUSED, tagged("draft absence reason"))
                                                for row in draft.attendances if row.lecturer_id == observed.id},
                               expected_version=None, actor=secretary, now=now)
    db.session.commit()
    return Planted(approved_meeting=approved.id, approved_update=update.id, draft_meeting=draft.id,
                   draft_agenda=draft.agenda_items[0].id, observation=observation.id, practice=rehearsal.id,
                   follow_up=follow_up.id, observed_lecturer=observed.id, rehearsing_lecturer=rehearsing.id)


def _minutes(unit, month: date, prefix: str, *, director, secretary, owner, topic, now: datetime):
    """Minutes of ``unit`` for ``month`` (held on the 10th at 08:30 local time) with every row
    that carries free text; every text starts with ``prefix``."""
    import sqlalchemy as sa

    from core.extensions import db
    from lecturers.models import Programme, Topic
    from meetings import services as meetings

    starts_at = datetime(month.year, month.month, 10, 1, 30)
    meeting = meetings.open_meeting(unit=unit, month=month, number="", starts_at=starts_at,
                                    ends_at=starts_at + timedelta(hours=3), place=tagged(f"{prefix} place"),
                                    chair=director, secretary=secretary, actor=secretary, now=now)
    meetings.add_guest(meeting, full_name=tagged(f"{prefix} guest"), position=tagged(f"{prefix} guest position"),
                       actor=secretary, now=now)
    item = meetings.add_agenda_item(meeting, title=tagged(f"{prefix} agenda title"),
                                    summary=tagged(f"{prefix} agenda summary"),
                                    conclusion=tagged(f"{prefix} agenda conclusion"), actor=secretary, now=now)
    meetings.add_contribution(item, speaker=tagged(f"{prefix} speaker"), content=tagged(f"{prefix} contribution"),
                              actor=secretary, now=now)
    topic = topic or db.session.scalar(sa.select(Topic).join(Programme).where(Programme.unit_id == unit.id)
                                       .order_by(Topic.id).limit(1))
    meetings.add_content_update(meeting, title=tagged(f"{prefix} update title"), body=tagged(f"{prefix} update body"),
                                topics=[topic], actor=secretary, now=now)
    meetings.add_action_item(meeting, description=tagged(f"{prefix} action item"), owner=owner,
                             due_on=month + timedelta(days=27), actor=secretary, now=now)
    meetings.update_meeting(meeting, values={
        "month": meeting.month, "number": meeting.number, "starts_at": meeting.starts_at, "ends_at": meeting.ends_at,
        "place": meeting.place, "chair_id": meeting.chair_id, "secretary_id": meeting.secretary_id,
        "conclusion": tagged(f"{prefix} chair conclusion")}, expected_version=None, actor=secretary, now=now)
    return meeting


@pytest.fixture(scope="module")
def planted(live_server, live_database_url) -> Planted:
    from app import create_app
    from core.extensions import db

    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": live_database_url})
    try:
        with application.app_context():
            return _plant()
    finally:
        with application.app_context():
            db.engine.dispose()


# --- the browser ---------------------------------------------------------------------------------


def _watch(page) -> list[str]:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(WATCH_CSP)
    return dialogs


def _check(page, path: str, fields: list[str]) -> None:
    """Open ``path``: it answers 200, shows every field's labelled payloads as text, raises no
    CSP violation and holds no element made from a payload."""
    response = page.goto(path)
    assert response.status == 200, path
    page.wait_for_load_state("load")
    assert page.evaluate("window.__violations") == [], path
    assert page.evaluate(INJECTED) == [], path
    shown = page.evaluate(SHOWN).casefold()  # casefold: a heading's CSS may change the case
    missing = [field for field in fields if tagged(field).casefold() not in shown]
    assert missing == [], (path, missing)


def _minutes_fields(prefix: str) -> list[str]:
    return [f"{prefix} {field}" for field in ("place", "guest", "guest position", "agenda title", "agenda summary",
                                               "speaker", "contribution", "agenda conclusion", "update title",
                                               "update body", "action item", "chair conclusion")]


def test_minutes_fields_render_as_text_with_no_dialog_and_no_csp_violation(page, planted):
    dialogs = _watch(page)
    login(page, "director2")
    amendments = [f"minutes amendment reason {target}" for target in ("conclusion", "agenda", "update",
                                                                       "attendance", "note")]
    _check(page, f"/meetings/{planted.approved_meeting}",
           _minutes_fields("approved") + amendments + [
               "absence reason", "amended absence reason", "amended chair conclusion", "amended agenda conclusion",
               "amended update body", "amendment note"])
    _check(page, f"/meetings/{planted.approved_meeting}/amend?target=content_update:{planted.approved_update}",
           ["approved agenda title", "approved update title", "amended update body"])
    _check(page, f"/meetings/{planted.draft_meeting}",
           _minutes_fields("draft") + ["draft absence reason", "approved action item", "observation topic",
                                       "practice topic"])
    _check(page, f"/meetings/{planted.draft_meeting}/edit", ["draft place", "draft chair conclusion"])
    _check(page, f"/meetings/{planted.draft_meeting}/agenda/{planted.draft_agenda}",
           ["draft agenda title", "draft agenda summary", "draft agenda conclusion"])
    _check(page, f"/meetings/{planted.draft_meeting}/attendance", ["draft absence reason"])
    _check(page, "/meetings", [])
    _check(page, "/meetings/actions?status=all", ["approved action item", "draft action item"])
    _check(page, f"/lecturers/{planted.observed_lecturer}",
           ["approved action item", "draft action item", "absence reason", "draft absence reason",
            "approved update title", "amended update body", "outside contest"])
    _check(page, f"/lecturers/{planted.rehearsing_lecturer}", ["amended absence reason"])
    assert dialogs == []


def test_review_and_contest_fields_render_as_text_with_no_dialog_and_no_csp_violation(page, planted):
    dialogs = _watch(page)
    login(page, "director2")
    comments = [f"comment {heading} {observer}" for heading in ("content", "method", "demeanour", "slides", "timing")
                for observer in ("director2", "reviewer4")]
    _check(page, f"/observations/{planted.observation}",
           ["observation topic", "debrief", "amended action points", "observation amendment reason",
            "lecturer response"])
    _check(page, f"/observations/{planted.observation}/amend", ["amended action points"])
    _check(page, f"/observations/{planted.practice}",
           ["practice topic", "audience", "self-assessment", "verdict note", "verdict action points"] + comments)
    _check(page, f"/observations/{planted.follow_up}", ["practice topic", "audience", "second self-assessment"])
    _check(page, f"/observations/{planted.follow_up}/sheet",
           [f"draft comment {heading}" for heading in ("content", "method", "demeanour", "slides", "timing")])
    _check(page, "/observations", ["observation topic", "practice topic"])
    _check(page, "/candidates", ["outside contest"])
    _check(page, "/candidates/decisions", ["decision rationale", "nomination rationale 5", "nomination rationale 6"])
    assert dialogs == []


def test_lecturers_see_their_own_records_inert(new_page, planted):
    """The observed lecturer's view of their result and response, and the rehearsing lecturer's
    view of their practice lectures (with the self-assessment form filled in)."""
    observed, rehearsing = new_page(), new_page()
    dialogs = [_watch(observed), _watch(rehearsing)]
    login(observed, "reviewer5")
    _check(observed, f"/observations/{planted.observation}",
           ["observation topic", "debrief", "amended action points", "observation amendment reason",
            "lecturer response"])
    _check(observed, f"/lecturers/{planted.observed_lecturer}", ["approved action item", "absence reason",
                                                                 "outside contest"])
    login(rehearsing, "reviewer6")
    _check(rehearsing, f"/observations/{planted.practice}", ["practice topic", "self-assessment", "verdict note"])
    _check(rehearsing, f"/observations/{planted.follow_up}", ["practice topic", "second self-assessment"])
    assert dialogs == [[], []]
