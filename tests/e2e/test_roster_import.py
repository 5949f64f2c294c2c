"""The director's roster import page: a dry run of a file with a good and a bad row."""
from __future__ import annotations

import re

import openpyxl
import pytest

from tests.e2e.conftest import lecturer_count, login, page_scrolls_sideways, path_of, screenshot

pytestmark = pytest.mark.e2e

# The sheet's headings are data (the roster template's Vietnamese headings), not UI text.
HEADINGS = ["Họ và tên", "Năm sinh", "Giới tính", "Loại giảng viên", "Cơ quan công tác", "Chức vụ"]
GOOD = ["Phan Thị Thanh Tâm", 1982, "Nữ", "Kiêm chức", "Ủy ban MTTQ Việt Nam huyện", "Phó Chủ tịch"]
BAD = ["Võ Văn Bình", "abc", "Nam", "Kiêm chức", "Ban Tổ chức Huyện ủy", "Chuyên viên"]
BAD_ROW = 3  # heading in row 1, the good row in row 2


@pytest.fixture
def roster_file(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Giảng viên"
    for row in (HEADINGS, GOOD, BAD):
        sheet.append(row)
    path = tmp_path / "danh sách giảng viên.xlsx"
    workbook.save(path)
    workbook.close()
    return path


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_dry_run_reports_the_bad_row_and_writes_nothing(new_page, viewport, roster_file):
    page = new_page(viewport)
    login(page, "director")
    page.goto("/lecturers")
    before = lecturer_count(page)

    page.goto("/lecturers/import")
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("input[type=file]").set_input_files(str(roster_file))
    dry_run = form.locator("input[type=checkbox][name=dry_run]")
    if dry_run.count():
        dry_run.check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    assert path_of(page.url) == "/lecturers/import"
    assert page.locator("main [role=alert]").first.is_visible()
    # A problem names the bad row's number next to the column it is about.
    reported = [text for text in page.locator("main tr, main li").all_inner_texts() if HEADINGS[1] in text]
    assert any(re.search(rf"\b{BAD_ROW}\b", text) for text in reported), reported
    assert not page_scrolls_sideways(page)
    screenshot(page, "roster-import-dry-run")

    page.goto("/lecturers")
    assert lecturer_count(page) == before
    page.goto("/lecturers?q=thanh+tam")
    assert GOOD[0] not in page.locator("main table").inner_text()
