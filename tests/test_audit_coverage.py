"""Every change of a score, a state or a decision leaves an audit entry (ASVS 16.3): the
actions one observation and one contest produce from start to end, with old → new values."""
from __future__ import annotations

import sqlalchemy as sa

from contests import services as contest_services
from core.extensions import db
from core.models import AuditLog, utcnow
from reviews import services
from tests import factories
from tests.contests.helpers import make_contest, make_judges


def _log(since: int) -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.id > since).order_by(AuditLog.id)))


def _start() -> int:
    db.session.flush()
    return db.session.scalar(sa.select(sa.func.max(AuditLog.id))) or 0


def test_an_observation_from_plan_to_amendment_is_audited(world):
    start = _start()
    observation = factories.make_observation(world)
    scores = factories.full_scores(observation.rubric_version, "1")
    for observer in (world.reviewer, world.director):
        sheet = next(s for s in observation.sheets if s.observer_id == observer.id)
        services.save_sheet(sheet, scores={"1.1": "0.5"}, texts={}, actor=observer, now=utcnow())
        factories.submit(sheet, scores, observer)
    services.finalize_observation(observation, debrief="", action_points="", actor=world.director, now=utcnow())
    services.amend_observation(observation, reason="Nhập nhầm", scores={"1.1": "0.5"}, action_points=None,
                               actor=world.director, now=utcnow())

    entries = _log(start)
    assert [entry.action for entry in entries] == [
        "observation_planned",
        "sheet_scores_saved", "observation_state", "sheet_scores_saved", "sheet_submitted",
        "sheet_scores_saved", "sheet_scores_saved", "sheet_submitted",
        "observation_state", "observation_finalized", "observation_amended"]
    assert all(entry.unit_id == world.unit.id and entry.actor_id for entry in entries)
    first_save = entries[1]
    assert (first_save.before, first_save.after) == ({"1.1": None}, {"1.1": "0.50"})
    assert entries[2].before == {"state": "planned"} and entries[2].after == {"state": "in_progress"}
    assert entries[-1].before["total"] != entries[-1].after["total"]


def test_a_contest_from_setup_to_publication_is_audited(world):
    judge = make_judges(world, 1)[0]
    start = _start()
    contest = make_contest(world)
    contest_services.add_judge(contest, user=judge, actor=world.director, now=utcnow())
    entry = contest_services.add_entry(contest, lecturer=world.lecturer, topic="Điều lệ Đảng", actor=world.director,
                                       now=utcnow())
    contest_services.set_contest_phase(contest, "judging", actor=world.director, now=utcnow())
    contest_services.save_marks(entry, judge=judge, marks={"plan": "15", "lecture": "16"}, now=utcnow())
    contest_services.save_marks(entry, judge=judge, marks={"plan": "17"}, now=utcnow())
    for phase in ("closed", "published"):
        contest_services.set_contest_phase(contest, phase, actor=world.director, now=utcnow())

    entries = _log(start)
    assert [entry.action for entry in entries] == [
        "contest.created", "contest.judge_added", "contest.entry_added", "contest.phase_changed",
        "contest.marks_saved", "contest.marks_saved", "contest.phase_changed", "contest.phase_changed"]
    assert all(entry.unit_id == world.unit.id for entry in entries)
    changed = entries[5]
    assert (changed.before["plan"], changed.after["plan"]) == ("15", "17")
    assert [(e.before, e.after) for e in entries if e.action == "contest.phase_changed"] == [
        ({"phase": "setup"}, {"phase": "judging"}), ({"phase": "judging"}, {"phase": "closed"}),
        ({"phase": "closed"}, {"phase": "published"})]


def test_editing_draft_minutes_is_audited(world):
    meeting = factories.make_meeting(world)
    start = _start()
    from meetings import services as meeting_services

    values = {field: getattr(meeting, field) for field in meeting_services.DETAIL_FIELDS}
    meeting_services.update_meeting(meeting, values={**values, "conclusion": "Thống nhất kế hoạch dự giờ"},
                                    expected_version=None, actor=world.director, now=utcnow())

    (entry,) = _log(start)
    assert entry.action == "meeting_updated"
    assert entry.after == {"conclusion": "Thống nhất kế hoạch dự giờ"}


def test_account_changes_are_audited(world):
    from accounts import services as account_services

    start = _start()
    account_services.set_grants(world.lecturer_user, [(world.unit.id, "lecturer"), (world.unit.id, "reviewer")],
                                actor=world.admin, now=utcnow())
    account_services.change_password(world.lecturer_user, current=factories.PASSWORD, new="Một mật khẩu mới dài 2026",
                                     now=utcnow())
    account_services.reset_password(world.lecturer_user, actor=world.admin, now=utcnow())

    entries = _log(start)
    assert [entry.action for entry in entries] == ["roles_changed", "password_changed", "password_reset"]
    assert {entry.object_id for entry in entries} == {world.lecturer_user.id}
    assert entries[0].actor_id == world.admin.id and entries[1].actor_id == world.lecturer_user.id
    assert "reviewer" in str(entries[0].after) and "reviewer" not in str(entries[0].before)
