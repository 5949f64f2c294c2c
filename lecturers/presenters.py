"""How lesson plans read on a page: the labels of the structured fields, the outline's time
split, and two versions side by side with the changed lines marked. No database, no request."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from core.i18n import lazy_gettext as _l
from lecturers.enums import PlanSection
from lecturers.models import LessonPlanVersion

PERIOD_MINUTES = 45  # one tiết

FIELD_LABELS = {
    "audience": _l("Intended audience"),
    "duration_periods": _l("Duration (periods)"),
    "aims_knowledge": _l("Aims: knowledge"),
    "aims_skills": _l("Aims: skills"),
    "aims_attitude": _l("Aims: attitude"),
    "outline": _l("Content outline and time split"),
    "methods": _l("Teaching methods"),
    "aids": _l("Teaching aids"),
    "readings": _l("Readings"),
    "file": _l("Attached file"),
}
# The section a reviewer comments on, for each field.
FIELD_SECTIONS = {
    "audience": PlanSection.GENERAL, "duration_periods": PlanSection.GENERAL,
    "aims_knowledge": PlanSection.AIMS, "aims_skills": PlanSection.AIMS, "aims_attitude": PlanSection.AIMS,
    "outline": PlanSection.OUTLINE, "methods": PlanSection.METHODS, "aids": PlanSection.AIDS,
    "readings": PlanSection.READINGS, "file": PlanSection.FILE,
}

# "I. Bản chất của Đảng — 40 phút", "2. Liên hệ thực tiễn: 15'", "Kết luận (10 min)"
_TIMED = re.compile(r"^(?P<heading>.*?)[\s,:;|\-–—(]*(?P<minutes>\d{1,3})\s*(?:phút|ph|p|minutes|mins|min|')\)?\.?$",
                    re.IGNORECASE)


@dataclass(frozen=True)
class OutlinePart:
    heading: str
    minutes: int | None


def outline_parts(text: str) -> list[OutlinePart]:
    """The outline's non-blank lines; a line ending in a number of minutes ("— 40 phút",
    "15'", "(10 min)") gives that part's time."""
    parts = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        match = _TIMED.match(line) if len(line) <= 300 else None  # a heading, not a paragraph
        if match and match["heading"].strip():
            parts.append(OutlinePart(match["heading"].strip(), int(match["minutes"])))
        else:
            parts.append(OutlinePart(line, None))
    return parts


def outline_minutes(text: str) -> int | None:
    """The minutes the outline allots in total, or None when no part says."""
    timed = [part.minutes for part in outline_parts(text) if part.minutes is not None]
    return sum(timed) if timed else None


def duration_minutes(version: LessonPlanVersion) -> int | None:
    return version.duration_periods * PERIOD_MINUTES if version.duration_periods else None


@dataclass(frozen=True)
class Line:
    text: str
    changed: bool


@dataclass(frozen=True)
class FieldComparison:
    name: str
    label: str
    left: list[Line]
    right: list[Line]

    @property
    def changed(self) -> bool:
        return any(line.changed for line in (*self.left, *self.right))


def _value_lines(version: LessonPlanVersion, name: str) -> list[str]:
    if name == "file":
        stored = version.file
        return [f"{stored.original_name} · {stored.sha256[:12]}"] if stored else []
    value = getattr(version, name)
    return [] if value in (None, "") else str(value).splitlines()


def _diff(left: list[str], right: list[str]) -> tuple[list[Line], list[Line]]:
    marked_left = [Line(text, False) for text in left]
    marked_right = [Line(text, False) for text in right]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=left, b=right, autojunk=False).get_opcodes():
        if tag != "equal":
            marked_left[i1:i2] = [Line(text, True) for text in left[i1:i2]]
            marked_right[j1:j2] = [Line(text, True) for text in right[j1:j2]]
    return marked_left, marked_right


def compare(left: LessonPlanVersion, right: LessonPlanVersion) -> list[FieldComparison]:
    """Every structured field of two versions, line by line, the lines that differ marked."""
    rows = []
    for name, label in FIELD_LABELS.items():
        old, new = _diff(_value_lines(left, name), _value_lines(right, name))
        rows.append(FieldComparison(name, str(label), old, new))
    return rows
