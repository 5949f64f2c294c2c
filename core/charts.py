"""Plain series → matplotlib ``Figure`` → PNG/SVG bytes. No database, no Flask, never pyplot
(the matplotlib guide "Embed in a web application server" warns that pyplot leaks memory).

Every chart reads in black and white: series differ by marker and line style, bands by
hatching, not only by colour. Labels arrive translated from the caller; the default DejaVu
Sans draws Vietnamese diacritics.
"""
from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

import matplotlib

matplotlib.use("Agg")  # no display; harmless when already selected

from matplotlib.dates import AutoDateLocator, DateFormatter  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
OBSERVED, PRACTICE = "observed_lesson", "practice_lecture"
MARKERS = {OBSERVED: "o", PRACTICE: "^"}
HATCHES = ("", "///", "...", "xxx")  # rating bands, best first
GREYS = ("#222222", "#777777", "#bbbbbb", "#ffffff")


@dataclass(frozen=True)
class QuarterBand:
    start: date  # the quarter's first day
    end: date  # the next quarter's first day
    q1: float
    median: float
    q3: float


@dataclass(frozen=True)
class ProgressChart:
    """Percent over time for one lecturer, with everything the chart draws."""

    title: str
    points: Sequence[tuple[date, float, str]]  # (date, percent, kind code)
    smoothed: Sequence[tuple[date, float]] = ()
    unit_bands: Sequence[QuarterBand] = ()
    contests: Sequence[tuple[date, str]] = ()  # (date, label)
    labels: dict[str, str] = field(default_factory=dict)  # kind codes, "smoothed", "median", "iqr", "percent", "empty"


@dataclass(frozen=True)
class DomainSeries:
    code: str
    title: str
    points: Sequence[tuple[date, float]]  # percent of the domain's maximum


@dataclass(frozen=True)
class DistributionPanel:
    """One unit's rating shares per quarter: ``shares[i][j]`` is the percent of quarter i
    rated ``ratings[j]``."""

    title: str
    quarters: Sequence[str]
    shares: Sequence[Sequence[float]]


def data_key(kind: str, *parts: object) -> str:
    """A cache key derived from the chart's data: equal data, equal key."""
    payload = json.dumps([kind, *[_plain(part) for part in parts]], default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _plain(value: object) -> object:
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)  # type: ignore[arg-type]
    return value


def _percent_axis(ax, label: str) -> None:
    ax.set_ylim(0, 100)
    ax.set_ylabel(label)
    ax.grid(True, axis="y", linestyle=":", linewidth=0.6, color="#999999")


def _date_axis(ax) -> None:
    locator = AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(DateFormatter("%m/%Y"))
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")


def progress_figure(chart: ProgressChart) -> Figure:
    """Observations as dots, practice lectures as triangles, a smoothed solid line, the unit's
    quarterly median (dashed) inside its hatched inter-quartile band, contests as dotted lines."""
    fig = Figure(figsize=(8, 4.2), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(chart.title)
    labels = chart.labels
    for index, band in enumerate(chart.unit_bands):  # each quarter spans its own dates
        first = index == 0
        ax.fill_between([band.start, band.end], [band.q1] * 2, [band.q3] * 2, facecolor="#eeeeee",
                        edgecolor="#999999", hatch="//", linewidth=0.5, gid="unit-iqr",
                        label=labels.get("iqr", "IQR") if first else "_nolegend_")
        ax.plot([band.start, band.end], [band.median] * 2, linestyle="--", color="#555555", linewidth=1.4,
                gid="unit-median", label=labels.get("median", "median") if first else "_nolegend_")
    for kind in (OBSERVED, PRACTICE):
        mine = [(day, value) for day, value, code in chart.points if code == kind]
        if mine:
            ax.plot([d for d, _ in mine], [v for _, v in mine], linestyle="none", marker=MARKERS[kind],
                    markersize=7, markerfacecolor="black" if kind == OBSERVED else "white",
                    markeredgecolor="black", label=labels.get(kind, kind), gid=kind)
    if len(chart.smoothed) >= 2:
        ax.plot([d for d, _ in chart.smoothed], [v for _, v in chart.smoothed], linestyle="-", color="black",
                linewidth=1.5, label=labels.get("smoothed", "smoothed"), gid="smoothed")
    for day, text in chart.contests:
        ax.axvline(day, linestyle=":", color="black", linewidth=1, gid="contest")
        ax.annotate(text, xy=(day, 98), xytext=(3, 0), textcoords="offset points", rotation=90,
                    va="top", ha="left", fontsize=8, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    _percent_axis(ax, labels.get("percent", "%"))
    if chart.points or chart.unit_bands:
        _date_axis(ax)
        ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    else:
        ax.set_xticks([])
        ax.text(0.5, 0.5, labels.get("empty", "—"), transform=ax.transAxes, ha="center", va="center")
    return fig


def domain_figure(series: Sequence[DomainSeries], *, percent_label: str = "%", empty: str = "—") -> Figure:
    """Small multiples: one small chart per rubric domain, sharing the percent axis."""
    columns = 3 if len(series) > 4 else max(len(series), 1)
    rows = max((len(series) + columns - 1) // columns, 1)
    fig = Figure(figsize=(2.8 * columns, 2.2 * rows + 0.3), dpi=100, layout="constrained")
    if not series:
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, empty, ha="center", va="center")
        return fig
    for index, domain in enumerate(series, start=1):
        ax = fig.add_subplot(rows, columns, index)
        ax.set_title(f"{domain.code}. {domain.title}", fontsize=9, wrap=True)
        ax.plot([d for d, _ in domain.points], [v for _, v in domain.points], linestyle="-", marker="o",
                markersize=4, color="black", linewidth=1, gid=f"domain-{domain.code}")
        _percent_axis(ax, percent_label if (index - 1) % columns == 0 else "")
        ax.tick_params(labelsize=7)
        if domain.points:
            _date_axis(ax)
    return fig


def distribution_figure(panels: Sequence[DistributionPanel], ratings: Sequence[str], *,
                        title: str = "", percent_label: str = "%", empty: str = "—") -> Figure:
    """Units side by side: per quarter, a 100 % bar split by rating, hatched per rating."""
    columns = min(max(len(panels), 1), 3)
    rows = max((len(panels) + columns - 1) // columns, 1)
    fig = Figure(figsize=(max(3.4 * columns, 7.0), 2.6 * rows + 0.9), dpi=100, layout="constrained")
    if title:
        fig.suptitle(title)
    if not panels:
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, empty, ha="center", va="center")
        return fig
    handles = []
    for index, panel in enumerate(panels, start=1):
        ax = fig.add_subplot(rows, columns, index)
        ax.set_title(panel.title, fontsize=9, wrap=True)
        positions = list(range(len(panel.quarters)))
        bottoms = [0.0] * len(positions)
        for j, rating in enumerate(ratings):
            heights = [row[j] for row in panel.shares]
            bars = ax.bar(positions, heights, bottom=bottoms, color=GREYS[j % len(GREYS)], edgecolor="black",
                          hatch=HATCHES[j % len(HATCHES)], linewidth=0.5, label=rating, gid=f"rating-{j}")
            bottoms = [b + h for b, h in zip(bottoms, heights)]
            if index == 1:
                handles.append(bars)
        ax.set_xticks(positions, list(panel.quarters), fontsize=7, rotation=30)
        ax.set_ylim(0, 100)
        ax.tick_params(axis="y", labelsize=7)
        if (index - 1) % columns == 0:
            ax.set_ylabel(percent_label)
    fig.legend(handles=handles, labels=list(ratings), loc="outside lower center", ncols=len(ratings), fontsize=8)
    return fig


def render(fig: Figure, fmt: str = "png") -> bytes:
    """The figure as PNG or SVG bytes (no timestamps in the metadata, so equal data give equal bytes)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}")
    buffer = io.BytesIO()
    metadata = {"Software": None} if fmt == "png" else {"Date": None}
    with matplotlib.rc_context({"svg.hashsalt": "lectern"}):  # stable element ids in SVG
        fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()
