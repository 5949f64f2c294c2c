"""Translated labels for the dashboards' chart and the Excel exports."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from core.charts import DistributionPanel
from dashboards.queries import RATINGS
from lecturers.enums import ClassStatus, LecturerKind
from meetings.enums import MinutesState
from reviews.enums import ObservationKind, ObservationState, Rating


def labels() -> dict[str, str]:
    """Codes as the user reads them, for cells of the workbooks."""
    found: dict[str, str] = {}
    for enum in (ObservationKind, ObservationState, Rating, LecturerKind, ClassStatus, MinutesState):
        found.update({member.value: str(member.label) for member in enum})
    found.update(yes=_("Yes"), no=_("No"))
    return found


def rating_panels(units, table, quarters: list[tuple[int, int]]) -> list[DistributionPanel]:
    """Per unit, the share of each rating in each quarter (percent of that quarter's results)."""
    panels = []
    for unit in units:
        shares = []
        for key in quarters:
            counts = table.get(unit.id, {}).get(key, {})
            total = sum(counts.values())
            shares.append([round(counts.get(code, 0) * 100 / total, 1) if total else 0.0 for code in RATINGS])
        panels.append(DistributionPanel(unit.name, [f"{q}/{y}" for y, q in quarters], shares))
    return panels


def rating_names() -> list[str]:
    return [str(Rating(code).label) for code in RATINGS]


def observation_header(codes: list[str]) -> list[str]:
    return ["ID", _("Date"), _("Lecturer"), _("Type"), _("Topic"), _("State"), _("Total"), _("Percent"),
            _("Rating"), *codes]


def roster_header() -> list[str]:
    return ["ID", _("Full name"), _("Kind"), _("Position"), _("Home body"), _("Year of birth"), _("Gender"),
            _("Political-theory level"), _("Degree"), _("Start date"), _("Active")]


def quarterly_titles() -> tuple[dict[str, str], dict[str, list[str]]]:
    titles = {"summary": _("Summary"), "classes": _("Classes"), "learners": _("Learners"),
              "observations": _("Observations"), "meetings": _("Meetings")}
    headers = {"summary": [_("Item"), _("Number")],
               "classes": [_("Class name"), _("Programme"), _("Start date"), _("End date"), _("Learners"),
                           _("Status")],
               "observations": [_("Date"), _("Lecturer"), _("Type"), _("Topic"), _("State"), _("Percent"),
                                _("Rating")],
               "meetings": [_("Month"), _("State"), _("Present"), _("Attendance")]}
    return titles, headers


def export_name(kind: str, unit_id: int, today: date) -> str:
    return f"lectern-{kind}-unit{unit_id}-{today.isoformat()}.xlsx"
