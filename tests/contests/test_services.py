"""Contest services: phases, conflicts, marks, ranking and prizes, and the database guards."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from contests import queries, services
from contests.models import ContestMark, ContestResult
from core.errors import DomainError
from core.extensions import db
from core.models import AuditLog, utcnow
from tests import factories
from tests.contests.helpers import make_contest, mark_all, ready_contest


def _phase(contest, world, phase):
    return services.set_contest_phase(contest, phase, actor=world.director, now=utcnow())


def test_phases_move_forward_only_and_are_audited(world):
    contest, _panel, _entries = ready_contest(world)

    _phase(contest, world, "closed")
    with pytest.raises(DomainError):
        _phase(contest, world, "judging")
    _phase(contest, world, "published")

    actions = db.session.scalars(sa.select(AuditLog.after).where(AuditLog.action == "contest.phase_changed"))
    assert [a["phase"] for a in actions] == ["judging", "closed", "published"]


def test_judging_needs_components_entries_and_judges(world):
    contest = make_contest(world)

    with pytest.raises(DomainError):
        _phase(contest, world, "judging")


def test_marks_are_refused_outside_judging_and_off_the_step(world):
    contest, panel, entries = ready_contest(world)
    with pytest.raises(DomainError):
        services.save_marks(entries[0], judge=panel[0], marks={"plan": "17.3"}, now=utcnow())
    with pytest.raises(DomainError):
        services.save_marks(entries[0], judge=panel[0], marks={"plan": "21"}, now=utcnow())
    with pytest.raises(DomainError):
        services.save_marks(entries[0], judge=world.director, marks={"plan": "10"}, now=utcnow())
    _phase(contest, world, "closed")
    with pytest.raises(DomainError):
        services.save_marks(entries[0], judge=panel[0], marks={"plan": "10"}, now=utcnow())


def test_ranking_combines_weights_and_awards_prizes(world):
    third = factories.make_lecturer(world.unit, full_name="Phạm Văn Cường")
    contest, panel, entries = ready_contest(world, lecturers=[world.lecturer, world.colleague, third])
    mark_all(contest, panel, entries, [
        [{"plan": "16", "lecture": "18"}, {"plan": "18", "lecture": "18"}],
        [{"plan": "18", "lecture": "15"}, {"plan": "18", "lecture": "15"}],
        [{"plan": "15", "lecture": "16"}, {"plan": "15", "lecture": "16"}],
    ])

    ranking = queries.contest_ranking(contest)

    assert [(r.entry_id, r.total, r.rank, r.prize) for r in ranking.entries] == [
        (entries[0].id, Decimal("17.75"), 1, "first"),
        (entries[2].id, Decimal("15.75"), 2, "second"),
        (entries[1].id, Decimal("15.75"), 3, "third"),  # tied total: the live lecture decides
    ]


def test_a_conflicted_judge_cannot_mark_and_is_left_out_of_the_aggregate(world):
    contest, panel, entries = ready_contest(world)
    mark_all(contest, panel, entries[:1], [[{"plan": "10", "lecture": "10"}, {"plan": "20", "lecture": "20"}]])

    services.declare_conflict(entries[0], judge=panel[1], reason="relative", note="", now=utcnow())

    with pytest.raises(DomainError):
        services.save_marks(entries[0], judge=panel[1], marks={"plan": "19"}, now=utcnow())
    assert queries.contest_ranking(contest).entries[0].components == {"plan": Decimal("10.00"),
                                                                      "lecture": Decimal("10.00")}


def test_other_conflict_needs_a_note(world):
    _contest, panel, entries = ready_contest(world)

    with pytest.raises(DomainError):
        services.declare_conflict(entries[0], judge=panel[0], reason="other", note=" ", now=utcnow())


def test_trimmed_mean_drops_the_extremes_with_five_judges(world):
    contest, panel, entries = ready_contest(world, judges=5, lecturers=[world.lecturer], aggregation="trimmed_mean")
    mark_all(contest, panel, entries, [[{"plan": p, "lecture": "10"} for p in ("2", "10", "11", "12", "20")]])

    assert queries.contest_ranking(contest).entries[0].components["plan"] == Decimal("11.00")


def test_publishing_writes_results_into_the_lecturers_history(world):
    contest, panel, entries = ready_contest(world)
    mark_all(contest, panel, entries, [[{"plan": "18", "lecture": "18"}] * 2, [{"plan": "12", "lecture": "12"}] * 2])
    _phase(contest, world, "closed")

    _phase(contest, world, "published")

    history = queries.past_results([world.lecturer.id])[world.lecturer.id]
    assert [(r.contest_id, r.rank, r.prize, r.total) for r in history] == [(contest.id, 1, "first", Decimal("18.00"))]


def test_published_and_outside_results_annotate_the_lecturers_progress_chart(world, app):
    from datetime import date

    from reviews import progress_charts
    from reviews.progress import ProgressFilters, lecturer_progress

    contest, panel, entries = ready_contest(world)
    mark_all(contest, panel, entries, [[{"plan": "18", "lecture": "18"}] * 2, [{"plan": "12", "lecture": "12"}] * 2])
    _phase(contest, world, "closed")
    _phase(contest, world, "published")
    services.record_outside_result(world.lecturer, level="province", year=2019, contest_name="Hội thi cấp tỉnh",
                                   prize="second", actor=world.director, now=utcnow())
    today = utcnow().date()

    with app.test_request_context("/?lang=vi"):
        everything = lecturer_progress(world.lecturer, ProgressFilters(months=0), today=today)
        recent = lecturer_progress(world.lecturer, ProgressFilters(months=12), today=today)
        chart = progress_charts.progress_chart(everything, world.lecturer.full_name)

    assert [(mark.date, mark.label) for mark in everything.contests] == [
        (date(2019, 12, 31), "Giải Nhì · Cấp tỉnh"), (today, "Giải Nhất · Cấp cơ sở")]
    assert [mark.label for mark in recent.contests] == ["Giải Nhất · Cấp cơ sở"]  # the window applies
    assert [text for _day, text in chart.contests] == ["Giải Nhì · Cấp tỉnh", "Giải Nhất · Cấp cơ sở"]


def test_ties_at_the_quota_boundary_share_the_better_prize_with_a_warning(world):
    contest, panel, entries = ready_contest(world, quotas={"first": 1, "second": 0, "third": 0, "consolation": None})
    mark_all(contest, panel, entries, [[{"plan": "15", "lecture": "15"}] * 2] * 2)
    _phase(contest, world, "closed")

    warnings = _phase(contest, world, "published")

    assert warnings == ["first"]
    assert [r.prize for r in queries.published_ranking(contest).entries] == ["first", "first"]


def test_the_database_refuses_changing_marks_once_closed(world):
    contest, panel, entries = ready_contest(world)
    mark_all(contest, panel, entries[:1], [[{"plan": "15", "lecture": "15"}]])
    _phase(contest, world, "closed")
    db.session.commit()

    with pytest.raises(sa.exc.DBAPIError):
        with db.session.begin_nested():
            db.session.execute(sa.update(ContestMark).values(points=20))
    with pytest.raises(sa.exc.DBAPIError):
        with db.session.begin_nested():
            db.session.execute(sa.delete(ContestMark))


def test_the_database_refuses_changing_published_results(world):
    contest, panel, entries = ready_contest(world)
    _phase(contest, world, "closed")
    _phase(contest, world, "published")
    db.session.commit()

    with pytest.raises(sa.exc.DBAPIError):
        with db.session.begin_nested():
            db.session.execute(sa.update(ContestResult).values(prize="first"))
    with pytest.raises(sa.exc.DBAPIError):
        with db.session.begin_nested():
            db.session.execute(sa.text("UPDATE contest SET phase = 'setup'"))


def test_entries_refuse_adjuncts_in_a_full_time_contest(world):
    contest = services.create_contest(unit=world.unit, actor=world.director, now=utcnow(),
                                      values={"name": "Hội thi", "level": "unit", "year": 2026,
                                              "eligibility": "full_time"})

    with pytest.raises(DomainError):
        services.add_entry(contest, lecturer=world.colleague, topic="Chủ đề", actor=world.director, now=utcnow())


def test_a_judge_cannot_enter_and_a_contestant_cannot_judge(world):
    contest = make_contest(world)
    services.add_judge(contest, user=world.lecturer_user, actor=world.director, now=utcnow())

    with pytest.raises(DomainError):
        services.add_entry(contest, lecturer=world.lecturer, topic="Chủ đề", actor=world.director, now=utcnow())
    services.add_entry(contest, lecturer=world.colleague, topic="Chủ đề", actor=world.director, now=utcnow())
    world.colleague.user_id = world.secretary.id
    with pytest.raises(DomainError):
        services.add_judge(contest, user=world.secretary, actor=world.director, now=utcnow())
