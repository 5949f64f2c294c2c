"""A province-level contest (issue 6): organised by an overseer from the provincial board,
with entries nominated by several units and judges from several units; judging rights come
from the assignment alone; unit directors cannot run it; the results reach each lecturer."""
from __future__ import annotations

import pytest

from contests import queries, services
from contests.permissions import can_edit_contest, can_manage_contest
from core.errors import DomainError
from core.models import utcnow
from tests import factories
from tests.contests.helpers import mark_all, ready_contest

COMPONENTS = [{"code": "plan", "name": "Soạn giáo án", "max_points": "20", "weight": "1"},
              {"code": "lecture", "name": "Giảng trực tiếp", "max_points": "20", "weight": "3"}]


def test_an_overseer_runs_a_province_contest_across_units(world, login):
    contest = services.create_contest(
        unit=world.board, actor=world.overseer, now=utcnow(), components=COMPONENTS,
        values={"name": "Hội thi giảng viên giỏi cấp tỉnh", "level": "province", "year": 2026,
                "prize_quotas": {"first": 1, "second": 1, "third": None, "consolation": 0}})
    guest = factories.make_lecturer(world.sibling, full_name="Hoàng Thị Hưng Nguyên")
    for judge in (world.director, world.sibling_director):  # leaders of two different units
        services.add_judge(contest, user=judge, actor=world.overseer, now=utcnow())
    entries = [services.add_entry(contest, lecturer=lecturer, topic="Nghị quyết Đại hội XIV", actor=world.overseer,
                                  now=utcnow()) for lecturer in (world.lecturer, guest)]
    assert {entry.unit_id for entry in entries} == {world.unit.id, world.sibling.id}
    assert can_manage_contest(world.overseer, contest) and can_edit_contest(world.overseer, contest)
    assert not can_manage_contest(world.director, contest)  # a unit director judges it, not runs it
    assert not any(lecturer.unit_id == world.other_province_unit.id
                   for lecturer in queries.eligible_lecturers(contest))  # one province only

    services.set_contest_phase(contest, "judging", actor=world.overseer, now=utcnow())
    mark_all(contest, [world.director, world.sibling_director], entries,
             [[{"plan": "16", "lecture": "17"}, {"plan": "15", "lecture": "18"}],
              [{"plan": "19", "lecture": "19"}, {"plan": "18", "lecture": "19.5"}]])
    services.set_contest_phase(contest, "closed", actor=world.overseer, now=utcnow())
    services.set_contest_phase(contest, "published", actor=world.overseer, now=utcnow())

    ranking = {row.entry_id: row for row in queries.contest_ranking(contest).entries}
    assert (ranking[entries[1].id].rank, ranking[entries[1].id].prize) == (1, "first")
    assert (ranking[entries[0].id].rank, ranking[entries[0].id].prize) == (2, "second")
    history = queries.past_results([world.lecturer.id, guest.id])
    assert [(r.level, r.prize) for r in history[guest.id]] == [("province", "first")]
    page = login(world.sibling_director).get(f"/contests/{contest.id}/ranking")
    assert page.status_code == 200 and "Hoàng Thị Hưng Nguyên" in page.get_data(as_text=True)


def test_a_lecturer_of_another_province_cannot_enter(world):
    contest = services.create_contest(
        unit=world.board, actor=world.overseer, now=utcnow(), components=COMPONENTS,
        values={"name": "Hội thi cấp tỉnh", "level": "province", "year": 2026, "prize_quotas": {}})

    with pytest.raises(DomainError):
        services.add_entry(contest, lecturer=world.outsider_lecturer, topic="Điều lệ Đảng", actor=world.overseer,
                           now=utcnow())


def test_the_organiser_sees_every_declared_conflict_and_other_judges_do_not(world, login):
    contest, panel, entries = ready_contest(world)
    services.declare_conflict(entries[0], judge=panel[0], reason="relative", note="Anh họ", now=utcnow())

    organiser = login(world.director).get(f"/contests/{contest.id}").get_data(as_text=True)
    other_judge = login(panel[1]).get(f"/contests/{contest.id}").get_data(as_text=True)

    listed = organiser.split('id="conflicts"')[1].split("</section>")[0]
    assert panel[0].full_name in listed and entries[0].lecturer.full_name in listed and "Anh họ" in listed
    assert 'id="conflicts"' not in other_judge and "Anh họ" not in other_judge
