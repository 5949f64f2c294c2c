"""The demo data set: it loads into an empty database through the services, holds what the
demo promises (accounts, a year of observations with their stories), and loads only once."""
from __future__ import annotations

from datetime import datetime

import flask_migrate
import pytest
import sqlalchemy as sa

from accounts.models import User
from app import create_app
from core.extensions import db
from core.models import AuditLog
from demo.loader import DEMO_PASSWORD, load_demo
from lecturers.models import TeachingSession
from reviews import queries, recalc
from reviews.enums import ObservationState, Rating
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

    final = _observations(Observation.lecturer_id == lecturer.id, Observation.state == ObservationState.FINALIZED)

    assert len(final) >= 4
    assert [o.is_unannounced for o in final].count(True) == 1
    assert sorted(o.response.kind for o in final if o.response) == ["acknowledge", "disagree"]
    assert all(o.session is not None and o.session.lecturer_id == lecturer.id for o in final)
    assert (max(o.date for o in final) - min(o.date for o in final)).days > 180


def test_the_demo_shows_disagreements_unsatisfactory_lessons_and_an_amendment(demo):
    final = _observations(Observation.state == ObservationState.FINALIZED)
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
