from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from accounts.enums import Role
from core.errors import DomainError
from core.extensions import db
from core.models import AuditLog, utcnow
from reviews import services
from reviews.enums import ObservationState, SheetState
from reviews.models import Observation, Sheet, SheetScore
from tests import factories


def _sheet(observation: Observation, user) -> Sheet:
    return next(sheet for sheet in observation.sheets if sheet.observer_id == user.id)


def test_planning_creates_one_draft_sheet_per_observer(world):
    observation = factories.make_observation(world)

    assert observation.state == ObservationState.PLANNED
    assert sorted(s.observer_id for s in observation.sheets) == sorted([world.director.id, world.reviewer.id])
    assert {s.state for s in observation.sheets} == {SheetState.DRAFT}
    assert observation.chair_id == world.director.id


def test_nobody_observes_their_own_lesson(world):
    reviewer_lecturer = factories.make_lecturer(world.unit, full_name="Phạm Thị Lan", user=world.reviewer)

    with pytest.raises(DomainError) as error:
        factories.make_observation(world, lecturer=reviewer_lecturer)

    assert error.value.field == "observer_ids"


def test_a_declared_conflict_blocks_the_assignment(world):
    services.declare_conflict(unit=world.unit, observer=world.reviewer, lecturer=world.colleague, kind="relative",
                              note="Anh em ruột", actor=world.reviewer, now=utcnow())

    with pytest.raises(DomainError) as error:
        factories.make_observation(world)

    assert (error.value.field, world.reviewer.full_name in str(error.value.message)) == ("observer_ids", True)


def test_observers_must_be_reviewers_of_the_unit(world):
    with pytest.raises(DomainError):
        factories.make_observation(world, observers=[world.secretary])
    with pytest.raises(DomainError):
        factories.make_observation(world, observers=[world.sibling_director])


def test_draft_rubric_versions_cannot_be_used(world):
    from reviews.rubrics import RubricVersion

    draft = RubricVersion(rubric_id=factories.shipped_version().rubric_id, number=99, state="draft")
    db.session.add(draft)
    db.session.flush()

    with pytest.raises(DomainError):
        factories.make_observation(world, version=draft)


def test_saving_a_draft_validates_each_score_and_starts_the_observation(world):
    observation = factories.make_observation(world)
    sheet = _sheet(observation, world.reviewer)

    services.save_sheet(sheet, scores={"1.1": "1.75", "2.1": ""}, texts={"notes": "Mở bài tốt"},
                        actor=world.reviewer, now=utcnow())

    assert sheet.score_map() == {"1.1": Decimal("1.75")}
    assert (sheet.notes, sheet.total, observation.state) == ("Mở bài tốt", Decimal("1.75"),
                                                             ObservationState.IN_PROGRESS)


@pytest.mark.parametrize("chair", ["secretary", "admin", "sibling_director"])
def test_the_chair_must_observe_or_direct_the_unit(world, chair):
    with pytest.raises(DomainError) as raised:
        factories.make_observation(world, chair=world.user(chair))

    assert raised.value.field == "chair_id"


def test_the_chair_defaults_to_the_first_observer_when_the_planner_does_not_observe(world):
    observation = factories.make_observation(world, observers=[world.reviewer])

    assert observation.chair_id == world.reviewer.id


def test_a_draft_total_counts_every_new_score(world):
    observation = factories.make_observation(world)
    sheet = _sheet(observation, world.reviewer)

    services.save_sheet(sheet, scores={"1.1": "2", "2.1": "1.5", "5.1": "0.25"}, texts={}, actor=world.reviewer,
                        now=utcnow())
    services.save_sheet(sheet, scores={"2.1": "1", "3.1": "2"}, texts={}, actor=world.reviewer, now=utcnow())

    assert (sheet.total, sheet.percent, sheet.rating) == (Decimal("5.25"), Decimal("26.25"), None)


@pytest.mark.parametrize("value", ["2.1", "-1", "abc", "1.3"])
def test_invalid_scores_are_refused_and_nothing_changes(world, value):
    observation = factories.make_observation(world)
    sheet = _sheet(observation, world.reviewer)

    with pytest.raises(DomainError) as error:
        services.save_sheet(sheet, scores={"1.1": value}, texts={}, actor=world.reviewer, now=utcnow())

    assert (error.value.field, sheet.scores) == ("scores", [])


def test_only_the_observer_edits_their_sheet(world):
    sheet = _sheet(factories.make_observation(world), world.reviewer)

    with pytest.raises(DomainError) as error:
        services.save_sheet(sheet, scores={}, texts={"notes": "x"}, actor=world.director, now=utcnow())

    assert error.value.status == 403


def test_a_stale_save_is_a_409(world):
    sheet = _sheet(factories.make_observation(world), world.reviewer)
    opened = sheet.version
    services.save_sheet(sheet, scores={"1.1": "1"}, texts={}, actor=world.reviewer, now=utcnow(),
                        expected_version=opened)

    with pytest.raises(DomainError) as error:
        services.save_sheet(sheet, scores={"1.1": "2"}, texts={}, actor=world.reviewer, now=utcnow(),
                            expected_version=opened)

    assert (error.value.status, sheet.score_map()) == (409, {"1.1": Decimal("1")})


def test_submitting_needs_every_score_and_then_locks(world):
    sheet = _sheet(factories.make_observation(world), world.reviewer)
    services.save_sheet(sheet, scores={"1.1": "2"}, texts={}, actor=world.reviewer, now=utcnow())

    with pytest.raises(DomainError):
        services.submit_sheet(sheet, actor=world.reviewer, now=utcnow())
    factories.submit(sheet, factories.full_scores(sheet.observation.rubric_version, "1.5"), world.reviewer)

    assert (sheet.state, sheet.total, sheet.rating) == (SheetState.SUBMITTED, Decimal("15.00"), "good")
    with pytest.raises(DomainError) as error:
        services.save_sheet(sheet, scores={"1.1": "1"}, texts={}, actor=world.reviewer, now=utcnow())
    assert error.value.status == 409


def test_double_submit_is_harmless(world):
    sheet = _sheet(factories.make_observation(world), world.reviewer)
    factories.submit(sheet, factories.full_scores(sheet.observation.rubric_version), world.reviewer)
    submitted_at = sheet.submitted_at

    services.submit_sheet(sheet, actor=world.reviewer, now=utcnow())

    actions = db.session.scalars(sa.select(AuditLog.action).where(AuditLog.action == "sheet_submitted"))
    assert (sheet.submitted_at, len(list(actions))) == (submitted_at, 1)


def test_finalising_consolidates_the_submitted_sheets_only(world):
    observation = factories.make_observation(world)
    version = observation.rubric_version
    factories.submit(_sheet(observation, world.reviewer), factories.full_scores(version, "1"), world.reviewer)
    factories.submit(_sheet(observation, world.director), factories.full_scores(version), world.director)

    services.finalize_observation(observation, debrief="Rút kinh nghiệm", action_points="Cập nhật Nghị quyết",
                                  actor=world.director, now=utcnow())

    per_criterion = {score.criterion.code: score.value for score in observation.scores}
    assert observation.state == ObservationState.FINALIZED
    assert per_criterion["1.1"] == Decimal("1.50")
    assert (observation.total, observation.sheet_count, observation.rating) == (Decimal("15.50"), 2, "good")
    assert observation.disagreement is True  # totals 11 and 20 differ by more than 15 % of 20


def test_finalising_without_a_submitted_sheet_is_refused(world):
    observation = factories.make_observation(world)

    with pytest.raises(DomainError) as error:
        services.finalize_observation(observation, debrief="", action_points="", actor=world.director,
                                      now=utcnow())

    assert error.value.status == 409


def test_a_critical_zero_makes_the_result_unsatisfactory(world):
    observation = factories.make_observation(world, observers=[world.reviewer])
    scores = factories.full_scores(observation.rubric_version)
    scores["2.1"] = "0"
    factories.submit(observation.sheets[0], scores, world.reviewer)

    services.finalize_observation(observation, debrief="", action_points="", actor=world.director, now=utcnow())

    assert (observation.total, observation.rating) == (Decimal("18.00"), "unsatisfactory")


def _finalized(world) -> Observation:
    observation = factories.make_observation(world, observers=[world.reviewer])
    factories.submit(observation.sheets[0], factories.full_scores(observation.rubric_version, "1.5"),
                     world.reviewer)
    return services.finalize_observation(observation, debrief="", action_points="Đọc thêm Văn kiện",
                                         actor=world.director, now=utcnow())


def test_an_amendment_needs_a_reason_and_keeps_the_old_values(world):
    observation = _finalized(world)

    with pytest.raises(DomainError):
        services.amend_observation(observation, reason=" ", scores=None, action_points=None, actor=world.director,
                                   now=utcnow())
    amendment = services.amend_observation(observation, reason="Nhầm điểm tiêu chí 5.1", scores={"5.1": "3"},
                                           action_points=None, actor=world.director, now=utcnow())

    assert (amendment.before["total"], amendment.after["total"]) == ("15.00", "16.50")
    assert observation.result()["total"] == Decimal("16.50")
    assert observation.total == Decimal("15.00")


def test_finalised_observations_are_locked_in_the_database(world):
    observation = _finalized(world)

    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(sa.update(Observation).where(Observation.id == observation.id).values(total=20))


def test_submitted_sheets_and_their_scores_are_locked_in_the_database(world):
    observation = _finalized(world)
    sheet = observation.sheets[0]

    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(sa.update(SheetScore).where(SheetScore.sheet_id == sheet.id).values(value=0))
    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(sa.update(Sheet).where(Sheet.id == sheet.id).values(total=0))


def test_a_used_rubric_version_is_frozen_in_the_database(world):
    from reviews.rubrics import Criterion

    observation = factories.make_observation(world)

    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(sa.update(Criterion).where(Criterion.version_id == observation.rubric_version_id)
                           .values(max_points=5))


def test_the_lecturer_responds_once_to_a_final_result(world):
    lecturer_user = factories.make_user((world.unit, Role.LECTURER), username="an")
    world.colleague.user_id = lecturer_user.id
    observation = _finalized(world)

    services.respond(observation, kind="disagree", text="Tôi đề nghị xem lại tiêu chí 2.3", actor=lecturer_user,
                     now=utcnow())

    assert observation.response.kind == "disagree"
    with pytest.raises(DomainError):
        services.respond(observation, kind="acknowledge", text="", actor=lecturer_user, now=utcnow())


def test_every_change_of_a_draft_score_is_audited_with_old_and_new_values(world):
    sheet = _sheet(factories.make_observation(world), world.reviewer)
    services.save_sheet(sheet, scores={"1.1": "1"}, texts={}, actor=world.reviewer, now=utcnow())
    services.save_sheet(sheet, scores={"1.1": "1.5", "2.1": "2"}, texts={}, actor=world.reviewer, now=utcnow())
    services.save_sheet(sheet, scores={"1.1": "1.5"}, texts={"notes": "chỉ ghi chép"}, actor=world.reviewer,
                        now=utcnow())

    entries = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "sheet_scores_saved")
                                 .order_by(AuditLog.id)).all()
    assert [(e.before, e.after) for e in entries] == [
        ({"1.1": None}, {"1.1": "1.00"}),
        ({"1.1": "1.00", "2.1": None}, {"1.1": "1.50", "2.1": "2.00"}),
    ]


def _statements(run) -> list[str]:
    """The SQL statements ``run()`` sends."""
    seen: list[str] = []

    def record(_connection, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return seen


def test_a_sheet_read_to_change_is_read_under_the_observations_lock_over_what_the_session_held(world):
    """Another window saved the sheet after this request first read it: the sheet read to be
    changed is the saved one, read after the observation's row lock (PostgreSQL)."""
    sheet = _sheet(factories.make_observation(world), world.reviewer)
    db.session.flush()
    opened = sheet.version
    table = Sheet.__table__
    db.session.execute(table.update().where(table.c.id == sheet.id)
                       .values(notes="from the other window", version=table.c.version + 1))

    statements = _statements(lambda: services.sheet_to_change(sheet.observation_id, world.reviewer.id))

    assert (sheet.notes, sheet.version) == ("from the other window", opened + 1)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    if db.engine.dialect.name == "postgresql":
        assert "FOR UPDATE" in reads[0] and "FROM sheet" in reads[1]
    assert "sheet_score" not in " ".join(reads)


def test_a_sheet_read_to_change_forgets_the_scores_the_session_held(world):
    sheet = _sheet(factories.make_observation(world), world.reviewer)
    services.save_sheet(sheet, scores={"1.1": "1"}, texts={}, actor=world.reviewer, now=utcnow())
    held = list(sheet.scores)  # the session keeps these objects while anything refers to them
    assert [score.value for score in held] == [Decimal("1")]
    scores = SheetScore.__table__
    db.session.execute(scores.update().where(scores.c.sheet_id == sheet.id).values(value=Decimal("2")))

    services.sheet_to_change(sheet.observation_id, world.reviewer.id)

    assert sheet.score_map() == {"1.1": Decimal("2")} and held[0].value == Decimal("2")


def test_a_sheet_read_to_change_is_none_for_someone_without_one(world):
    observation = factories.make_observation(world)
    db.session.flush()

    assert services.sheet_to_change(observation.id, world.secretary.id) is None


def test_a_draft_written_over_a_newer_version_is_refused_and_nothing_is_written(world):
    """A writer that did not take the observation's lock saved meanwhile: the version check of
    the draft's UPDATE refuses the save before any score is written."""
    sheet = _sheet(factories.make_observation(world), world.reviewer)
    services.save_sheet(sheet, scores={"1.1": "1"}, texts={}, actor=world.reviewer, now=utcnow())
    table = Sheet.__table__
    db.session.execute(table.update().where(table.c.id == sheet.id).values(version=table.c.version + 1))

    with pytest.raises(DomainError) as error:
        services.save_sheet(sheet, scores={"1.1": "2"}, texts={}, actor=world.reviewer, now=utcnow())

    stored = db.session.scalars(sa.select(SheetScore.value).where(SheetScore.sheet_id == sheet.id)).all()
    assert (error.value.status, stored) == (409, [Decimal("1")])


def test_a_save_leaves_the_session_holding_what_was_written(world):
    """Scores and the sheet's figures read after a save (the autosave's answer, the API's) are
    the saved ones, even where the session held the scores before."""
    sheet = _sheet(factories.make_observation(world), world.reviewer)
    services.save_sheet(sheet, scores={"1.1": "1", "2.1": "2"}, texts={}, actor=world.reviewer, now=utcnow())
    assert sheet.score_map() == {"1.1": Decimal("1"), "2.1": Decimal("2")}  # loaded into the session
    version = sheet.version

    services.save_sheet(sheet, scores={"1.1": "1.5", "3.1": "0.5"}, texts={"notes": "ghi chép"},
                        actor=world.reviewer, now=utcnow())
    db.session.flush()

    assert sheet.score_map() == {"1.1": Decimal("1.5"), "2.1": Decimal("2"), "3.1": Decimal("0.5")}
    assert (sheet.total, sheet.notes, sheet.version) == (Decimal("4"), "ghi chép", version + 1)
    db.session.expire_all()
    assert (sheet.total, sheet.notes, sheet.version) == (Decimal("4"), "ghi chép", version + 1)


def test_a_save_after_the_observation_lock_leaves_no_old_score_in_the_session(world):
    """The API's path: ``lock_observation`` reads the sheets again (their score lists emptied,
    the score objects still held), then ``save_sheet`` changes a score."""
    observation = factories.make_observation(world)
    sheet = _sheet(observation, world.reviewer)
    services.save_sheet(sheet, scores={"1.1": "1"}, texts={}, actor=world.reviewer, now=utcnow())
    held = list(sheet.scores)
    assert [score.value for score in held] == [Decimal("1")]

    services.lock_observation(observation)
    services.save_sheet(sheet, scores={"1.1": "2"}, texts={}, actor=world.reviewer, now=utcnow())

    assert sheet.score_map() == {"1.1": Decimal("2")} and held[0].value == Decimal("2")
