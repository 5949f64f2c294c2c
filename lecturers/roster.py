"""Roster import: read an Excel workbook of lecturers (one row each) into checked rows.

No database and no Flask request here. ``read_roster`` opens the bytes of an .xlsx file
(checked as a ZIP first), finds the heading row and turns every row into values and
problems; ``plan_roster`` matches the rows with the unit's lecturers (update or create).
Headings and values are recognised in Vietnamese or English, with or without diacritics,
and values may also be the codes of ``lecturers.enums``. A blank cell never erases data.
Every problem is a ``Problem(row, column, message)`` with a lazily translated message.
"""
from __future__ import annotations

import io
import os
import re
import secrets
import time
import unicodedata
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import openpyxl
from flask_babel import gettext as _
from flask_babel import ngettext
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from core.errors import DomainError
from core.i18n import LabelledEnum
from core.i18n import lazy_gettext as _l
from core.vietnamese import fold
from lecturers.enums import Degree, Gender, LecturerKind, TheoryLevel, WorkloadRole

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 40
MAX_ZIP_ENTRIES = 1000
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
HEADING_SEARCH_ROWS = 10
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RowAction(LabelledEnum):
    CREATE = "create", _l("Create")
    UPDATE = "update", _l("Update")
    UNCHANGED = "unchanged", _l("No change")


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: Any  # a lazily translated string


@dataclass
class RosterRow:
    number: int  # the row number in the sheet
    name: str  # the name cell as written, for the report
    values: dict[str, Any]  # checked values of the non-blank cells, by lecturer field
    problems: list[Problem] = field(default_factory=list)
    action: RowAction | None = None
    target: Any = None  # the lecturer an update applies to
    changes: dict[str, Any] = field(default_factory=dict)  # what save_lecturer will be given
    changed_columns: list[str] = field(default_factory=list)


@dataclass
class RosterReport:
    rows: list[RosterRow]
    headers: dict[str, str]  # lecturer field -> the heading as written in the file
    heading_row: int = 1
    sheet: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # about the headings
    written: bool = False

    @property
    def all_problems(self) -> list[Problem]:
        found = [*self.problems, *(problem for row in self.rows for problem in row.problems)]
        return sorted(found, key=lambda problem: problem.row)

    @property
    def ok(self) -> bool:
        return not self.problems and not any(row.problems for row in self.rows)

    def count(self, action: RowAction) -> int:
        """Rows without problems that would get (or got) ``action``."""
        return sum(1 for row in self.rows if row.action == action and not row.problems)

    @property
    def rows_with_problems(self) -> int:
        return sum(1 for row in self.rows if row.problems)

    def summary(self) -> str:
        # i18n: %(num)s rows of the sheet; the other placeholders count those rows by outcome.
        return ngettext("%(num)s row checked: %(create)s to create, %(update)s to update, %(same)s unchanged, "
                        "%(bad)s with problems.",
                        "%(num)s rows checked: %(create)s to create, %(update)s to update, %(same)s unchanged, "
                        "%(bad)s with problems.",
                        len(self.rows), create=self.count(RowAction.CREATE), update=self.count(RowAction.UPDATE),
                        same=self.count(RowAction.UNCHANGED), bad=self.rows_with_problems)

    def column(self, name: str) -> str:
        """The heading of a lecturer field: as written in the file, else the template's."""
        return self.headers.get(name) or COLUMNS[name].heading


class _Invalid(Exception):
    def __init__(self, message) -> None:
        super().__init__()
        self.message = message


def _refuse(message) -> DomainError:
    return DomainError(message, field="file")


# --- Text keys ----------------------------------------------------------------------------------

def _key(text: str) -> str:
    """Headings and values compare as folded words: no case, no diacritics, no notes in
    brackets, no ``* _ - : .``."""
    folded = fold(re.sub(r"\(.*?\)", " ", str(text)))
    return " ".join(re.sub(r"[*_\-:.;]", " ", folded).split())


def _clean(text: str) -> str:
    """NFC (some Vietnamese keyboards type decomposed letters), one space between words."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def name_key(full_name: str) -> str:
    """Two names are the same person's when they differ only in case and spacing; diacritics
    count ("Hương" and "Hường" are different people)."""
    return _clean(full_name).casefold()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _clean(str(value))


# --- Value parsers: (cell value, today) -> value, or raise _Invalid ----------------------------

def _text(max_length: int) -> Callable[[Any, date], str]:
    def parse(value: Any, today: date) -> str:
        text = _as_text(value)
        if len(text) > max_length:
            raise _Invalid(_l("Too long: at most %(max)s characters.", max=max_length))
        return text
    return parse


def _full_name(value: Any, today: date) -> str:
    name = _text(200)(value, today)
    if not any(char.isalpha() for char in name):
        raise _Invalid(_l("Enter the lecturer's full name."))
    return name.title() if name == name.upper() else name  # "NGUYỄN THỊ HƯƠNG" -> "Nguyễn Thị Hương"


def _birth_year(value: Any, today: date) -> int:
    low, high = 1940, today.year - 18
    if isinstance(value, (datetime, date)):
        value = value.year  # a date of birth
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Invalid(_l("Enter the year of birth as four digits, for example 1978."))
    if not low <= value <= high:
        raise _Invalid(_l("Enter a year of birth between %(low)s and %(high)s.", low=low, high=high))
    return value


_DATE_PATTERNS = (
    (re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})"), (3, 2, 1)),  # dd/mm/yyyy
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), (1, 2, 3)),  # yyyy-mm-dd
)


def _date(value: Any, today: date) -> date:
    if isinstance(value, datetime):
        value = value.date()
    elif isinstance(value, str):
        value = _date_from_text(value.strip())
    if not isinstance(value, date):
        raise _Invalid(_l("Enter the date as dd/mm/yyyy, for example 01/09/2015."))
    low, high = date(1945, 1, 1), today + timedelta(days=366)
    if not low <= value <= high:
        raise _Invalid(_l("Enter a date between %(low)s and %(high)s.", low=low.strftime("%d/%m/%Y"),
                          high=high.strftime("%d/%m/%Y")))
    return value


def _date_from_text(text: str) -> date | None:
    for pattern, (year, month, day) in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return date(int(match[year]), int(match[month]), int(match[day]))
            except ValueError:
                raise _Invalid(_l("There is no such date: %(value)s.", value=text)) from None
    return None


def _lookup(entries: dict[Any, tuple[str, ...]], shown: tuple[str, ...]) -> Callable[[Any, date], Any]:
    """A parser accepting, for each result, its words (Vietnamese, English, codes); unknown
    values are reported with the Vietnamese words the template offers."""
    table = {_key(word): result for result, words in entries.items() for word in words}

    def parse(value: Any, today: date) -> Any:
        if isinstance(value, bool):
            value = int(value)
        result = table.get(_key(_as_text(value)), _MISSING)
        if result is _MISSING:
            # i18n: %(value)s is the cell as typed; %(choices)s are the sheet's Vietnamese words: keep them as they are.
            raise _Invalid(_l("Unknown value “%(value)s”. Use one of: %(choices)s.",
                              value=_as_text(value)[:50], choices=", ".join(shown)))
        return result
    return parse


_MISSING = object()


def _enum_words(member: LabelledEnum, *words: str) -> tuple[str, ...]:
    return (member.value, *words)


def _theory_words(*bases: str) -> tuple[str, ...]:
    return tuple(f"{base}{suffix}" for base in bases for suffix in ("", " llct", " lý luận chính trị", " chính trị"))


_YES = ("có", "yes", "y", "x", "1", "true", "đúng", "đã có", "đang hoạt động", "hoạt động", "active")
_NO = ("không", "no", "n", "0", "false", "sai", "chưa", "chưa có", "ngừng hoạt động", "ngừng", "nghỉ", "inactive")

_GENDER = _lookup({Gender.FEMALE: _enum_words(Gender.FEMALE, "nữ", "nữ giới", "f"),
                   Gender.MALE: _enum_words(Gender.MALE, "nam", "nam giới", "m")}, ("Nam", "Nữ"))
_KIND = _lookup({
    LecturerKind.FULL_TIME: _enum_words(LecturerKind.FULL_TIME, "chuyên trách", "giảng viên chuyên trách",
                                        "cơ hữu", "full-time lecturer"),
    LecturerKind.ADJUNCT: _enum_words(LecturerKind.ADJUNCT, "kiêm chức", "giảng viên kiêm chức", "kiêm nhiệm",
                                      "giảng viên kiêm nhiệm", "adjunct lecturer"),
}, ("Chuyên trách", "Kiêm chức"))
_WORKLOAD = _lookup({
    WorkloadRole.DIRECTOR: _enum_words(WorkloadRole.DIRECTOR, "giám đốc"),
    WorkloadRole.DEPUTY: _enum_words(WorkloadRole.DEPUTY, "phó giám đốc", "deputy director", "deputy"),
    WorkloadRole.FULL_TIME: _enum_words(WorkloadRole.FULL_TIME, "giảng viên chuyên trách", "chuyên trách",
                                        "full-time lecturer"),
    WorkloadRole.FULL_TIME_ADMIN: _enum_words(WorkloadRole.FULL_TIME_ADMIN, "chuyên trách kiêm giáo vụ",
                                              "giảng viên chuyên trách kiêm giáo vụ", "chuyên trách kiêm nhiệm",
                                              "full-time lecturer with office duties"),
    WorkloadRole.ADJUNCT: _enum_words(WorkloadRole.ADJUNCT, "giảng viên kiêm chức", "kiêm chức", "kiêm nhiệm",
                                      "adjunct lecturer"),
}, ("Giám đốc", "Phó Giám đốc", "Giảng viên chuyên trách", "Chuyên trách kiêm giáo vụ", "Kiêm chức"))
_THEORY = _lookup({
    TheoryLevel.ELEMENTARY: _enum_words(TheoryLevel.ELEMENTARY, *_theory_words("sơ cấp")),
    TheoryLevel.INTERMEDIATE: _enum_words(TheoryLevel.INTERMEDIATE, *_theory_words("trung cấp")),
    TheoryLevel.ADVANCED: _enum_words(TheoryLevel.ADVANCED, *_theory_words("cao cấp")),
    TheoryLevel.BACHELOR: _enum_words(TheoryLevel.BACHELOR, *_theory_words("cử nhân"),
                                      "bachelor of political theory"),
}, ("Sơ cấp", "Trung cấp", "Cao cấp", "Cử nhân"))
_DEGREE = _lookup({
    Degree.NONE: _enum_words(Degree.NONE, "không", "chưa có", "no university degree", "no degree"),
    Degree.BACHELOR: _enum_words(Degree.BACHELOR, "cử nhân", "kỹ sư", "kĩ sư", "đại học", "cn"),
    Degree.MASTER: _enum_words(Degree.MASTER, "thạc sĩ", "thạc sỹ", "ths", "th s"),
    Degree.DOCTOR: _enum_words(Degree.DOCTOR, "tiến sĩ", "tiến sỹ", "ts", "phd"),
}, ("Cử nhân", "Thạc sĩ", "Tiến sĩ", "Không"))
_YES_NO = _lookup({True: _YES, False: _NO}, ("Có", "Không"))


@dataclass(frozen=True)
class Column:
    name: str  # the lecturer field
    heading: str  # the template's Vietnamese heading
    aliases: tuple[str, ...]  # other headings, any case, with or without diacritics
    parse: Callable[[Any, date], Any]
    hint: Any  # a lazily translated explanation for the template's guide sheet; None: the choices
    choices: tuple[str, ...] = ()  # offered as a drop-down list in the template


COLUMNS = {column.name: column for column in (
    Column("full_name", "Họ và tên", ("họ tên", "tên giảng viên", "full name", "name"), _full_name,
           _l("Required. The lecturer's full name, with diacritics.")),
    Column("birth_year", "Năm sinh", ("year of birth", "birth year"), _birth_year,
           _l("Four digits, for example 1978. With the full name it tells whether a row updates a lecturer.")),
    Column("gender", "Giới tính", ("gender", "sex"), _GENDER, None, ("Nam", "Nữ")),
    Column("kind", "Loại giảng viên", ("loại", "kind", "lecturer kind"), _KIND, None,
           ("Chuyên trách", "Kiêm chức")),
    Column("home_body", "Cơ quan công tác", ("đơn vị công tác", "home body", "home organisation",
                                             "home organization"), _text(200),
           _l("For adjunct lecturers: the body they work for, for example Ban Tổ chức, UBKT, MTTQ.")),
    Column("position", "Chức vụ", ("position", "job title"), _text(200), _l("For example: Phó Trưởng ban.")),
    Column("workload_role", "Định mức giảng dạy", ("định mức", "teaching norm", "workload role"), _WORKLOAD, None,
           ("Giám đốc", "Phó Giám đốc", "Giảng viên chuyên trách", "Chuyên trách kiêm giáo vụ", "Kiêm chức")),
    Column("theory_level", "Trình độ LLCT", ("trình độ lý luận chính trị", "political-theory level",
                                             "theory level"), _THEORY, None,
           ("Sơ cấp", "Trung cấp", "Cao cấp", "Cử nhân")),
    Column("degree", "Học vị", ("trình độ chuyên môn", "degree"), _DEGREE, None,
           ("Cử nhân", "Thạc sĩ", "Tiến sĩ", "Không")),
    Column("has_methods_certificate", "Chứng chỉ NVSP", ("chứng chỉ nghiệp vụ sư phạm", "nvsp",
                                                         "teaching-methods certificate", "methods certificate"),
           _YES_NO, None, ("Có", "Không")),
    Column("start_date", "Ngày bắt đầu", ("ngày bắt đầu giảng dạy", "ngày bắt đầu công tác", "start date"), _date,
           _l("The date they started teaching, as dd/mm/yyyy.")),
    Column("is_active", "Đang hoạt động", ("hoạt động", "active", "is active"), _YES_NO,
           _l("Có or Không. Blank means yes for a new lecturer."), ("Có", "Không")),
)}
_HEADINGS = {_key(word): column.name for column in COLUMNS.values()
             for word in (column.heading, column.name, *column.aliases)}
_SILENT_HEADINGS = {_key(word) for word in ("stt", "tt", "số thứ tự", "no", "#", "ghi chú", "note", "notes")}


# --- Reading the workbook -----------------------------------------------------------------------

def read_roster(data: bytes, *, today: date) -> RosterReport:
    """Check ``data`` as an .xlsx roster and return one row per non-blank sheet row.

    Raises ``DomainError`` (422, field ``file``) when the file is not a readable .xlsx
    workbook, is too large, has no full-name heading, no rows, or more than MAX_ROWS rows.
    """
    _check_container(data)
    sheet_name, heading_row, headings, rows = _read_sheet(data)
    report = RosterReport(rows=[], headers={}, heading_row=heading_row, sheet=sheet_name)
    positions = _map_headings(report, headings)
    report.rows = [_parse_row(report, positions, number, cells, today) for number, cells in rows]
    if not report.rows:
        raise _refuse(_l("The sheet has no lecturer rows below the headings."))
    _flag_repeats(report)
    return report


def _check_container(data: bytes) -> None:
    """An .xlsx file is a ZIP: refuse anything else, ZIP bombs and macros before parsing."""
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(_l("The file is larger than %(size)s MB.", size=MAX_FILE_BYTES // (1024 * 1024)))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(_l("This is an old Excel file (.xls) or a password-protected workbook. Open it in Excel, "
                         "remove any password and save it as “Excel Workbook (.xlsx)”."))
    if not data.startswith(b"PK\x03\x04"):
        raise _refuse(_NOT_XLSX)
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _refuse(_DAMAGED) from error
    names = {entry.filename.lower() for entry in entries}
    if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise _refuse(_l("The workbook is too large once unpacked."))
    if "[content_types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise _refuse(_NOT_XLSX)
    if any(name.endswith("vbaproject.bin") for name in names):
        raise _refuse(_l("Workbooks with macros are not accepted. Save the sheet as “Excel Workbook (.xlsx)”."))


_NOT_XLSX = _l("This file is not an Excel workbook (.xlsx). Open it in Excel and save it as “Excel Workbook (.xlsx)”.")
_DAMAGED = _l("The workbook is damaged and cannot be read. Open it in Excel, save it again as .xlsx and retry.")


def _read_sheet(data: bytes) -> tuple[str, int, tuple, list[tuple[int, tuple]]]:
    """(sheet title, heading row number, heading cells, non-blank rows below) of the first sheet
    with a full-name heading in its first rows. openpyxl's many failures on a foreign file all
    become one translated refusal."""
    try:
        with warnings.catch_warnings():  # openpyxl warns about harmless extensions of Excel and WPS
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            try:
                for sheet in workbook.worksheets:
                    found = _heading(sheet)
                    if found:
                        return sheet.title, found[0], found[1], _data_rows(sheet, found[0])
            finally:
                workbook.close()
    except DomainError:
        raise
    except Exception as error:  # noqa: BLE001
        raise _refuse(_DAMAGED) from error
    # i18n: %(heading)s is the Vietnamese heading “Họ và tên” of the sheet, in quotes: keep it as it is.
    raise _refuse(_l("No %(heading)s column was found. Put the column headings in the first row, as in the "
                     "template.", heading="“Họ và tên”"))


def _heading(sheet) -> tuple[int, tuple] | None:
    rows = sheet.iter_rows(max_row=HEADING_SEARCH_ROWS, max_col=MAX_COLUMNS, values_only=True)
    for number, cells in enumerate(rows, start=1):
        if any(_HEADINGS.get(_key(_as_text(cell))) == "full_name" for cell in cells if not _is_blank(cell)):
            return number, cells
    return None


def _data_rows(sheet, heading_row: int) -> list[tuple[int, tuple]]:
    rows: list[tuple[int, tuple]] = []
    cells = sheet.iter_rows(min_row=heading_row + 1, max_col=MAX_COLUMNS, values_only=True)
    for number, values in enumerate(cells, start=heading_row + 1):
        if all(_is_blank(value) for value in values):
            continue
        if len(rows) == MAX_ROWS:
            raise _refuse(_l("The sheet has more than %(max)s rows. Split it into smaller files.", max=MAX_ROWS))
        rows.append((number, values))
    return rows


def _map_headings(report: RosterReport, cells: tuple) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if _is_blank(cell):
            continue
        heading = _as_text(cell)
        name = _HEADINGS.get(_key(heading))
        if name is None:
            if _key(heading) not in _SILENT_HEADINGS:
                report.ignored_columns.append(heading)
        elif name in positions:
            # i18n: %(other)s is a column heading as written in the sheet.
            report.problems.append(Problem(report.heading_row, heading, _l(
                "This column repeats the column “%(other)s”. Keep only one of them.", other=report.headers[name])))
        else:
            positions[name] = index
            report.headers[name] = heading
    return positions


def _parse_row(report: RosterReport, positions: dict[str, int], number: int, cells: tuple,
               today: date) -> RosterRow:
    name_cell = cells[positions["full_name"]] if positions["full_name"] < len(cells) else None
    row = RosterRow(number=number, name="" if _is_blank(name_cell) else _as_text(name_cell), values={})
    if _is_blank(name_cell):
        row.problems.append(Problem(number, report.headers["full_name"], _l("Enter the lecturer's full name.")))
    for name, index in positions.items():
        value = cells[index] if index < len(cells) else None
        if _is_blank(value):
            continue
        try:
            row.values[name] = COLUMNS[name].parse(value, today)
        except _Invalid as invalid:
            row.problems.append(Problem(number, report.headers[name], invalid.message))
    return row


def _flag_repeats(report: RosterReport) -> None:
    """The same person (name and year of birth) on several rows: each row names the others."""
    groups: dict[tuple, list[RosterRow]] = defaultdict(list)
    for row in report.rows:
        if "full_name" in row.values:
            groups[(name_key(row.values["full_name"]), row.values.get("birth_year"))].append(row)
    for rows in groups.values():
        if len(rows) < 2:
            continue
        for row in rows:
            others = ", ".join(str(other.number) for other in rows if other is not row)
            # i18n: %(rows)s is one or more row numbers of the sheet, separated by commas.
            row.problems.append(Problem(row.number, report.column("full_name"), _l(
                "The same lecturer (name and year of birth) is also on row %(rows)s.", rows=others)))


# --- Matching with the unit's lecturers ---------------------------------------------------------

def plan_roster(report: RosterReport, existing: Iterable[Any]) -> None:
    """Decide, for each row, whether it creates a lecturer or updates ``existing`` one (same
    full name and year of birth), and what changes; a row that cannot be matched safely gets
    a problem."""
    namesakes: dict[str, list[Any]] = defaultdict(list)
    for lecturer in existing:
        namesakes[name_key(lecturer.full_name)].append(lecturer)
    for row in report.rows:
        if "full_name" in row.values:
            _plan_row(report, row, namesakes[name_key(row.values["full_name"])])


def _plan_row(report: RosterReport, row: RosterRow, namesakes: list[Any]) -> None:
    year = row.values.get("birth_year")
    matches = [lecturer for lecturer in namesakes if lecturer.birth_year == year]
    if len(matches) > 1:
        row.problems.append(Problem(row.number, report.column("full_name"), _l(
            "Several lecturers of the unit have this name and year of birth. Update them on their own pages.")))
    elif matches:
        row.target = matches[0]
        row.changes = {name: value for name, value in row.values.items()
                       if name != "full_name" and getattr(row.target, name) != value}
        row.action = RowAction.UPDATE if row.changes else RowAction.UNCHANGED
        row.changed_columns = [report.column(name) for name in row.changes]
        return
    elif year is None and namesakes:
        years = ", ".join(sorted(str(lecturer.birth_year) for lecturer in namesakes))
        # i18n: %(years)s is one or more years of birth, separated by commas.
        row.problems.append(Problem(row.number, report.column("birth_year"), _l(
            "The unit already has a lecturer with this name, born in %(years)s. Enter the year of birth "
            "so that the row can be matched.", years=years)))
    elif any(lecturer.birth_year is None for lecturer in namesakes):
        row.problems.append(Problem(row.number, report.column("birth_year"), _l(
            "The unit already has a lecturer with this name and no year of birth. If it is the same person, "
            "add the year of birth to their profile first.")))
    row.action = RowAction.CREATE
    row.changes = _new_lecturer_values(row.values)


def _new_lecturer_values(values: dict[str, Any]) -> dict[str, Any]:
    kind = values.get("kind", LecturerKind.FULL_TIME)
    defaults = {"kind": kind, "is_active": True, "has_methods_certificate": False,
                "workload_role": WorkloadRole.ADJUNCT if kind == LecturerKind.ADJUNCT else WorkloadRole.FULL_TIME}
    return {**defaults, **values}


# --- The empty template -------------------------------------------------------------------------

def template_workbook() -> bytes:
    """An empty roster with the Vietnamese headings, drop-down lists for coded columns and a
    second sheet explaining each column (in the current language)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách giảng viên"
    sheet.append([column.heading for column in COLUMNS.values()])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS.values(), start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F2")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[cell.column_letter].width = 30 if column.name == "full_name" else 20
        if column.choices:
            validation = DataValidation(type="list", formula1=f'"{",".join(column.choices)}"', allow_blank=True)
            validation.add(f"{cell.column_letter}2:{cell.column_letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    _guide_sheet(workbook.create_sheet(_("Guide")))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _guide_sheet(sheet) -> None:
    sheet.append([_("Column"), _("What to enter")])
    for column in COLUMNS.values():
        hint = column.hint or _("One of: %(choices)s.", choices=", ".join(column.choices))
        sheet.append([column.heading, str(hint)])
    sheet.append([])
    sheet.append([_("Notes"), _("One row per lecturer; keep the headings in row 1. A row whose full name and "
                                "year of birth match a lecturer of the unit updates that lecturer; other rows "
                                "create lecturers. Blank cells never erase recorded data.")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90


# --- Keeping a checked file between the dry run and the import -----------------------------------

STAGE_LIFETIME_SECONDS = 2 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{24}")


def _stage_path(folder: str, owner: str, token: str) -> str:
    if not _TOKEN.fullmatch(token or "") or not re.fullmatch(r"[a-z0-9-]+", owner):
        raise _refuse(_l("The checked file is no longer available. Choose it again."))
    return os.path.join(folder, f"{owner}-{token}.xlsx")


def stage_upload(data: bytes, *, folder: str, owner: str) -> str:
    """Keep a checked file under a random token, for its ``owner`` only; older files go."""
    os.makedirs(folder, exist_ok=True)
    _remove_stale(folder)
    token = secrets.token_urlsafe(18)
    path = _stage_path(folder, owner, token)
    with open(path + ".part", "wb") as handle:
        handle.write(data)
    os.replace(path + ".part", path)
    return token


def read_staged(token: str, *, folder: str, owner: str) -> bytes:
    path = _stage_path(folder, owner, token)
    try:
        if time.time() - os.path.getmtime(path) > STAGE_LIFETIME_SECONDS:
            raise FileNotFoundError(path)
        with open(path, "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _refuse(_l("The checked file is no longer available. Choose it again.")) from error


def discard_staged(token: str, *, folder: str, owner: str) -> None:
    try:
        os.remove(_stage_path(folder, owner, token))
    except (OSError, DomainError):
        pass


def _remove_stale(folder: str) -> None:
    limit = time.time() - STAGE_LIFETIME_SECONDS
    for entry in os.scandir(folder):
        try:
            if entry.is_file() and entry.stat().st_mtime < limit:
                os.remove(entry.path)
        except OSError:
            pass
