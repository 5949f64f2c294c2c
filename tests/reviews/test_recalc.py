"""``flask reviews recalc``: stored figures recomputed; drafts repaired, locked rows reported only."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import AuditLog, utcnow
from reviews import recalc, services
from reviews.enums import ObservationState, SheetState
from reviews.models import Observation, ObservationScore, Sheet
from tests import factories


@pytest.fixture
def world(world):
    """These tests count the sample observation, plan, meeting and contest of a world too."""
    return factories.complete(world)


def _sheet(observation, user) -> Sheet:
    return next(s for s in observation.sheets if s.observer_id == user.id)


def _write(table, row_id: int, **values) -> None:
    """Change a row behind the services' back, as a bug or a hand edit would."""
    db.session.execute(sa.update(table).where(table.c.id == row_id).values(**values))


def _finalised(world):
    observation = factories.make_observation(world)
    version = observation.rubric_version
    factories.submit(_sheet(observation, world.director), factories.full_scores(version), world.director)
    factories.submit(_sheet(observation, world.reviewer), factories.full_scores(version, "1"), world.reviewer)
    services.finalize_observation(observation, debrief="", action_points="", actor=world.director, now=utcnow())
    return observation


def test_a_consistent_database_has_no_difference(world):
    _finalised(world)
    services.save_sheet(_sheet(world.observation, world.reviewer), scores={"1.1": "1.5"}, texts={},
                        actor=world.reviewer, now=utcnow())

    report = recalc.recalculate(now=utcnow())

    assert (report.sheets_checked, report.observations_checked, report.differences) == (4, 1, [])
    assert report.summary() == ("Checked 4 sheets and 1 finalised observations: 0 differ, 0 rewritten "
                                "(draft sheets), 0 locked and reported only.")


def test_a_corrupted_draft_total_is_repaired_and_audited(world):
    sheet = _sheet(world.observation, world.reviewer)
    services.save_sheet(sheet, scores={"1.1": "1.5", "2.1": "2"}, texts={}, actor=world.reviewer, now=utcnow())
    _write(Sheet.__table__, sheet.id, total=Decimal("9"), percent=Decimal("45"))
    db.session.expire(sheet)

    report = recalc.recalculate(now=utcnow())

    db.session.refresh(sheet)
    assert [(d.kind, d.record_id, d.field, d.stored, d.computed, d.rewritten) for d in report.differences] == [
        ("sheet", sheet.id, "total", Decimal("9"), Decimal("3.5"), True),
        ("sheet", sheet.id, "percent", Decimal("45"), Decimal("17.5"), True)]
    assert (sheet.total, sheet.percent, sheet.rating) == (Decimal("3.5"), Decimal("17.5"), None)
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "sheet_recalculated"))
    assert (entry.object_id, entry.before, entry.after) == (sheet.id, {"total": "9.00", "percent": "45.00"},
                                                            {"total": "3.50", "percent": "17.50"})
    assert recalc.recalculate(now=utcnow()).differences == []


def test_an_untouched_draft_has_no_figures_and_is_left_alone(world):
    report = recalc.recalculate(now=utcnow())

    assert (report.sheets_checked, report.differences) == (2, [])
    assert [sheet.total for sheet in world.observation.sheets] == [None, None]


def test_a_corrupted_submitted_sheet_is_reported_and_never_rewritten(world):
    sheet = _sheet(world.observation, world.reviewer)
    services.save_sheet(sheet, scores=factories.full_scores(world.observation.rubric_version, "1"), texts={},
                        actor=world.reviewer, now=utcnow())
    # Locked with a wrong total: the guard refuses UPDATEs of submitted sheets, not the one that submits.
    _write(Sheet.__table__, sheet.id, state=SheetState.SUBMITTED, total=Decimal("19"), rating="excellent")
    db.session.expire(sheet)

    report = recalc.recalculate(now=utcnow())

    db.session.refresh(sheet)
    assert [(d.field, d.stored, d.computed, d.rewritten) for d in report.differences] == [
        ("total", Decimal("19"), Decimal("11"), False), ("rating", "excellent", "satisfactory", False)]
    assert (sheet.total, sheet.rating) == (Decimal("19"), "excellent")
    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        _write(Sheet.__table__, sheet.id, total=Decimal("11"))


def test_a_corrupted_final_result_is_reported_and_never_rewritten(world):
    observation = factories.make_observation(world)
    version = observation.rubric_version
    factories.submit(_sheet(observation, world.director), factories.full_scores(version), world.director)
    factories.submit(_sheet(observation, world.reviewer), factories.full_scores(version, "1"), world.reviewer)
    right = services.consolidate(observation)
    # Finalised by hand with a wrong total, rating and one wrong consolidated score.
    _write(Observation.__table__, observation.id, state=ObservationState.FINALIZED, total=Decimal("18"),
           percent=right.percent, rating="excellent", method=right.method, sheet_count=2,
           spread_stdev=right.spread.stdev, spread_range=right.spread.range, disagreement=right.disagreement,
           finalized_at=utcnow())
    criteria = {c.code: c.id for c in version.criteria}
    db.session.execute(sa.insert(ObservationScore), [
        {"observation_id": observation.id, "criterion_id": criteria[code],
         "value": Decimal("3") if code == "5.1" else value} for code, value in right.per_criterion.items()])
    db.session.expire(observation)

    report = recalc.recalculate(now=utcnow())

    db.session.refresh(observation)
    assert [(d.kind, d.field, d.stored, d.computed, d.rewritten) for d in report.differences] == [
        ("observation", "total", Decimal("18"), Decimal("15.5"), False),
        ("observation", "rating", "excellent", "good", False),
        ("observation", "score 5.1", Decimal("3"), Decimal("2"), False)]
    assert (report.differing_records, report.rewritten_records) == (1, 0)
    assert (observation.total, observation.rating) == (Decimal("18"), "excellent")


def test_the_command_prints_the_differences_and_a_summary_and_succeeds(app, world):
    sheet = _sheet(world.observation, world.reviewer)
    services.save_sheet(sheet, scores={"1.1": "2"}, texts={}, actor=world.reviewer, now=utcnow())
    _write(Sheet.__table__, sheet.id, total=Decimal("5"))
    db.session.expire(sheet)
    _finalised(world)
    db.session.flush()

    result = app.test_cli_runner().invoke(args=["reviews", "recalc"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"sheet {sheet.id} (observation {world.observation.id}) total: stored 5.00, computed 2.00 — rewritten",
        "Checked 4 sheets and 1 finalised observations: 1 differ, 1 rewritten (draft sheets), "
        "0 locked and reported only."]
    assert db.session.scalar(sa.select(Sheet.total).where(Sheet.id == sheet.id)) == Decimal("2")


def test_a_practice_lecture_with_comments_only_sheets_has_no_difference(world):
    from datetime import date

    from accounts.enums import Role
    from reviews import practice

    colleague = factories.make_user((world.unit, Role.LECTURER), username="dongnghiep2", full_name="Lê Văn Bình")
    observation = practice.schedule_practice(
        unit=world.unit, lecturer=world.lecturer, attendees=[world.reviewer, colleague], on=date(2026, 4, 6),
        purpose="new_topic", audience="Đảng viên mới", allowed_minutes=45, actor=world.director, now=utcnow())
    practice.record_self_assessment(observation, text="Tự nhận xét", actual_minutes=48, actor=world.lecturer_user,
                                    now=utcnow())
    commented = _sheet(observation, colleague)
    services.save_sheet(commented, scores={}, texts={}, actor=colleague, now=utcnow())  # as the form saves it
    practice.save_comments(commented, comments={"method": "Nên tăng trao đổi"}, actor=colleague, now=utcnow())
    services.submit_sheet(commented, actor=colleague, now=utcnow())
    factories.submit(_sheet(observation, world.reviewer), factories.full_scores(observation.rubric_version, "1.5"),
                     world.reviewer)
    practice.give_verdict(observation, verdict="ready", rehearse_by=None, debrief="", action_points="",
                          actual_minutes=None, actor=world.director, now=utcnow())

    report = recalc.recalculate(now=utcnow())

    assert (commented.total, commented.percent, commented.rating) == (None, None, None)
    assert (observation.sheet_count, report.differences) == (1, [])
