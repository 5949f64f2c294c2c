"""Contest test helpers: a unit-level contest of unit A with two components."""
from __future__ import annotations

from accounts.enums import Role
from contests import services
from core.models import utcnow
from tests import factories

COMPONENTS = [{"code": "plan", "name": "Soạn giáo án", "max_points": "20", "weight": "1"},
              {"code": "lecture", "name": "Giảng trực tiếp", "max_points": "20", "weight": "3"}]


def make_contest(world, *, components=COMPONENTS, quotas=None, aggregation="mean", name="Hội thi giảng viên giỏi"):
    return services.create_contest(
        unit=world.unit, actor=world.director, now=utcnow(), components=components,
        values={"name": name, "level": "unit", "year": 2026, "aggregation": aggregation,
                "prize_quotas": quotas or {"first": 1, "second": 1, "third": 1, "consolation": None}})


def make_judges(world, count: int):
    return [factories.make_user((world.sibling, Role.DIRECTOR), full_name=f"Giám khảo {n}") for n in range(count)]


def ready_contest(world, *, judges: int = 2, lecturers=None, **kwargs):
    """A contest in judging with ``judges`` judges and entries for the lecturers."""
    contest = make_contest(world, **kwargs)
    panel = make_judges(world, judges)
    for judge in panel:
        services.add_judge(contest, user=judge, actor=world.director, now=utcnow())
    entries = [services.add_entry(contest, lecturer=lecturer, topic="Điều lệ Đảng", actor=world.director,
                                  now=utcnow())
               for lecturer in (lecturers or [world.lecturer, world.colleague])]
    services.set_contest_phase(contest, "judging", actor=world.director, now=utcnow())
    return contest, panel, entries


def mark_all(contest, panel, entries, marks):
    """``marks[entry index][judge index]`` = {code: value}."""
    for entry, per_judge in zip(entries, marks):
        for judge, values in zip(panel, per_judge):
            services.save_marks(entry, judge=judge, marks=values, now=utcnow())
