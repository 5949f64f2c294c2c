"""``flask demo synth``: a tiny synthetic data set holds together — its results are what the
scoring module computes, recalculation finds nothing to change, a synthetic director's pages
open, and the same seed gives the same data."""
from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
import sqlalchemy as sa

from accounts.models import User
from contests.models import Contest, ContestMark
from core.extensions import db
from demo.synth import SYNTH_PASSWORD, SynthSize, synthesize
from lecturers.models import Lecturer
from reviews import recalc, scoring
from reviews.enums import SheetState
from reviews.models import Observation, Sheet, SheetScore
from reviews.rubrics import Criterion, Rubric, RubricVersion

NOW = datetime(2026, 11, 23, 3, 0)
TINY = SynthSize(units=2, lecturers=10, years=1, seed=7)


@pytest.fixture
def synth(app):
    counts = synthesize(db.session.connection(), TINY, now=NOW)
    db.session.expire_all()
    return counts


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _fingerprint() -> str:
    """The synthetic content, without ids."""
    rows = db.session.execute(
        sa.select(Lecturer.full_name, Observation.date, Observation.kind, Observation.total, Observation.rating,
                  Sheet.total, User.username)
        .join(Observation, Observation.lecturer_id == Lecturer.id).join(Sheet, Sheet.observation_id == Observation.id)
        .join(User, User.id == Sheet.observer_id).order_by(Observation.id, Sheet.id)).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_tiny_set_has_every_kind_of_record(synth):
    for table in ("lecturer", "observation", "sheet", "sheet_score", "observation_score", "practice_lecture",
                  "meeting", "lesson_plan", "contest", "contest_mark", "teaching_session"):
        assert synth[table] > 0, table
    assert synth["lecturer"] == 12  # at least six per unit: a director, four reviewers and one more
    sheets = db.session.execute(sa.select(Sheet.observation_id, sa.func.count()).group_by(Sheet.observation_id))
    assert {count for _id, count in sheets} <= {2, 3, 4}
    assert set(db.session.scalars(sa.select(Sheet.state))) == {SheetState.SUBMITTED}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ContestMark)) == synth["contest_mark"]
    assert {contest.phase for contest in db.session.scalars(sa.select(Contest))} == {"judging"}  # this year's


def test_sheet_totals_and_results_are_those_of_the_scoring_module(synth):
    version = db.session.scalar(sa.select(RubricVersion).join(Rubric).where(Rubric.code == "llct"))
    spec = version.spec()
    codes = dict(db.session.execute(sa.select(Criterion.id, Criterion.code).where(Criterion.version_id == version.id)).all())
    scores: dict[int, dict[str, object]] = {}
    for sheet_id, criterion_id, value in db.session.execute(
            sa.select(SheetScore.sheet_id, SheetScore.criterion_id, SheetScore.value)):
        scores.setdefault(sheet_id, {})[codes[criterion_id]] = value
    by_observation: dict[int, list[dict]] = {}
    for sheet in db.session.scalars(sa.select(Sheet).order_by(Sheet.id)):
        total = scoring.sheet_total(scores[sheet.id])
        assert (sheet.total, sheet.percent, sheet.rating) == (
            total, scoring.percent(total, spec.max_total), scoring.rating(spec, total, scores[sheet.id]))
        by_observation.setdefault(sheet.observation_id, []).append(scores[sheet.id])
    for observation in db.session.scalars(sa.select(Observation)):
        result = scoring.consolidate(spec, by_observation[observation.id])
        assert (observation.total, observation.rating, observation.sheet_count) == (
            result.total, result.rating, result.sheet_count)
    assert len({o.rating for o in db.session.scalars(sa.select(Observation))}) >= 2


def test_recalculation_finds_no_difference(synth):
    report = recalc.recalculate(now=NOW)

    assert report.sheets_checked == synth["sheet"]
    assert report.differences == []


def test_a_synthetic_director_opens_the_pages_of_their_unit(synth, client):
    director = _user("u001.director")
    assert director.check_password(SYNTH_PASSWORD)
    response = client.post("/login", data={"username": "u001.director", "password": SYNTH_PASSWORD})
    assert response.status_code == 302
    lecturer = db.session.scalar(sa.select(Lecturer).where(Lecturer.unit_id == director.grants[0].unit_id)
                                 .order_by(Lecturer.id.desc()))
    observation = db.session.scalar(sa.select(Observation).where(Observation.lecturer_id == lecturer.id))
    contest = db.session.scalar(sa.select(Contest).where(Contest.unit_id == lecturer.unit_id))
    for url in ("/dashboard", "/lecturers", f"/lecturers/{lecturer.id}", f"/observations/{observation.id}",
                "/candidates", f"/contests/{contest.id}/ranking", f"/reviews/lecturers/{lecturer.id}/progress.svg"):
        assert client.get(url).status_code == 200, url
    token = client.post("/api/v1/tokens", json={"username": "u001.director", "password": SYNTH_PASSWORD})
    assert client.get(f"/api/v1/lecturers/{lecturer.id}/progress",
                      headers={"Authorization": f"Bearer {token.get_json()['token']}"}).status_code == 200


def test_the_same_seed_gives_the_same_data(app):
    connection = db.session.connection()
    fingerprints = []
    for _ in range(2):
        savepoint = connection.begin_nested()
        synthesize(connection, TINY, now=NOW)
        fingerprints.append(_fingerprint())
        savepoint.rollback()
    savepoint = connection.begin_nested()
    synthesize(connection, SynthSize(units=2, lecturers=10, years=1, seed=8), now=NOW)
    other = _fingerprint()
    savepoint.rollback()

    assert fingerprints[0] == fingerprints[1] != other
