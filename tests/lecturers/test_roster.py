"""Roster import from .xlsx: reading, checking, matching, dry run, all-or-nothing import, the
page, the template download and the CLI."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from accounts.enums import Role
from core.errors import DomainError
from core.extensions import db
from core.models import AuditLog
from lecturers import roster, services
from lecturers.enums import Degree, Gender, LecturerKind, TheoryLevel, WorkloadRole
from lecturers.models import Lecturer
from lecturers.roster import RowAction
from tests import factories

TODAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 8, 0)
VI_HEADINGS = ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Loại giảng viên", "Cơ quan công tác", "Chức vụ",
               "Định mức giảng dạy", "Trình độ LLCT", "Học vị", "Chứng chỉ NVSP", "Ngày bắt đầu", "Đang hoạt động"]
EN_HEADINGS = ["Full name", "Year of birth", "Gender", "Kind", "Home body", "Position", "Teaching norm",
               "Political-theory level", "Degree", "Teaching-methods certificate", "Start date", "Active"]


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path, monkeypatch):
    """Files a dry run keeps go to a temporary folder, not the instance folder."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


def xlsx(*rows, headings=("Họ và tên", "Năm sinh"), title_rows=()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (*title_rows, headings, *rows):
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(data: bytes) -> roster.RosterReport:
    return roster.read_roster(data, today=TODAY)


def problems(report: roster.RosterReport) -> list[tuple[int, str, str]]:
    with force_locale("en"):
        return [(problem.row, problem.column, str(problem.message)) for problem in report.all_problems]


def refusal(data: bytes) -> str:
    with pytest.raises(DomainError) as caught, force_locale("en"):
        read(data)
    assert (caught.value.status, caught.value.field) == (422, "file")
    with force_locale("en"):
        return str(caught.value.message)


def unit_lecturers(unit) -> dict[str, Lecturer]:
    query = sa.select(Lecturer).where(Lecturer.unit_id == unit.id)
    return {lecturer.full_name: lecturer for lecturer in db.session.scalars(query)}


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditLog.action).where(AuditLog.object_type == "Lecturer")
                                   .order_by(AuditLog.id)))


# --- Reading --------------------------------------------------------------------------------------

def test_vietnamese_headings_and_words_are_read(app):
    data = xlsx([1, "Nguyễn Thị Hương Giang", 1985, "Nữ", "Kiêm chức", "Ban Tổ chức Huyện ủy", "Phó Trưởng ban",
                 "Kiêm chức", "Cao cấp", "Thạc sĩ", "Có", "01/09/2015", "Có"], headings=VI_HEADINGS)

    report = read(data)

    assert problems(report) == []
    assert report.rows[0].values == {
        "full_name": "Nguyễn Thị Hương Giang", "birth_year": 1985, "gender": Gender.FEMALE,
        "kind": LecturerKind.ADJUNCT, "home_body": "Ban Tổ chức Huyện ủy", "position": "Phó Trưởng ban",
        "workload_role": WorkloadRole.ADJUNCT, "theory_level": TheoryLevel.ADVANCED, "degree": Degree.MASTER,
        "has_methods_certificate": True, "start_date": date(2015, 9, 1), "is_active": True}


def test_english_headings_with_labels_and_codes_are_read(app):
    data = xlsx(["Phạm Văn Đồng", "1979", "Male", "full_time", "", "Lecturer", "Full-time lecturer with office duties",
                 "Bachelor of political theory (cử nhân)", "doctor", "No", date(2012, 1, 15), "yes"],
                headings=EN_HEADINGS)

    report = read(data)

    assert problems(report) == []
    assert report.rows[0].values == {
        "full_name": "Phạm Văn Đồng", "birth_year": 1979, "gender": Gender.MALE, "kind": LecturerKind.FULL_TIME,
        "position": "Lecturer", "workload_role": WorkloadRole.FULL_TIME_ADMIN, "theory_level": TheoryLevel.BACHELOR,
        "degree": Degree.DOCTOR, "has_methods_certificate": False, "start_date": date(2012, 1, 15),
        "is_active": True}


def test_headings_match_without_case_diacritics_or_notes(app):
    report = read(xlsx(["Đỗ Thị Thu Hà", 1990, "nu"], headings=["HO VA TEN (*)", "năm sinh:", "GIỚI TÍNH"]))

    assert report.headers == {"full_name": "HO VA TEN (*)", "birth_year": "năm sinh:", "gender": "GIỚI TÍNH"}
    assert report.rows[0].values["gender"] == Gender.FEMALE


@pytest.mark.parametrize(("heading", "cell", "expected"), [
    ("Học vị", "Thạc sỹ", Degree.MASTER),
    ("Học vị", "ThS.", Degree.MASTER),
    ("Học vị", "tien si", Degree.DOCTOR),
    ("Học vị", "Không", Degree.NONE),
    ("Trình độ LLCT", "Cao cấp lý luận chính trị", TheoryLevel.ADVANCED),
    ("Trình độ LLCT", "SƠ CẤP", TheoryLevel.ELEMENTARY),
    ("Trình độ LLCT", "Intermediate", TheoryLevel.INTERMEDIATE),
    ("Loại giảng viên", "Kiêm nhiệm", LecturerKind.ADJUNCT),
    ("Định mức giảng dạy", "Phó Giám đốc", WorkloadRole.DEPUTY),
    ("Định mức giảng dạy", "Giám đốc", WorkloadRole.DIRECTOR),
    ("Chứng chỉ NVSP", True, True),
    ("Chứng chỉ NVSP", 0, False),
    ("Đang hoạt động", "Không", False),
    ("Ngày bắt đầu", datetime(2019, 8, 20, 0, 0), date(2019, 8, 20)),
    ("Ngày bắt đầu", "5/9/2019", date(2019, 9, 5)),
    ("Ngày bắt đầu", "2019-09-05", date(2019, 9, 5)),
    ("Năm sinh", 1981.0, 1981),
    ("Năm sinh", datetime(1981, 6, 2), 1981),
])
def test_values_are_read_in_their_usual_spellings(app, heading, cell, expected):
    report = read(xlsx(["Hoàng Văn Thụ", cell], headings=["Họ và tên", heading]))

    assert problems(report) == []
    assert list(report.rows[0].values.values())[1] == expected


@pytest.mark.parametrize("enum", [Gender, LecturerKind, WorkloadRole, TheoryLevel, Degree])
def test_every_enum_code_is_accepted(app, enum):
    column = next(c for c in roster.COLUMNS.values() if c.name == {
        Gender: "gender", LecturerKind: "kind", WorkloadRole: "workload_role", TheoryLevel: "theory_level",
        Degree: "degree"}[enum])

    assert [column.parse(member.value, TODAY) for member in enum] == list(enum)


def test_upper_case_names_are_written_in_title_case_and_nfd_is_normalised(app):
    report = read(xlsx(["TRẦN THỊ HƯƠNG", 1970], ["Le\u0302 Va\u0306n  An", 1971]))

    assert [row.values["full_name"] for row in report.rows] == ["Trần Thị Hương", "Lê Văn An"]


def test_blank_rows_stt_and_notes_are_skipped_and_unknown_columns_listed(app):
    report = read(xlsx([1, "Vũ Thị Lan", "", "x"], [None, None, None, None], [3, "Đặng Văn Lâm", "", ""],
                       headings=["STT", "Họ và tên", "Ghi chú", "Số điện thoại"]))

    assert [(row.number, row.name) for row in report.rows] == [(2, "Vũ Thị Lan"), (4, "Đặng Văn Lâm")]
    assert report.ignored_columns == ["Số điện thoại"]


def test_headings_may_follow_title_rows(app):
    report = read(xlsx(["Ngô Thị Mai", 1988], title_rows=[["DANH SÁCH GIẢNG VIÊN NĂM 2026"], []]))

    assert (report.heading_row, report.rows[0].number) == (3, 4)


# --- Problems -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("heading", "cell", "message"), [
    ("Năm sinh", "khoảng 1980", "Enter the year of birth as four digits, for example 1978."),
    ("Năm sinh", 1930, "Enter a year of birth between 1940 and 2008."),
    ("Năm sinh", 2015, "Enter a year of birth between 1940 and 2008."),
    ("Giới tính", "Khác", "Unknown value “Khác”. Use one of: Nam, Nữ."),
    ("Loại giảng viên", "Thỉnh giảng", "Unknown value “Thỉnh giảng”. Use one of: Chuyên trách, Kiêm chức."),
    ("Định mức giảng dạy", "120 giờ", "Unknown value “120 giờ”. Use one of: Giám đốc, Phó Giám đốc, "
                                      "Giảng viên chuyên trách, Chuyên trách kiêm giáo vụ, Kiêm chức."),
    ("Trình độ LLCT", "Đại học", "Unknown value “Đại học”. Use one of: Sơ cấp, Trung cấp, Cao cấp, Cử nhân."),
    ("Học vị", "Giáo sư", "Unknown value “Giáo sư”. Use one of: Cử nhân, Thạc sĩ, Tiến sĩ, Không."),
    ("Chứng chỉ NVSP", "Đang học", "Unknown value “Đang học”. Use one of: Có, Không."),
    ("Đang hoạt động", "?", "Unknown value “?”. Use one of: Có, Không."),
    ("Ngày bắt đầu", "tháng 9/2015", "Enter the date as dd/mm/yyyy, for example 01/09/2015."),
    ("Ngày bắt đầu", 42000, "Enter the date as dd/mm/yyyy, for example 01/09/2015."),
    ("Ngày bắt đầu", "31/02/2020", "There is no such date: 31/02/2020."),
    ("Ngày bắt đầu", "01/01/1930", "Enter a date between 01/01/1945 and 02/03/2027."),
    ("Chức vụ", "Phó " * 60, "Too long: at most 200 characters."),
    ("Cơ quan công tác", "Ủy ban " * 40, "Too long: at most 200 characters."),
])
def test_each_bad_value_is_reported_with_its_row_and_column(app, heading, cell, message):
    report = read(xlsx(["Nguyễn Văn Bình", cell], headings=["Họ và tên", heading]))

    assert problems(report) == [(2, heading, message)]
    assert report.ok is False


def test_missing_or_overlong_names_are_reported(app):
    report = read(xlsx([None, 1980], ["12345", 1981], ["Nguyễn " * 40, 1982]))

    assert problems(report) == [(2, "Họ và tên", "Enter the lecturer's full name."),
                                (3, "Họ và tên", "Enter the lecturer's full name."),
                                (4, "Họ và tên", "Too long: at most 200 characters.")]


def test_problems_of_every_row_are_reported_not_only_the_first(app):
    report = read(xlsx(["Lý Thị Thanh", "abc", "Khác"], ["Tô Văn Hải", 1985, "Nam"], ["Mạc Thị Bưởi", 1800, "?"],
                       headings=["Họ và tên", "Năm sinh", "Giới tính"]))

    assert problems(report) == [
        (2, "Năm sinh", "Enter the year of birth as four digits, for example 1978."),
        (2, "Giới tính", "Unknown value “Khác”. Use one of: Nam, Nữ."),
        (4, "Năm sinh", "Enter a year of birth between 1940 and 2008."),
        (4, "Giới tính", "Unknown value “?”. Use one of: Nam, Nữ.")]
    assert report.rows_with_problems == 2


def test_repeated_lecturer_in_the_file_is_reported_on_every_occurrence(app):
    report = read(xlsx(["Nguyễn Thị Hương", 1980], ["Trần Văn Nam", 1980], ["nguyễn  thị hương", 1980],
                       ["Nguyễn Thị Hường", 1980], ["Nguyễn Thị Hương", 1981]))

    assert problems(report) == [
        (2, "Họ và tên", "The same lecturer (name and year of birth) is also on row 4."),
        (4, "Họ và tên", "The same lecturer (name and year of birth) is also on row 2.")]


def test_repeated_heading_is_a_problem_of_the_heading_row(app):
    report = read(xlsx(["Phan Thị Hoa", 1975, 1976], headings=["Họ và tên", "Năm sinh", "Year of birth"]))

    assert problems(report) == [(1, "Year of birth", "This column repeats the column “Năm sinh”. "
                                                     "Keep only one of them.")]


# --- Refused files --------------------------------------------------------------------------------

def test_sheet_without_a_full_name_heading_is_refused(app):
    assert refusal(xlsx(["1980"], headings=["Năm sinh"])) == (
        "No “Họ và tên” column was found. Put the column headings in the first row, as in the template.")


def test_sheet_without_rows_is_refused(app):
    assert refusal(xlsx()) == "The sheet has no lecturer rows below the headings."


def test_more_rows_than_the_limit_are_refused(app):
    data = xlsx(*([f"Nguyễn Văn Số {index}", 1980] for index in range(roster.MAX_ROWS + 1)))

    assert refusal(data) == "The sheet has more than 5000 rows. Split it into smaller files."


def test_a_file_over_the_size_limit_is_refused(app):
    assert refusal(b"PK\x03\x04" + b"\0" * roster.MAX_FILE_BYTES) == "The file is larger than 5 MB."


NOT_XLSX = "This file is not an Excel workbook (.xlsx). Open it in Excel and save it as “Excel Workbook (.xlsx)”."
DAMAGED = "The workbook is damaged and cannot be read. Open it in Excel, save it again as .xlsx and retry."


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    ("Họ và tên,Năm sinh\nNguyễn Văn A,1980\n".encode(), NOT_XLSX),
    (b"%PDF-1.7\n", NOT_XLSX),
    (b"", NOT_XLSX),
    (_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}), NOT_XLSX),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500,
     "This is an old Excel file (.xls) or a password-protected workbook. Open it in Excel, remove any password "
     "and save it as “Excel Workbook (.xlsx)”."),
    (b"PK\x03\x04 truncated", DAMAGED),
    (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<not really"}), DAMAGED),
    (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"", "xl/vbaProject.bin": b"\0"}),
     "Workbooks with macros are not accepted. Save the sheet as “Excel Workbook (.xlsx)”."),
])
def test_files_that_are_not_plain_xlsx_workbooks_are_refused(app, data, message):
    assert refusal(data) == message


def test_a_zip_bomb_is_refused_before_unpacking(app):
    data = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"\0" * (roster.MAX_UNPACKED_BYTES + 1)})

    assert refusal(data) == "The workbook is too large once unpacked."


def test_a_damaged_sheet_inside_a_real_workbook_is_refused(app):
    archive = zipfile.ZipFile(io.BytesIO(xlsx(["Nguyễn Văn A", 1980])))
    entries = {name: archive.read(name) for name in archive.namelist()}
    entries["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>9"

    assert refusal(_zip(entries)) == DAMAGED


# --- Matching and the import service --------------------------------------------------------------

def test_rows_match_the_units_lecturers_by_name_and_year_of_birth(world):
    factories.make_lecturer(world.unit, full_name="Nguyễn Thị Hương", birth_year=1980, position="Giảng viên")
    factories.make_lecturer(world.unit, full_name="Hồ Văn Tâm", birth_year=1975)
    factories.make_lecturer(world.sibling, full_name="Đinh Thị Mận", birth_year=1977)
    data = xlsx(["NGUYỄN THỊ HƯƠNG", 1980, "Phó Giám đốc"], ["Nguyễn Thị Hường", 1980, ""],
                ["Nguyễn Thị Hương", 1979, ""], ["Hồ Văn Tâm", 1975, ""], ["Đinh Thị Mận", 1977, ""],
                headings=["Họ và tên", "Năm sinh", "Chức vụ"])

    report = services.import_roster(data, unit=world.unit, dry_run=True, actor=world.director, now=NOW)

    assert [(row.name, row.action, row.changed_columns) for row in report.rows] == [
        ("NGUYỄN THỊ HƯƠNG", RowAction.UPDATE, ["Chức vụ"]),
        ("Nguyễn Thị Hường", RowAction.CREATE, []),
        ("Nguyễn Thị Hương", RowAction.CREATE, []),
        ("Hồ Văn Tâm", RowAction.UNCHANGED, []),
        ("Đinh Thị Mận", RowAction.CREATE, [])]
    assert report.ok


def test_rows_that_cannot_be_matched_safely_are_problems(world):
    factories.make_lecturer(world.unit, full_name="Cao Văn Sơn", birth_year=1970)
    factories.make_lecturer(world.unit, full_name="Lương Thị Nga", birth_year=1983)
    factories.make_lecturer(world.unit, full_name="Lương Thị Nga", birth_year=1983)
    data = xlsx(["Cao Văn Sơn", None], ["Lê Văn An", 1968], ["Lương Thị Nga", 1983])

    report = services.import_roster(data, unit=world.unit, dry_run=True, actor=world.director, now=NOW)

    assert problems(report) == [
        (2, "Năm sinh", "The unit already has a lecturer with this name, born in 1970. Enter the year of birth "
                        "so that the row can be matched."),
        (3, "Năm sinh", "The unit already has a lecturer with this name and no year of birth. If it is the same "
                        "person, add the year of birth to their profile first."),
        (4, "Họ và tên", "Several lecturers of the unit have this name and year of birth. Update them on their "
                         "own pages.")]


def test_dry_run_writes_nothing_and_reports_everything(world):
    factories.make_lecturer(world.unit, full_name="Nguyễn Thị Hương", birth_year=1980)
    before = (unit_lecturers(world.unit), audit_actions())
    data = xlsx(["Nguyễn Thị Hương", 1980, "Trưởng khoa"], ["Bạch Văn Hùng", 1990, "Giảng viên"],
                headings=["Họ và tên", "Năm sinh", "Chức vụ"])

    report = services.import_roster(data, unit=world.unit, dry_run=True, actor=world.director, now=NOW)
    db.session.expire_all()

    assert (report.written, report.count(RowAction.CREATE), report.count(RowAction.UPDATE)) == (False, 1, 1)
    assert (unit_lecturers(world.unit), audit_actions()) == before
    assert unit_lecturers(world.unit)["Nguyễn Thị Hương"].position == ""


def test_real_import_creates_and_updates_through_the_audited_service(world):
    hương = factories.make_lecturer(world.unit, full_name="Nguyễn Thị Hương", birth_year=1980, position="Giảng viên")
    data = xlsx(["Nguyễn Thị Hương", 1980, "", "Trưởng khoa", ""],
                ["Bạch Văn Hùng", 1990, "Kiêm chức", "Phó Chủ tịch UBMTTQ", "Không"],
                headings=["Họ và tên", "Năm sinh", "Loại giảng viên", "Chức vụ", "Đang hoạt động"])

    report = services.import_roster(data, unit=world.unit, dry_run=False, actor=world.director, now=NOW)

    hùng = unit_lecturers(world.unit)["Bạch Văn Hùng"]
    assert report.written is True
    assert (hương.position, hương.kind, hương.is_active) == ("Trưởng khoa", "full_time", True)
    assert (hùng.kind, hùng.workload_role, hùng.position, hùng.is_active, hùng.search_name) == (
        "adjunct", "adjunct", "Phó Chủ tịch UBMTTQ", False, "bach van hung")
    entries = db.session.scalars(sa.select(AuditLog).where(AuditLog.object_type == "Lecturer")
                                 .order_by(AuditLog.id)).all()
    assert [(entry.action, entry.object_id, entry.actor_id, entry.at) for entry in entries] == [
        ("lecturer_updated", hương.id, world.director.id, NOW), ("lecturer_created", hùng.id, world.director.id, NOW)]
    assert (entries[0].before, entries[0].after) == ({"position": "Giảng viên"}, {"position": "Trưởng khoa"})


def test_blank_cells_never_erase_recorded_data(world):
    hương = factories.make_lecturer(world.unit, full_name="Nguyễn Thị Hương", birth_year=1980, position="Giảng viên",
                                    degree="master")
    data = xlsx(["Nguyễn Thị Hương", 1980, "", None], headings=["Họ và tên", "Năm sinh", "Chức vụ", "Học vị"])

    report = services.import_roster(data, unit=world.unit, dry_run=False, actor=world.director, now=NOW)

    assert report.rows[0].action == RowAction.UNCHANGED
    assert (hương.position, hương.degree, audit_actions()) == ("Giảng viên", "master", [])


def test_real_import_with_one_bad_row_writes_nothing(world):
    before = (unit_lecturers(world.unit), audit_actions())
    data = xlsx(["Bạch Văn Hùng", 1990], ["Kiều Thị Trang", 1991], ["Lã Văn Cường", "một chín chín hai"])

    report = services.import_roster(data, unit=world.unit, dry_run=False, actor=world.director, now=NOW)

    assert (report.written, report.ok, report.rows_with_problems) == (False, False, 1)
    assert (unit_lecturers(world.unit), audit_actions()) == before


# --- The page -------------------------------------------------------------------------------------

def upload(client, data: bytes, *, dry_run: bool = True, filename: str = "Danh sách giảng viên.xlsx"):
    form = {"file": (io.BytesIO(data), filename)}
    if dry_run:
        form["dry_run"] = "y"
    return client.post("/lecturers/import", data=form, content_type="multipart/form-data")


def english(client):
    client.post("/language", data={"lang": "en", "next": "/"})
    return client


def test_import_page_offers_the_form_with_dry_run_ticked(world, login):
    response = login(world.director).get("/lecturers/import")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'<input checked id="dry_run" name="dry_run" type="checkbox" value="y">', page)
    assert 'enctype="multipart/form-data"' in page
    assert "/lecturers/import/template.xlsx" in page


def test_dry_run_page_reports_every_row_and_writes_nothing(world, login):
    client = english(login(world.director))
    before = unit_lecturers(world.unit)
    data = xlsx(["Bạch Văn Hùng", 1990], ["Kiều Thị Trang", 1991])

    response = upload(client, data)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bạch Văn Hùng" in page and "Kiều Thị Trang" in page
    assert "2 rows checked: 2 to create, 0 to update, 0 unchanged, 0 with problems." in page
    assert unit_lecturers(world.unit).keys() == before.keys()


def test_clean_dry_run_then_one_click_imports_the_kept_file(world, login):
    client = login(world.director)
    page = upload(client, xlsx(["Bạch Văn Hùng", 1990], ["Kiều Thị Trang", 1991])).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)

    response = client.post("/lecturers/import", data={"token": token})
    again = client.post("/lecturers/import", data={"token": token})

    assert (response.status_code, response.headers["Location"]) == (302, "/lecturers")
    assert {"Bạch Văn Hùng", "Kiều Thị Trang"} <= unit_lecturers(world.unit).keys()
    assert audit_actions() == ["lecturer_created", "lecturer_created"]
    assert again.status_code == 422


def test_a_kept_file_serves_only_the_director_who_checked_it(world, login, client):
    other_director = factories.make_user((world.unit, Role.DIRECTOR), username="director2")
    page = upload(login(world.director), xlsx(["Bạch Văn Hùng", 1990])).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    client.post("/logout")

    response = english(login(other_director)).post("/lecturers/import", data={"token": token})

    assert response.status_code == 422
    assert "The checked file is no longer available. Choose it again." in response.get_data(as_text=True)
    assert "Bạch Văn Hùng" not in unit_lecturers(world.unit)


@pytest.mark.parametrize("token", ["../../../etc/passwd", "x" * 24 + "/..", ""])
def test_forged_tokens_are_refused(world, login, token):
    response = login(world.director).post("/lecturers/import", data={"token": token})

    assert response.status_code == 422


def test_real_import_from_the_page_redirects_with_a_summary(world, login):
    client = english(login(world.director))

    response = upload(client, xlsx(["Bạch Văn Hùng", 1990]), dry_run=False)

    assert response.status_code == 302
    assert "Bạch Văn Hùng" in unit_lecturers(world.unit)
    assert "Roster imported: 1 created, 0 updated, 0 unchanged." in client.get("/lecturers").get_data(as_text=True)


def test_real_import_with_problems_shows_the_report_with_422_and_writes_nothing(world, login):
    client = english(login(world.director))

    response = upload(client, xlsx(["Bạch Văn Hùng", 1990], ["Kiều Thị Trang", 1800]), dry_run=False)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a year of birth between 1940 and" in page
    assert "2 rows checked: 1 to create, 0 to update, 0 unchanged, 1 with problems." in page
    assert "Nothing was written." in page
    assert 'name="file"' in page
    assert not {"Bạch Văn Hùng", "Kiều Thị Trang"} & unit_lecturers(world.unit).keys()


@pytest.mark.parametrize(("data", "filename"), [
    (b"PK\x03\x04 this is not a workbook", "Danh sách.xlsx"),
    ("Họ và tên;Năm sinh\nNguyễn Văn A;1980".encode(), "danh-sach.xlsx"),
    (b"\x89PNG\r\n\x1a\n", "ảnh.xlsx"),
])
def test_corrupt_or_renamed_files_get_422_with_the_form(world, login, data, filename):
    client = english(login(world.director))

    response = upload(client, data, filename=filename)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("is not an Excel workbook" in page) or ("is damaged and cannot be read" in page)
    assert 'name="file"' in page


def test_sending_no_file_is_a_422(world, login):
    response = english(login(world.director)).post("/lecturers/import", data={"dry_run": "y"})

    assert response.status_code == 422
    assert "Choose the .xlsx file to import." in response.get_data(as_text=True)


def test_the_form_is_protected_by_csrf(app, world, login, monkeypatch):
    client = login(world.director)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = upload(client, xlsx(["Bạch Văn Hùng", 1990]), dry_run=False)

    assert response.status_code == 400
    assert "Bạch Văn Hùng" not in unit_lecturers(world.unit)


def test_template_download_has_the_vietnamese_headings(world, login):
    response = login(world.director).get("/lecturers/import/template.xlsx")

    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert response.status_code == 200
    assert response.mimetype == roster.XLSX_MIMETYPE
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert [cell.value for cell in workbook.worksheets[0][1]] == [
        "Họ và tên", "Năm sinh", "Giới tính", "Loại giảng viên", "Cơ quan công tác", "Chức vụ", "Định mức giảng dạy",
        "Trình độ LLCT", "Học vị", "Chứng chỉ NVSP", "Ngày bắt đầu", "Đang hoạt động"]


def test_the_filled_in_template_reads_back(world, login):
    workbook = openpyxl.load_workbook(io.BytesIO(login(world.director).get("/lecturers/import/template.xlsx").data))
    workbook.worksheets[0].append(["Trịnh Thị Yến", 1992, "Nữ", "Chuyên trách", "", "Giảng viên",
                                   "Giảng viên chuyên trách", "Trung cấp", "Cử nhân", "Có", "02/01/2020", "Có"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = read(buffer.getvalue())

    assert (len(report.headers), report.ok) == (12, True)
    assert report.rows[0].values["workload_role"] == WorkloadRole.FULL_TIME


@pytest.mark.parametrize("role", ["reviewer", "secretary", "lecturer", "overseer", "admin"])
@pytest.mark.parametrize("path", ["/lecturers/import", "/lecturers/import/template.xlsx"])
def test_only_directors_may_open_the_import(world, login, role, path):
    response = login(world.user(role)).get(path)

    assert response.status_code == 403


@pytest.mark.parametrize("role", ["reviewer", "lecturer"])
def test_others_cannot_post_an_import(world, login, role):
    response = upload(login(world.user(role)), xlsx(["Bạch Văn Hùng", 1990]), dry_run=False)

    assert response.status_code == 403
    assert "Bạch Văn Hùng" not in unit_lecturers(world.unit)


def test_a_director_of_another_unit_cannot_import_into_this_one(world, login):
    visitor = factories.make_user((world.sibling, Role.DIRECTOR), (world.unit, Role.REVIEWER), username="visitor")
    client = login(visitor)
    client.post("/unit", data={"unit_id": str(world.unit.id), "next": "/home"})

    responses = [client.get("/lecturers/import"), upload(client, xlsx(["Bạch Văn Hùng", 1990]), dry_run=False)]

    assert [response.status_code for response in responses] == [403, 403]
    assert "Bạch Văn Hùng" not in unit_lecturers(world.unit)


def test_another_units_director_imports_into_their_own_unit_without_seeing_ours(world, login):
    factories.make_lecturer(world.unit, full_name="Nguyễn Thị Hương", birth_year=1980)

    report_page = upload(login(world.sibling_director), xlsx(["Nguyễn Thị Hương", 1980]), dry_run=False)

    assert report_page.status_code == 302
    assert "Nguyễn Thị Hương" in unit_lecturers(world.sibling)
    assert audit_actions() == ["lecturer_created"]


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/lecturers/import")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# --- Staging ----------------------------------------------------------------------------------

def test_a_staged_file_is_read_back_once_by_its_owner_only(tmp_path, app):
    token = roster.stage_upload(b"data", folder=str(tmp_path), owner="u1-unit2")

    with force_locale("en"):
        assert roster.read_staged(token, folder=str(tmp_path), owner="u1-unit2") == b"data"
        with pytest.raises(DomainError):
            roster.read_staged(token, folder=str(tmp_path), owner="u3-unit2")
        roster.discard_staged(token, folder=str(tmp_path), owner="u1-unit2")
        with pytest.raises(DomainError):
            roster.read_staged(token, folder=str(tmp_path), owner="u1-unit2")


# --- The command line -------------------------------------------------------------------------

def test_cli_dry_run_prints_the_report_and_writes_nothing(app, world, tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(xlsx(["Bạch Văn Hùng", 1990], ["Kiều Thị Trang", 1991]))

    result = app.test_cli_runner().invoke(args=["roster", "import", str(path), "--unit-id", str(world.unit.id),
                                                "--dry-run", "--lang", "en"])

    assert result.exit_code == 0, result.output
    assert "Row 2\tBạch Văn Hùng\tCreate" in result.output
    assert "2 rows checked: 2 to create, 0 to update, 0 unchanged, 0 with problems." in result.output
    assert "Dry run: nothing was written." in result.output
    assert "Bạch Văn Hùng" not in unit_lecturers(world.unit)


def test_cli_import_writes_every_row(app, world, tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(xlsx(["Bạch Văn Hùng", 1990], ["Kiều Thị Trang", 1991]))

    result = app.test_cli_runner().invoke(args=["roster", "import", str(path), "--unit-id", str(world.unit.id),
                                                "--actor", "director"])

    assert result.exit_code == 0, result.output
    assert {"Bạch Văn Hùng", "Kiều Thị Trang"} <= unit_lecturers(world.unit).keys()
    assert db.session.scalars(sa.select(AuditLog.actor_id).where(AuditLog.action == "lecturer_created")).all() == [
        world.director.id, world.director.id]


def test_cli_import_with_problems_exits_1_and_writes_nothing(app, world, tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(xlsx(["Bạch Văn Hùng", 1990], [None, 1991]))

    result = app.test_cli_runner().invoke(args=["roster", "import", str(path), "--unit-id", str(world.unit.id),
                                                "--lang", "en"])

    assert result.exit_code == 1
    assert "Row 3\t—\t—\n    Họ và tên: Enter the lecturer's full name.\n" in result.output
    assert "Bạch Văn Hùng" not in unit_lecturers(world.unit)


def test_cli_refuses_a_file_that_is_not_a_workbook(app, world, tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    path.write_text("Họ và tên\nNguyễn Văn A\n", encoding="utf-8")

    result = app.test_cli_runner().invoke(args=["roster", "import", str(path), "--unit-id", str(world.unit.id),
                                                "--lang", "en"])

    assert result.exit_code == 1
    assert NOT_XLSX in result.output


def test_cli_refuses_an_unknown_unit(app, world, tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(xlsx(["Bạch Văn Hùng", 1990]))

    result = app.test_cli_runner().invoke(args=["roster", "import", str(path), "--unit-id", "999999"])

    assert result.exit_code == 1
    assert "No unit with id 999999." in result.output
