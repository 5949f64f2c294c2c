"""The demo data set: it loads into an empty database through the services, holds what the
demo promises (accounts, a year of observations with their stories), and loads only once."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime

import flask_migrate
import pytest
import sqlalchemy as sa

from accounts.models import User
from app import create_app
from core import uploads
from core.extensions import db
from core.models import AuditLog
from demo.loader import DEMO_PASSWORD, load_demo
from lecturers import queries as lecturer_queries
from lecturers.enums import PlanState
from lecturers.models import LessonPlan, TeachingSession
from reviews import queries, recalc
from reviews.enums import PRACTICE_HEADINGS, ObservationKind, ObservationState, PracticePurpose, PracticeVerdict, Rating
from reviews.models import Amendment, Observation, ObservationResponse

NOW = datetime(2026, 11, 23, 3, 0)
ACCOUNTS = {"admin", "director", "reviewer", "reviewer2", "reviewer3", "reviewer4", "reviewer5", "reviewer6",
            "lecturer", "secretary", "overseer", "director2"}


@pytest.fixture
def demo(app):
    load_demo(now=NOW)
    db.session.flush()


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _observations(*conditions) -> list[Observation]:
    return list(db.session.scalars(sa.select(Observation).where(*conditions).order_by(Observation.id)))


def test_every_demo_account_exists_with_the_demo_password(demo):
    assert set(db.session.scalars(sa.select(User.username))) == ACCOUNTS
    assert _user("reviewer3").check_password(DEMO_PASSWORD)
    assert [_user(name).lecturer is not None for name in ("reviewer3", "reviewer4", "reviewer5", "reviewer6")] \
        == [True] * 4


def test_the_demo_lecturer_has_a_year_of_results_with_a_response_and_an_unannounced_visit(demo):
    lecturer = _user("lecturer").lecturer

    final = _observations(Observation.lecturer_id == lecturer.id, Observation.state == ObservationState.FINALIZED,
                          Observation.kind == ObservationKind.OBSERVED_LESSON)

    assert len(final) >= 4
    assert [o.is_unannounced for o in final].count(True) == 1
    assert sorted(o.response.kind for o in final if o.response) == ["acknowledge", "disagree"]
    assert all(o.session is not None and o.session.lecturer_id == lecturer.id for o in final)
    assert (max(o.date for o in final) - min(o.date for o in final)).days > 180


def test_the_demo_shows_disagreements_unsatisfactory_lessons_and_an_amendment(demo):
    final = _observations(Observation.state == ObservationState.FINALIZED,
                          Observation.kind == ObservationKind.OBSERVED_LESSON)
    taught = set(db.session.scalars(sa.select(TeachingSession.lecturer_id)))

    assert len(final) >= 30
    assert any(o.disagreement for o in final)
    assert any(o.rating == Rating.UNSATISFACTORY for o in final)
    assert any(o.rating == Rating.UNSATISFACTORY and o.result_by_code()["2.2"] == 0 for o in final)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Amendment)) == 1
    assert {o.unit_id for o in final} == {_user("director").grants[0].unit_id, _user("director2").grants[0].unit_id}
    assert all(2 <= len(o.sheets) <= 3 for o in final)
    assert len({o.lecturer_id for o in final}) >= 0.8 * len(taught)  # most lecturers of both units


def test_directors_and_reviewers_have_lessons_to_observe_in_the_coming_days(demo):
    waiting = {name: queries.my_open_sheets(_user(name), today=NOW.date())
               for name in ("director", "reviewer", "director2")}

    assert {name: bool(sheets) for name, sheets in waiting.items()} == dict.fromkeys(waiting, True)
    assert {o.state for o in _observations(Observation.state != ObservationState.FINALIZED)} == \
        {ObservationState.PLANNED, ObservationState.IN_PROGRESS}


def test_the_demo_was_made_through_the_services(demo):
    final = _observations(Observation.state == ObservationState.FINALIZED)
    logged = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                               .where(AuditLog.action == "observation_finalized"))
    responses = db.session.scalar(sa.select(sa.func.count()).select_from(ObservationResponse))

    assert logged == len(final)
    assert responses == db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                                          .where(AuditLog.action == "observation_response"))
    assert recalc.recalculate(now=NOW).differences == []


def _plans(*conditions) -> list[LessonPlan]:
    return list(db.session.scalars(sa.select(LessonPlan).where(*conditions).order_by(LessonPlan.id)))


def _states(plan: LessonPlan) -> list[str]:
    return [version.state for version in plan.versions]


def test_the_demo_has_lesson_plans_in_every_state_with_real_files(demo, app):
    plans = _plans()
    states = {version.state for plan in plans for version in plan.versions}
    authors = {plan.lecturer_id for plan in plans}
    files = [version.file for plan in plans for version in plan.versions if version.file]

    assert states == {state.value for state in PlanState}
    assert len(authors) >= 4
    assert any(_states(plan) == ["superseded", "approved"] for plan in plans)  # approved again in a newer version
    assert any(_states(plan) == ["changes_requested", "submitted"] for plan in plans)  # resubmitted
    assert len(files) >= 10
    for stored in files:  # on disk under UPLOAD_FOLDER, and what inspect() accepts
        with open(uploads.path_of(stored, app.config["UPLOAD_FOLDER"]), "rb") as handle:
            data = handle.read()
        assert uploads.inspect(data, stored.original_name) == stored.kind
        assert len(data) == stored.size
    assert {stored.kind for stored in files} == {"docx", "pdf"}
    assert any("Giáo án" in stored.original_name for stored in files)
    document = next(stored for stored in files if stored.kind == "docx")
    with open(uploads.path_of(document, app.config["UPLOAD_FOLDER"]), "rb") as handle:
        body = zipfile.ZipFile(io.BytesIO(handle.read())).read("word/document.xml").decode()
    assert "GIÁO ÁN" in body and "PHÂN BỔ THỜI GIAN" in body and "phút" in body
    logged = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                               .where(AuditLog.action == "plan_created"))
    assert logged == len(plans)  # made through the services


def test_the_demo_lecturer_has_plans_in_several_states_and_sees_why_changes_were_requested(demo):
    lecturer = _user("lecturer").lecturer
    plans = _plans(LessonPlan.lecturer_id == lecturer.id)

    assert {plan.state for plan in plans} >= {"draft", "submitted", "changes_requested", "approved"}
    sent_back = next(plan for plan in plans if plan.state == "changes_requested")
    sections = {comment.section for comment in sent_back.latest.comments}
    assert sections >= {"general", "aims", "outline"}
    assert all(comment.author.username in ("director", "reviewer") for comment in sent_back.latest.comments)
    approved = next(plan for plan in plans if plan.state == "approved")
    old, new = approved.versions
    assert old.readings != new.readings and new.file_id != old.file_id


def test_some_teaching_sessions_have_an_approved_plan_and_some_are_still_flagged(demo):
    unit_id = _user("director").grants[0].unit_id
    sessions = list(db.session.scalars(sa.select(TeachingSession).order_by(TeachingSession.id)))
    without = lecturer_queries.sessions_without_plan(sessions)
    lecturer = _user("lecturer").lecturer
    own_upcoming = [s for s in sessions if s.lecturer_id == lecturer.id and s.date >= NOW.date()]

    assert 3 <= len(sessions) - len(without) < len(sessions)
    assert own_upcoming and all(s.id not in without for s in own_upcoming)
    assert lecturer_queries.missing_plan_query(unit_id, since=None) is not None
    assert any(s.id in without for s in sessions if s.lecturer_id == lecturer.id)


def test_the_demo_has_practice_lectures_with_comments_scores_verdicts_and_a_coming_follow_up(demo):
    practices = _observations(Observation.kind == ObservationKind.PRACTICE_LECTURE)
    final = [o for o in practices if o.is_finalized]
    lecturer = _user("lecturer").lecturer

    assert len(final) >= 4
    assert {o.practice.purpose for o in final} == {purpose.value for purpose in PracticePurpose}
    assert all(o.practice.self_assessment and o.practice.self_assessed_at for o in final)
    assert all(2 <= len(o.sheets) <= 3 and all(s.is_submitted for s in o.sheets) for o in final)
    for o in final:
        for sheet in o.sheets:
            assert all(getattr(sheet.practice_comment, heading) for heading in PRACTICE_HEADINGS)
    scored = [s for o in final for s in o.sheets if s.scores]
    assert scored and len(scored) < sum(len(o.sheets) for o in final)  # some score, some only comment
    assert sum(o.practice.verdict == PracticeVerdict.READY for o in final) >= 3
    again = [o for o in final if o.practice.verdict == PracticeVerdict.AGAIN]
    assert len(again) == 1 and again[0].lecturer_id == lecturer.id
    follow_up = db.session.get(Observation, again[0].practice.follow_up_id)
    assert follow_up.state == ObservationState.PLANNED and follow_up.date > NOW.date()
    assert follow_up.lecturer_id == lecturer.id and follow_up.practice.previous_id == again[0].id
    assert {s.observer_id for s in follow_up.sheets} == {s.observer_id for s in again[0].sheets}
    logged = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                               .where(AuditLog.action == "practice_verdict"))
    assert logged == len(final)


def test_the_command_loads_an_empty_database_once(app):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["demo", "load"])
    again = runner.invoke(args=["demo", "load"])
    skipped = runner.invoke(args=["demo", "load", "--if-empty"])

    assert first.exit_code == 0, first.output
    assert again.exit_code != 0 and "not empty" in again.output
    assert skipped.exit_code == 0 and "already has data" in skipped.output
    assert set(db.session.scalars(sa.select(User.username))) == ACCOUNTS


def _fingerprint() -> list[tuple]:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        flask_migrate.upgrade()
        load_demo(now=NOW, seed=7)
        rows = [(o.lecturer.full_name, o.date, o.state, o.total, o.rating, o.is_unannounced,
                 tuple((s.observer.username, s.total, s.strengths) for s in o.sheets))
                for o in db.session.scalars(sa.select(Observation).order_by(Observation.id))]
        db.session.remove()
        db.engine.dispose()
    return rows


@pytest.mark.slow
def test_the_same_seed_gives_the_same_demo():
    assert _fingerprint() == _fingerprint()
