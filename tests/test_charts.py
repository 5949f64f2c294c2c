"""core.charts draws plain series: the figure's data, labels and markers are checked, not pixels."""
from __future__ import annotations

import struct
from datetime import date

import pytest

from core import chart_cache, charts

VIETNAMESE_TITLE = "Tiến bộ của giảng viên — Điểm trung bình theo tháng ỹ Ữ ặ"


def _chart(**overrides) -> charts.ProgressChart:
    values = dict(
        title=VIETNAMESE_TITLE,
        points=[(date(2026, 1, 10), 70.0, "observed_lesson"), (date(2026, 3, 5), 80.0, "practice_lecture"),
                (date(2026, 6, 1), 90.0, "observed_lesson")],
        smoothed=[(date(2026, 1, 10), 75.0), (date(2026, 3, 5), 80.0), (date(2026, 6, 1), 85.0)],
        unit_bands=[charts.QuarterBand(date(2026, 1, 1), date(2026, 4, 1), 60.0, 72.0, 81.0)],
        contests=[(date(2026, 5, 20), "Giải Nhì cấp tỉnh")],
        labels={"observed_lesson": "Dự giờ", "practice_lecture": "Luyện giảng", "smoothed": "Đường làm trơn",
                "median": "Trung vị đơn vị", "iqr": "Khoảng tứ phân vị", "percent": "Tỷ lệ điểm (%)"})
    values.update(overrides)
    return charts.ProgressChart(**values)


def _lines(ax) -> dict[str, object]:
    return {line.get_gid(): line for line in ax.get_lines()}


def test_progress_figure_draws_each_series_with_its_own_marker_and_style():
    ax = charts.progress_figure(_chart()).axes[0]
    lines = _lines(ax)

    assert list(lines["observed_lesson"].get_ydata()) == [70.0, 90.0]
    assert lines["observed_lesson"].get_marker() == "o"
    assert list(lines["practice_lecture"].get_ydata()) == [80.0]
    assert lines["practice_lecture"].get_marker() == "^"
    assert lines["practice_lecture"].get_markerfacecolor() == "white"  # hollow: readable in black and white
    assert list(lines["smoothed"].get_ydata()) == [75.0, 80.0, 85.0]
    assert lines["smoothed"].get_linestyle() == "-"
    assert list(lines["unit-median"].get_ydata()) == [72.0, 72.0]
    assert lines["unit-median"].get_linestyle() == "--"
    assert list(lines["contest"].get_xdata()) == [date(2026, 5, 20)] * 2
    assert lines["contest"].get_linestyle() == ":"


def test_progress_figure_labels_are_the_callers():
    ax = charts.progress_figure(_chart()).axes[0]

    assert ax.get_title() == VIETNAMESE_TITLE
    assert ax.get_ylabel() == "Tỷ lệ điểm (%)"
    assert ax.get_ylim() == (0.0, 100.0)
    assert [text.get_text() for text in ax.get_legend().get_texts()] == \
        ["Khoảng tứ phân vị", "Trung vị đơn vị", "Dự giờ", "Luyện giảng", "Đường làm trơn"]
    assert [text.get_text() for text in ax.texts] == ["Giải Nhì cấp tỉnh"]
    band = next(c for c in ax.collections if c.get_gid() == "unit-iqr")
    assert band.get_hatch() == "//"


def test_progress_figure_without_results_says_so():
    ax = charts.progress_figure(_chart(points=[], smoothed=[], unit_bands=[], contests=[],
                                       labels={"empty": "Chưa có kết quả"})).axes[0]

    assert [text.get_text() for text in ax.texts] == ["Chưa có kết quả"]
    assert ax.get_legend() is None


def test_domain_figure_has_one_small_chart_per_domain():
    series = [charts.DomainSeries("1", "Nội dung", [(date(2026, 1, 1), 80.0), (date(2026, 2, 1), 85.0)]),
              charts.DomainSeries("2", "Phương pháp", [(date(2026, 1, 1), 60.0)])]

    fig = charts.domain_figure(series, percent_label="% tối đa")

    assert [ax.get_title() for ax in fig.axes] == ["1. Nội dung", "2. Phương pháp"]
    assert [list(ax.get_lines()[0].get_ydata()) for ax in fig.axes] == [[80.0, 85.0], [60.0]]


def test_distribution_figure_stacks_ratings_per_quarter_with_hatches():
    panels = [charts.DistributionPanel("Trung tâm Nam Đàn", ["1/2026", "2/2026"], [[50, 50, 0, 0], [25, 25, 25, 25]])]

    fig = charts.distribution_figure(panels, ["Giỏi", "Khá", "Trung bình", "Chưa đạt"], title="Xếp loại")

    ax = fig.axes[0]
    assert ax.get_title() == "Trung tâm Nam Đàn"
    heights = {c.get_label(): [bar.get_height() for bar in c] for c in ax.containers}
    assert heights == {"Giỏi": [50, 25], "Khá": [50, 25], "Trung bình": [0, 25], "Chưa đạt": [0, 25]}
    assert len({c.patches[0].get_hatch() for c in ax.containers}) == 4
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1/2026", "2/2026"]


def test_png_renders_vietnamese_without_glyph_warnings():
    # filterwarnings = error: a missing glyph ("Glyph … missing from font") would fail here.
    content = charts.render(charts.progress_figure(_chart()), "png")

    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", content[16:24])
    assert (width, height) == (800, 420)


def test_svg_renders_and_equal_data_give_equal_bytes():
    first = charts.render(charts.progress_figure(_chart()), "svg")

    assert first.lstrip().startswith(b"<?xml")
    assert charts.render(charts.progress_figure(_chart()), "svg") == first


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        charts.render(charts.progress_figure(_chart()), "gif")


def test_data_key_changes_with_the_data_only():
    assert charts.data_key("progress", _chart()) == charts.data_key("progress", _chart())
    assert charts.data_key("progress", _chart()) != charts.data_key(
        "progress", _chart(points=[(date(2026, 1, 10), 71.0, "observed_lesson")]))


def test_file_cache_renders_once_and_writes_atomically(app, tmp_path):
    app.config["CHART_CACHE_FOLDER"] = str(tmp_path / "cache")
    calls = []

    def render() -> bytes:
        calls.append(1)
        return b"png-bytes"

    first = chart_cache.cached("ab" + "0" * 62, render)
    again = chart_cache.cached("ab" + "0" * 62, render)  # kept in this worker's memory
    chart_cache.RECENT.clear()
    other_worker = chart_cache.cached("ab" + "0" * 62, render)  # read from the file

    assert (first, again, other_worker, len(calls)) == (
        (b"png-bytes", False), (b"png-bytes", True), (b"png-bytes", True), 1)
    assert [p.name for p in (tmp_path / "cache" / "ab").iterdir()] == ["ab" + "0" * 62]  # no temporary left


def test_a_worker_keeps_its_latest_charts_without_reading_the_shared_cache(app, tmp_path):
    app.config["CHART_CACHE_FOLDER"] = str(tmp_path / "cache")
    key = "ef" + "2" * 62
    chart_cache.cached(key, lambda: b"chart")
    (tmp_path / "cache" / "ef" / key).unlink()  # pruned by another worker, say

    assert chart_cache.cached(key, lambda: b"drawn again") == (b"chart", True)


def test_file_cache_keeps_the_folder_bounded(app, tmp_path, monkeypatch):
    import os

    app.config["CHART_CACHE_FOLDER"] = str(tmp_path / "cache")
    monkeypatch.setattr(chart_cache, "MAX_FILES", 3)
    monkeypatch.setattr(chart_cache, "PRUNE_EVERY", 4)
    monkeypatch.setattr(chart_cache.FileCache, "writes", 0)
    keys = [f"{n:02d}" + "0" * 62 for n in range(8)]
    for age, key in enumerate(keys):
        chart_cache.cached(key, lambda: b"chart")
        path = tmp_path / "cache" / key[:2] / key
        os.utime(path, (1_000_000 + age, 1_000_000 + age))  # written one after another

    kept = sorted(p.name for p in (tmp_path / "cache").glob("*/*"))
    assert kept == keys[-3:]  # pruned after the 4th and the 8th write: the newest three remain


def test_redis_cache_is_shared_when_configured(app, monkeypatch):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    redis.Redis.from_url(url).flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    calls = []

    def render() -> bytes:
        calls.append(1)
        return b"svg-bytes"

    assert isinstance(chart_cache.chart_cache(), chart_cache.RedisCache)
    assert chart_cache.chart_cache().client is chart_cache.chart_cache().client  # one connection pool
    assert chart_cache.cached("cd" + "1" * 62, render) == (b"svg-bytes", False)
    chart_cache.RECENT.clear()  # as another worker, which has not drawn it
    assert chart_cache.cached("cd" + "1" * 62, render) == (b"svg-bytes", True)
    assert calls == [1]
    assert redis.Redis.from_url(url).ttl("lectern:chart:cd" + "1" * 62) > 0
    redis.Redis.from_url(url).flushdb()
