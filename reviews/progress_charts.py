"""The lecturer's progress made presentable: translated chart inputs for core.charts, the alt
text, the accessible table's rows and the CSV download."""
from __future__ import annotations

import csv
import io
from datetime import date

from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from core.charts import DomainSeries, ProgressChart, QuarterBand
from reviews.enums import ObservationKind, Rating
from reviews.progress import ProgressData


def _locale() -> str:
    return str(get_locale() or "vi")


def progress_chart(data: ProgressData, lecturer_name: str) -> ProgressChart:
    labels = {kind.value: str(kind.label) for kind in ObservationKind}
    labels.update(smoothed=_("Smoothed"), median=_("Unit median"), iqr=_("Unit middle half (inter-quartile range)"),
                  percent=_("Percent of the maximum"), empty=_("No finalised result in this period."))
    return ProgressChart(
        title=_("Progress of %(name)s", name=lecturer_name),
        points=[(row.date, float(row.percent), row.kind) for row in data.rows],
        smoothed=data.smoothed() if len(data.rows) >= 3 else [],
        unit_bands=[QuarterBand(q.start, q.end, q.q1, q.median, q.q3) for q in data.unit_quarters],
        contests=[(mark.date, mark.label) for mark in data.contests], labels=labels)


def domain_series(data: ProgressData) -> list[DomainSeries]:
    locale = _locale()
    return [DomainSeries(code, domain.display_title(locale),
                         [(row.date, float(row.domains[code])) for row in data.rows if code in row.domains])
            for code, domain in data.domains]


def _number(value) -> str:
    return format_decimal(value, format="#,##0.##")


def alt_text(data: ProgressData, lecturer_name: str) -> str:
    """What the chart shows, in one or two sentences (the table below gives every value)."""
    if not data.rows:
        return _("Progress chart of %(name)s: no finalised result in this period.", name=lecturer_name)
    first, last = data.rows[0], data.rows[-1]
    text = _("Progress chart of %(name)s: %(observed)s observed lessons and %(practice)s practice lectures from "
             "%(start)s to %(end)s; latest result %(latest)s %% on %(day)s.", name=lecturer_name,
             observed=data.count(ObservationKind.OBSERVED_LESSON), practice=data.count(ObservationKind.PRACTICE_LECTURE),
             start=_day(first.date), end=_day(last.date), latest=_number(last.percent), day=_day(last.date))
    if data.unit_quarters:
        latest = data.unit_quarters[-1]
        text += " " + _("The unit's median in the latest quarter is %(median)s %%.", median=_number(latest.median))
    return text


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def trend_text(data: ProgressData) -> str | None:
    found = data.trend
    if found is None:
        return None
    return _("%(slope)s ± %(error)s points a year (%(n)s results)", slope=format_decimal(round(found.slope, 1),
             format="+#,##0.0;-#,##0.0"), error=_number(round(found.stderr, 1)), n=found.n)


def rating_label(code: str | None) -> str:
    return str(Rating(code).label) if code else "—"


def progress_csv(data: ProgressData) -> bytes:
    """The table as CSV (UTF-8 with a byte-order mark, so Excel reads the diacritics)."""
    out = io.StringIO()
    writer = csv.writer(out)
    codes = [code for code, _domain in data.domains]
    writer.writerow(["date", "kind", "percent", "rating", "observation_id", "topic",
                     *[f"domain_{code}_percent" for code in codes]])
    for row in data.rows:
        writer.writerow([row.date.isoformat(), row.kind, str(row.percent), row.rating or "", row.observation_id,
                         row.topic, *[str(row.domains.get(code, "")) for code in codes]])
    for quarter in data.unit_quarters:
        writer.writerow([quarter.start.isoformat(), "unit_quarter", str(quarter.median), "", "",
                         f"{quarter.year}-Q{quarter.quarter} n={quarter.n} q1={quarter.q1} q3={quarter.q3}"])
    for mark in data.contests:
        writer.writerow([mark.date.isoformat(), "contest", "", "", "", mark.label])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
