"""Unit and province dashboards (grouped SQL, constant query counts) and the Excel exports."""
from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest

from accounts.enums import Role
from core.extensions import db
from core.models import utcnow
from dashboards import exports, queries
from lecturers.enums import LecturerKind
from tests import factories
from tests.dashboards.helpers import finalized


@pytest.fixture
def world(world):
    """These tests count the sample observation, plan, meeting and contest of a world too."""
    return factories.complete(world)


def _today() -> date:
    return utcnow().date()


def test_unit_figures_count_what_the_unit_did(world):
    today = _today()
    finalized(world, on=today, value="2")
    finalized(world, on=today.replace(day=1), value="1", lecturer=world.colleague)

    f = queries.unit_figures([world.unit], today=today)[world.unit.id]

    assert f.done["month"] == 2
    assert f.planned["year"] >= f.done["year"] >= 2
    assert f.rated == 2
    assert set(f.by_kind) == {LecturerKind.FULL_TIME.value, LecturerKind.ADJUNCT.value}
    assert [(user.username, done) for user, done, _open in f.reviewers][:2] in (
        [("director", 2), ("reviewer", 2)], [("reviewer", 2), ("director", 2)])
    assert f.pending_plans == 1  # the world's submitted lesson plan
    assert f.lecturers == 2


def test_overdue_action_items_are_counted(world):
    f_later = queries.unit_figures([world.unit], today=date(2026, 12, 31))[world.unit.id]
    f_before = queries.unit_figures([world.unit], today=date(2026, 3, 1))[world.unit.id]

    assert (f_before.overdue_actions, f_later.overdue_actions) == (0, 1)


def _many(world, n: int) -> None:
    start = _today().replace(month=1, day=2)
    for index in range(n):
        finalized(world, on=start + timedelta(days=index), value="1.5")


def test_unit_dashboard_runs_the_same_queries_for_small_and_larger_data(world, login, count_queries):
    client = login(world.director)
    _many(world, 1)
    db.session.commit()
    with count_queries() as small:
        assert client.get("/dashboard").status_code == 200
    _many(world, 4)
    db.session.commit()  # the test client commits the test's setup first; not the page's work
    with count_queries() as larger:
        response = client.get("/dashboard")

    assert small.n == larger.n
    html = response.get_data(as_text=True)
    assert "/observations/coverage?year=" in html and "/meetings/actions?status=overdue" in html


def test_province_dashboard_queries_do_not_grow_with_units(world, login, count_queries):
    client = login(world.overseer)
    db.session.commit()
    with count_queries() as two_units:
        assert client.get("/province").status_code == 200
    for name in ("Trung tâm Chính trị huyện Thanh Chương", "Trung tâm Chính trị huyện Đô Lương"):
        factories.make_lecturer(factories.make_unit(world.province, name=name))
    _many(world, 2)
    db.session.commit()
    with count_queries() as four_units:
        response = client.get("/province")

    assert two_units.n == four_units.n
    html = response.get_data(as_text=True)
    assert "Trung tâm Chính trị huyện Đô Lương" in html and "Ban Tuyên giáo Tỉnh ủy" not in html.split("<table")[1]


def test_province_chart_compares_units_per_quarter(world, login):
    finalized(world, on=_today(), value="2")
    client = login(world.overseer)

    png = client.get("/province/ratings.png")
    svg = client.get("/province/ratings.svg")

    assert png.status_code == 200 and png.mimetype == "image/png" and png.data[:4] == b"\x89PNG"
    assert svg.mimetype == "image/svg+xml"


def test_dashboards_refuse_the_wrong_roles(world, login):
    assert login(world.reviewer).get("/dashboard").status_code == 403
    assert login(world.director).get("/province").status_code == 403
    assert login(world.lecturer_user).get("/province/ratings.png").status_code == 403


def test_observation_export_has_per_criterion_scores(world, login):
    observation = finalized(world, on=date(2026, 2, 2), value="1")
    client = login(world.director)

    response = client.get("/exports/observations.xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    codes = [c.code for c in observation.rubric_version.criteria]
    assert list(rows[0][9:]) == codes
    mine = next(row for row in rows if row[0] == observation.id)
    assert [mine[9 + i] for i in range(len(codes))] == [min(1.0, float(c.max_points))
                                                         for c in observation.rubric_version.criteria]


def test_large_observation_export_is_prepared_then_downloaded(world, login, app):
    finalized(world, on=date(2026, 2, 2), value="1")
    app.config["EXPORT_STREAM_ROWS"] = 1  # the world's planned observation makes two rows
    client = login(world.director)

    started = client.get("/exports/observations.xlsx")
    status_page = client.get(started.location)
    with client.get(started.location + "/download") as download:
        data = download.data
    stranger = login(world.overseer).get(started.location)

    assert started.status_code == 302 and "/exports/jobs/" in started.location
    assert status_page.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 3
    assert stranger.status_code == 404  # a job is its starter's


def test_write_workbook_streams_rows_in_chunks(tmp_path):
    seen = []
    rows = ([index, f"Giảng viên {index}"] for index in range(exports.CHUNK * 3 + 7))

    written = exports.write_workbook(tmp_path / "big.xlsx", [exports.Sheet("Dữ liệu", ["ID", "Họ tên"], rows)],
                                     progress=seen.append)

    assert written == exports.CHUNK * 3 + 7
    assert seen == [exports.CHUNK, exports.CHUNK * 2, exports.CHUNK * 3]
    assert [p.name for p in tmp_path.iterdir()] == ["big.xlsx"]


def test_roster_and_quarterly_report_exports(world, login):
    finalized(world, on=date(2026, 3, 3), value="1")
    client = login(world.director)

    roster = openpyxl.load_workbook(io.BytesIO(client.get("/exports/roster.xlsx").data), read_only=True)
    report = openpyxl.load_workbook(io.BytesIO(client.get("/exports/quarterly.xlsx?year=2026&quarter=1").data),
                                    read_only=True)

    names = [row[1] for row in roster.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted([world.lecturer.full_name, world.colleague.full_name])
    assert len(report.sheetnames) == 4
    classes = list(report.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in classes] == [world.training_class.name]


def test_overseer_exports_the_unit_they_work_in_but_a_sibling_director_gets_their_own(world, login):
    overseer = login(world.overseer)
    overseer.post("/unit", data={"unit_id": world.unit.id})
    roster = openpyxl.load_workbook(io.BytesIO(overseer.get("/exports/roster.xlsx").data), read_only=True)
    sibling = login(world.sibling_director)
    sibling_roster = openpyxl.load_workbook(io.BytesIO(sibling.get("/exports/roster.xlsx").data), read_only=True)

    assert world.lecturer.full_name in [row[1] for row in roster.active.iter_rows(values_only=True)]
    assert world.lecturer.full_name not in [row[1] for row in sibling_roster.active.iter_rows(values_only=True)]
    assert Role.OVERSEER in world.overseer.roles_in(world.unit.id, world.unit.province_id)
