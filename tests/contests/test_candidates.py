"""Candidate decisions: stored with their evidence (append-only) and turned into entries."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from contests import queries, services
from contests.models import CandidateDecision, CandidateNomination
from core.errors import DomainError
from core.extensions import db
from core.models import AuditLog, utcnow
from tests.contests.helpers import make_contest


def _decide(world, contest=None, nominees=None, eligibility="all"):
    return services.decide_candidates(
        unit=world.unit, contest=contest, window_months=12, eligibility=eligibility,
        nominees=nominees or [(world.lecturer, "Điểm dự giờ cao và ổn định")], snapshot={"rows": [{"id": 1}]},
        actor=world.director, now=utcnow(), rationale="Chọn người có kết quả tốt nhất")


def test_decide_candidates_stores_decision_nominations_and_audit(world):
    decision = _decide(world, nominees=[(world.lecturer, "Tốt"), (world.colleague, "Tiến bộ")])

    assert [(n.lecturer_id, n.rationale) for n in decision.nominations] == [(world.lecturer.id, "Tốt"),
                                                                              (world.colleague.id, "Tiến bộ")]
    assert decision.snapshot == {"rows": [{"id": 1}]}
    assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.object_type == "CandidateDecision")) \
        == "contest.candidates_decided"


def test_decide_candidates_for_a_contest_in_setup_creates_entries(world):
    contest = make_contest(world)

    decision = _decide(world, contest=contest)

    assert [(e.lecturer_id, e.nomination_id) for e in contest.entries] == [(world.lecturer.id,
                                                                            decision.nominations[0].id)]


def test_decide_candidates_refuses_adjuncts_when_full_time_only(world):
    with pytest.raises(DomainError):
        _decide(world, nominees=[(world.colleague, "")], eligibility="full_time")


def test_decide_candidates_refuses_another_units_lecturer(world):
    with pytest.raises(DomainError):
        _decide(world, nominees=[(world.outsider_lecturer, "")])


@pytest.mark.parametrize("table", [CandidateDecision, CandidateNomination])
def test_decisions_are_append_only_in_the_database(world, table):
    _decide(world)
    db.session.commit()

    with pytest.raises(sa.exc.DBAPIError):
        with db.session.begin_nested():
            db.session.execute(sa.delete(table))


def test_past_results_include_outside_results(world):
    services.record_outside_result(world.lecturer, level="province", year=2024, contest_name="Hội thi cấp tỉnh",
                                   prize="second", actor=world.director, now=utcnow())

    results = queries.past_results([world.lecturer.id, world.colleague.id])

    assert [(r.year, r.level, r.prize, r.is_outside) for r in results[world.lecturer.id]] == [
        (2024, "province", "second", True)]
    assert results[world.colleague.id] == []
