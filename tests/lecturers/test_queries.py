from __future__ import annotations

from datetime import date

from core.extensions import db
from lecturers import queries
from lecturers.enums import WorkloadRole
from tests import factories


def _names(query) -> list[str]:
    return [lecturer.full_name for lecturer in db.session.scalars(query)]


def test_lecturers_list_in_vietnamese_order(world):
    for name in ["Nguyễn Thị Hương", "Phạm Văn Bình", "Đỗ Thị Ánh"]:
        factories.make_lecturer(world.unit, full_name=name)

    assert _names(queries.lecturer_query(world.unit.id)) == [
        "Lê Văn An", "Đỗ Thị Ánh", "Phạm Văn Bình", "Nguyễn Thị Hương", "Trần Thị Hương"]


def test_search_ignores_diacritics_and_case(world):
    factories.make_lecturer(world.unit, full_name="Nguyễn Thị Hương")

    assert _names(queries.lecturer_query(world.unit.id, search="NGUYEN thi huong")) == ["Nguyễn Thị Hương"]
    assert _names(queries.lecturer_query(world.unit.id, search="hương")) == ["Nguyễn Thị Hương", "Trần Thị Hương"]


def test_search_treats_wildcards_literally(world):
    assert _names(queries.lecturer_query(world.unit.id, search="%")) == []


def test_inactive_lecturers_are_hidden_unless_asked(world):
    world.colleague.is_active = False

    assert _names(queries.lecturer_query(world.unit.id)) == ["Trần Thị Hương"]
    assert _names(queries.lecturer_query(world.unit.id, include_inactive=True)) == ["Lê Văn An", "Trần Thị Hương"]


def test_workload_sums_periods_of_the_year_against_the_norm(world):
    factories.make_session(world.training_class, world.topic, world.lecturer, on=date(2026, 3, 3), periods=6)
    other_year = factories.make_class(world.unit, world.programme, start=date(2025, 12, 30), end=date(2025, 12, 31))
    factories.make_session(other_year, world.topic, world.lecturer, periods=8)

    rows = {row.lecturer.full_name: (row.hours, row.norm) for row in queries.workload(world.unit, 2026)}

    assert rows == {"Trần Thị Hương": (10, 120), "Lê Văn An": (0, None)}


def test_workload_norms_follow_the_unit_settings(world):
    world.unit.norm_full_time = 100
    world.unit.norm_adjunct = 20

    assert queries.norm_for(world.unit, WorkloadRole.FULL_TIME) == 100
    assert queries.norm_for(world.unit, WorkloadRole.ADJUNCT) == 20
    assert queries.norm_for(world.unit, WorkloadRole.DIRECTOR) == 40
