"""The lecturer's progress: plain series from the queries, the chart routes, the page."""
from __future__ import annotations

import struct
from pathlib import Path
from datetime import date
from decimal import Decimal

from flask import g

from core.models import utcnow
from reviews import progress, services
from reviews.enums import ObservationKind
from reviews.progress import ContestMark, ProgressFilters, lecturer_progress
from tests import factories
from tests.dashboards.helpers import finalized

TODAY = date(2026, 11, 23)


def test_moving_average_and_quarter_stats_are_plain_maths():
    assert progress.moving_average([60.0, 70.0, 80.0, 90.0]) == [65.0, 70.0, 80.0, 85.0]
    stats = progress.quarter_stats([(date(2026, 1, 5), 60.0), (date(2026, 2, 5), 80.0), (date(2026, 3, 5), 70.0),
                                    (date(2026, 4, 1), 90.0)])
    assert [(s.year, s.quarter, s.n, s.q1, s.median, s.q3) for s in stats] == \
        [(2026, 1, 3, 65.0, 70.0, 75.0), (2026, 2, 1, 90.0, 90.0, 90.0)]
    assert (stats[0].start, stats[0].end) == (date(2026, 1, 1), date(2026, 4, 1))


def test_filters_come_from_the_url_and_fall_back_to_defaults():
    from werkzeug.datastructures import MultiDict

    chosen = ProgressFilters.from_args(MultiDict([("months", "12"), ("kind", "practice_lecture")]))
    wrong = ProgressFilters.from_args(MultiDict([("months", "7"), ("kind", "nonsense")]))

    assert chosen == ProgressFilters(months=12, kinds=("practice_lecture",))
    assert chosen.as_args() == {"months": 12, "kind": ["practice_lecture"]}
    assert wrong == ProgressFilters()
    assert ProgressFilters(months=12).since(TODAY) == date(2025, 11, 1)


def test_progress_series_have_points_domains_unit_quartiles_and_trend(world):
    for day, value in ((date(2026, 1, 10), "1"), (date(2026, 4, 10), "1.5"), (date(2026, 7, 10), None)):
        finalized(world, on=day, value=value)
    finalized(world, on=date(2026, 5, 5), value="1", kind=ObservationKind.PRACTICE_LECTURE)
    finalized(world, on=date(2026, 1, 20), value="2", lecturer=world.colleague)

    data = lecturer_progress(world.lecturer, ProgressFilters(), today=TODAY)

    assert [(row.date, row.kind) for row in data.rows] == [
        (date(2026, 1, 10), "observed_lesson"), (date(2026, 4, 10), "observed_lesson"),
        (date(2026, 5, 5), "practice_lecture"), (date(2026, 7, 10), "observed_lesson")]
    assert data.rows[-1].percent == Decimal("100.00")
    assert (data.count("observed_lesson"), data.count("practice_lecture")) == (3, 1)
    assert [code for code, _domain in data.domains] == [d.code for d in factories.shipped_version().domains]
    assert set(data.rows[-1].domains.values()) == {Decimal("100.00")}
    assert [(q.year, q.quarter, q.n) for q in data.unit_quarters] == [(2026, 1, 2), (2026, 2, 2), (2026, 3, 1)]
    assert data.trend is not None and data.trend.slope > 0


def test_kind_filter_and_period_filter_apply(world):
    finalized(world, on=date(2024, 1, 10), value="1")
    finalized(world, on=date(2026, 5, 5), value="1", kind=ObservationKind.PRACTICE_LECTURE)

    practice_only = lecturer_progress(world.lecturer, ProgressFilters(kinds=("practice_lecture",)), today=TODAY)
    recent = lecturer_progress(world.lecturer, ProgressFilters(months=12), today=TODAY)

    assert [row.kind for row in practice_only.rows] == ["practice_lecture"]
    assert [row.date for row in recent.rows] == [date(2026, 5, 5)]


def test_amended_result_is_the_one_charted(world):
    observation = finalized(world, on=date(2026, 3, 3), value="1")
    services.amend_observation(observation, reason="Cộng sai điểm", scores=factories.full_scores(
        observation.rubric_version), action_points="", actor=world.director, now=utcnow())

    data = lecturer_progress(world.lecturer, ProgressFilters(), today=TODAY)

    assert [row.percent for row in data.rows] == [Decimal("100.00")]
    assert [q.median for q in data.unit_quarters] == [100.0]


def test_the_charts_rows_read_in_sql_are_the_tables_rows(world):
    """The chart reads each result's percent in SQL (``by_domain=False``); it is the result the
    table shows, amended where amended, under every filter."""
    amended = finalized(world, on=date(2026, 3, 3), value="1")
    services.amend_observation(amended, reason="Cộng sai điểm", scores=factories.full_scores(
        amended.rubric_version), action_points="", actor=world.director, now=utcnow())
    finalized(world, on=date(2025, 2, 2), value="1.5")
    finalized(world, on=date(2026, 5, 5), value="1", kind=ObservationKind.PRACTICE_LECTURE)
    finalized(world, on=date(2026, 6, 6), value="2", lecturer=world.colleague)

    for filters in (ProgressFilters(), ProgressFilters(months=12), ProgressFilters(months=0),
                    ProgressFilters(kinds=("practice_lecture",))):
        table = lecturer_progress(world.lecturer, filters, today=TODAY)
        chart = lecturer_progress(world.lecturer, filters, today=TODAY, by_domain=False)
        assert [(r.date, r.kind, r.percent, r.rating, r.observation_id) for r in chart.rows] == \
            [(r.date, r.kind, r.percent, r.rating, r.observation_id) for r in table.rows]
        assert (chart.unit_quarters, chart.contests, chart.domains) == (table.unit_quarters, table.contests, [])
    assert [row.percent for row in lecturer_progress(world.lecturer, ProgressFilters(), today=TODAY,
                                                     by_domain=False).rows][:2] == [Decimal("75.00"), Decimal("100.00")]


def test_contest_sources_are_annotated(world):
    source = lambda lecturer_id, since: [ContestMark(date(2026, 6, 1), "Giải Ba cấp tỉnh")]  # noqa: E731
    progress.register_contest_source(source, lambda lecturer_id: [])
    try:
        data = lecturer_progress(world.lecturer, ProgressFilters(), today=TODAY)
    finally:
        del progress._CONTEST_STAMPS[progress._CONTEST_SOURCES.index(source)]
        progress._CONTEST_SOURCES.remove(source)
        progress._stamp_query.cache_clear()

    assert data.contests == [ContestMark(date(2026, 6, 1), "Giải Ba cấp tỉnh")]


def test_progress_png_serves_a_cached_chart_until_a_new_result(world, login, app):
    finalized(world, on=date(2026, 2, 2), value="1")
    client = login(world.lecturer_user)
    url = f"/reviews/lecturers/{world.lecturer.id}/progress.png"

    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"].strip('"')})
    cached_files = [p.name for p in Path(app.config["CHART_CACHE_FOLDER"]).rglob("*") if p.is_file()]
    finalized(world, on=date(2026, 3, 2), value="2")
    changed = client.get(url)

    assert first.status_code == 200 and first.mimetype == "image/png"
    assert struct.unpack(">II", first.data[16:24]) == (800, 420)
    assert again.status_code == 304
    assert len(cached_files) == 1
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_a_cached_chart_reads_no_result_and_changes_with_what_it_draws(world, login, app, count_queries):
    """The chart's key is what it is drawn from (lecturer_with_stamp): found without reading results,
    new with an amendment, a result of the unit (the band), a contest result or a new name."""
    from contests.models import OutsideResult
    from core.extensions import db

    TODAY_RESULT = utcnow().date().replace(day=1)
    first_result = finalized(world, on=TODAY_RESULT, value="1")
    client = login(world.lecturer_user)
    url = f"/reviews/lecturers/{world.lecturer.id}/progress.svg"
    etags = [client.get(url).headers["ETag"]]
    with count_queries() as hit:
        assert client.get(url).headers["ETag"] == etags[0]

    services.amend_observation(first_result, reason="Cộng sai điểm", scores=factories.full_scores(
        first_result.rubric_version), action_points="", actor=world.director, now=utcnow())
    db.session.commit()
    etags.append(client.get(url).headers["ETag"])
    finalized(world, on=TODAY_RESULT, value="2", lecturer=world.colleague)  # the unit's band moves
    db.session.commit()
    etags.append(client.get(url).headers["ETag"])
    db.session.add(OutsideResult(lecturer_id=world.lecturer.id, unit_id=world.unit.id, level="province",
                                 year=TODAY_RESULT.year, contest_name="Hội thi cấp tỉnh", prize="third",
                                 recorded_by_id=world.director.id, created_at=utcnow()))
    db.session.commit()
    etags.append(client.get(url).headers["ETag"])
    world.lecturer.full_name = "Nguyễn Văn Đổi Tên"
    db.session.commit()
    etags.append(client.get(url).headers["ETag"])

    assert hit.n == 2  # the login session, and the lecturer with the stamp
    assert len(set(etags)) == len(etags)


def test_svg_domains_and_csv_follow_the_same_filters(world, login):
    finalized(world, on=date(2026, 2, 2), value="1")
    finalized(world, on=date(2026, 3, 2), value="1", kind=ObservationKind.PRACTICE_LECTURE)
    client = login(world.director)
    base = f"/reviews/lecturers/{world.lecturer.id}"

    svg = client.get(base + "/progress.svg?months=12")
    domains = client.get(base + "/domains.png")
    csv_text = client.get(base + "/progress.csv?kind=practice_lecture").data.decode("utf-8-sig")

    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert domains.mimetype == "image/png"
    assert [line.split(",")[1] for line in csv_text.splitlines()[1:] if line.startswith("2026-03-02")] == \
        ["practice_lecture"]
    assert "observed_lesson" not in csv_text


def test_lecturer_page_embeds_the_chart_table_and_csv_link(world, login):
    finalized(world, on=date(2026, 2, 2), value="1")
    client = login(world.lecturer_user)

    html = client.get(f"/lecturers/{world.lecturer.id}?months=12").get_data(as_text=True)

    assert f'src="/reviews/lecturers/{world.lecturer.id}/progress.png?months=12"' in html
    assert f'/reviews/lecturers/{world.lecturer.id}/progress.csv?months=12' in html
    assert 'alt="' in html and "02/02/2026" in html


def test_another_units_director_gets_404_for_the_chart(world, login):
    finalized(world, on=date(2026, 2, 2), value="1")
    client = login(world.sibling_director)
    base = f"/reviews/lecturers/{world.lecturer.id}"

    statuses = [client.get(base + suffix).status_code for suffix in ("/progress.png", "/progress.svg",
                                                                     "/domains.png", "/progress.csv")]

    assert statuses == [404, 404, 404, 404]


def test_colleague_lecturer_gets_404_for_anothers_chart(world, login):
    client = login(world.lecturer_user)

    assert client.get(f"/reviews/lecturers/{world.colleague.id}/progress.png").status_code == 404


def test_chart_data_queries_do_not_grow_with_results(world, count_queries):
    finalized(world, on=date(2026, 2, 2), value="1")
    with count_queries() as one:
        lecturer_progress(world.lecturer, ProgressFilters(), today=TODAY)
    for month in (3, 4, 5):
        finalized(world, on=date(2026, month, 2), value="1")
    g.pop("lecturer_past_results", None)  # read once per request: this is another one
    with count_queries() as four:
        lecturer_progress(world.lecturer, ProgressFilters(), today=TODAY)

    assert one.n == four.n


def test_domains_are_matched_by_code_across_rubric_versions(world):
    from reviews import authoring

    old = factories.shipped_version()
    finalized(world, on=date(2026, 2, 2), value="1")  # on the shipped version
    version = authoring.copy_rubric(old, unit=world.unit, actor=world.director, now=utcnow()).versions[0]
    second = version.domains[1]
    authoring.save_domain(version, second, values={"code": second.code, "title": "Nội dung bài giảng (mới)"})
    authoring.publish(version, actor=world.director, now=utcnow())
    observation = services.plan_observation(
        unit=world.unit, lecturer=world.lecturer, version=version, observers=[world.director, world.reviewer],
        on=date(2026, 6, 6), actor=world.director, now=utcnow(), topic=world.topic)
    for sheet in observation.sheets:
        factories.submit(sheet, factories.full_scores(version), sheet.observer)
    services.finalize_observation(observation, debrief="", action_points="", actor=world.director, now=utcnow())

    data = lecturer_progress(world.lecturer, ProgressFilters(), today=TODAY)

    codes = [d.code for d in old.domains]
    assert [code for code, _domain in data.domains] == codes  # one column per code, not one per version
    assert dict(data.domains)[second.code].title == "Nội dung bài giảng (mới)"  # the newest wording
    assert [sorted(row.domains) for row in data.rows] == [sorted(codes), sorted(codes)]
    assert [row.domains[second.code] for row in data.rows] == [Decimal("57.14"), Decimal("100.00")]  # 4 of 7, all 7


def test_progress_is_read_again_only_when_what_it_shows_changed(world, count_queries):
    """The lecturer page's progress (reviews.progress.lecturer_progress) is kept by its stamp: read
    again, it runs the stamp alone (the contest marks are read once per request); a new result,
    an amendment or a renamed topic each give the new figures."""
    from core.extensions import db

    first = finalized(world, on=date(2026, 2, 2), value="1")
    before = lecturer_progress(world.lecturer, ProgressFilters(), today=TODAY)
    with count_queries() as again:
        assert lecturer_progress(world.lecturer, ProgressFilters(), today=TODAY) == before
    assert again.n == 1

    finalized(world, on=date(2026, 3, 3), value="2")
    assert len(lecturer_progress(world.lecturer, ProgressFilters(), today=TODAY).rows) == 2
    services.amend_observation(first, reason="Cộng sai điểm", scores=factories.full_scores(
        first.rubric_version), action_points="", actor=world.director, now=utcnow())
    assert lecturer_progress(world.lecturer, ProgressFilters(), today=TODAY).rows[0].percent == Decimal("100.00")
    world.topic.title = "Chuyên đề đã đổi tên"
    db.session.flush()
    assert {row.topic for row in lecturer_progress(world.lecturer, ProgressFilters(), today=TODAY).rows} == \
        {"Chuyên đề đã đổi tên"}


def test_the_database_raises_results_versions_when_a_result_is_finalised_or_amended(world):
    """Migration 0012's triggers: the versions lecturer_with_stamp reads follow every finalised or
    amended result, whatever writes it, and nothing else."""
    import sqlalchemy as sa

    from accounts.models import Unit
    from core.extensions import db
    from lecturers.models import Lecturer

    def versions():
        return (db.session.scalar(sa.select(Lecturer.results_version).where(Lecturer.id == world.lecturer.id)),
                db.session.scalar(sa.select(Unit.results_version).where(Unit.id == world.unit.id)),
                db.session.scalar(sa.select(Lecturer.results_version).where(Lecturer.id == world.colleague.id)))

    before = versions()
    planned = factories.make_observation(world, observers=[world.director], lecturer=world.lecturer)
    db.session.flush()
    after_planning = versions()
    observation = finalized(world, on=date(2026, 3, 3), value="1")
    after_finalising = versions()
    services.amend_observation(observation, reason="Cộng sai điểm", scores=factories.full_scores(
        observation.rubric_version), action_points="", actor=world.director, now=utcnow())
    db.session.flush()
    after_amending = versions()
    finalized(world, on=date(2026, 4, 4), value="1", lecturer=world.colleague)

    assert planned.id and after_planning == before
    assert after_finalising == (before[0] + 1, before[1] + 1, before[2])
    assert after_amending == (before[0] + 2, before[1] + 2, before[2])
    assert versions() == (before[0] + 2, before[1] + 3, before[2] + 1)  # a colleague's result moves the band
    assert progress.lecturer_with_stamp(world.lecturer.id)[1][:2] == (before[0] + 2, before[1] + 3)
