"""A month's professional meeting in a real browser: the secretary records it, the chair
approves it, the minutes download as .docx, and the next month's minutes carry the open
action items. Screenshots at desktop and phone width."""
from __future__ import annotations

import io
import re

import pytest
from docx import Document

from tests.e2e.conftest import login, logout, page_scrolls_sideways, path_of, screenshot, ui

pytestmark = pytest.mark.e2e

MEETING_PATH = re.compile(r"^/meetings/(\d+)$")
TASKS = ["Cập nhật Nghị quyết Đại hội XIV vào bài B1 (kiểm thử e2e)",
         "Chuẩn bị bài luyện giảng trước tổ chuyên môn (kiểm thử e2e)"]
UPDATE = "Nghị quyết Đại hội Đảng bộ tỉnh nhiệm kỳ 2025 - 2030 (kiểm thử e2e)"


def _submit(page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def _open_minutes(page) -> str:
    """Open the minutes of the first month without any (the form's default); return its path."""
    page.goto("/meetings")
    with page.expect_navigation():
        page.click("main a[href='/meetings/new']")
    page.select_option("#chair_id", label="Trần Văn Đức")
    page.fill("#end_time", "10:30")
    page.fill("#place", "Hội trường Trung tâm Chính trị")
    _submit(page, "main form")
    assert MEETING_PATH.match(path_of(page.url)), page.url
    return path_of(page.url)


def _record_attendance(page) -> None:
    with page.expect_navigation():
        page.click("#attendance a[href$='/attendance']")
    attendees = page.locator("fieldset.attendee")
    assert attendees.count() > 1
    for index in range(attendees.count()):
        attendees.nth(index).locator("input[value=present]").check()
    last = attendees.nth(attendees.count() - 1)
    last.locator("input[value=excused]").check()
    last.locator("input[type=text]").fill("Đi công tác theo phân công của Huyện ủy")
    _submit(page, "main form.attendance")


def _add(page, summary: str, fields: dict[str, str], selects: dict[str, str] | None = None) -> None:
    """Open the "add …" section whose form has ``summary``'s fields, fill it and send it."""
    details = page.locator(f"details.add-form:has(#{next(iter(fields))})")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    for field, value in fields.items():
        page.fill(f"#{field}", value)
    for field, option in (selects or {}).items():
        page.select_option(f"#{field}", index=int(option))
    _submit(page, f"details.add-form:has(#{next(iter(fields))}) form")
    assert page.locator(".alert-error").count() == 0, summary


def test_secretary_records_the_chair_approves_and_the_next_month_carries_the_items(new_page, tmp_path):
    page = new_page("desktop")
    login(page, "secretary")
    minutes = _open_minutes(page)
    _record_attendance(page)
    _add(page, "guest", {"guest-full_name": "Nguyễn Thị Lan",
                         "guest-position": "Phó Trưởng Ban Tuyên giáo và Dân vận Huyện ủy"})
    _add(page, "agenda", {"agenda-title": "Đánh giá công tác giảng dạy tháng",
                          "agenda-summary": "Trung tâm mở 3 lớp, 180 học viên.",
                          "agenda-conclusion": "Hoàn thành kế hoạch giảng dạy."})
    _add(page, "contribution", {"contribution-speaker": "Trần Văn Đức",
                                "contribution-content": "Cần liên hệ thực tiễn địa phương nhiều hơn."},
         {"contribution-agenda_id": "0"})
    _add(page, "update", {"update-title": UPDATE, "update-body": "Đưa ba khâu đột phá vào phần liên hệ."},
         {"update-topic_ids": "0"})
    for number, task in enumerate(TASKS):
        _add(page, "action", {"action-description": task, "action-due_on": "2020-01-31" if number else "2099-12-31"},
             {"action-owner_id": str(number)})
    body = page.locator("main").inner_text()
    for text in ("Nguyễn Thị Lan", "Cần liên hệ thực tiễn địa phương nhiều hơn.", UPDATE, *TASKS):
        assert text in body, text
    assert page.locator(f"form[action='{minutes}/approve']").count() == 0  # only the chair approves
    screenshot(page, "meeting-draft")
    logout(page)

    login(page, "director")
    page.goto(minutes)
    with page.expect_navigation():
        page.click(f"form[action='{minutes}/approve'] button[type=submit]")
    assert page.locator(".alert-success").count() == 1
    assert page.locator(f"a[href='{minutes}/edit']").count() == 0  # locked
    assert page.locator("#actions tr.overdue").count() == 1  # the item due in 2020
    screenshot(page, "meeting-approved")

    with page.expect_download() as download:
        page.click(f"a[href='{minutes}/minutes.docx']")
    saved = tmp_path / "minutes.docx"
    download.value.save_as(saved)
    document = Document(io.BytesIO(saved.read_bytes()))
    header = document.tables[0].rows[0].cells
    assert header[0].paragraphs[0].text == "TRUNG TÂM CHÍNH TRỊ HUYỆN NAM ĐÀN"
    assert header[1].paragraphs[0].text == ui("COMMUNIST PARTY OF VIETNAM")
    assert [cell.paragraphs[-1].text for cell in document.tables[-1].rows[0].cells] == [
        "Lê Thị Thu Hằng", "Trần Văn Đức"]

    following = _open_minutes(page)
    assert following != minutes
    carried = page.locator("#carried").inner_text()
    for task in TASKS:
        assert task in carried, task
    assert page.locator("#carried tr.overdue").count() >= 1

    phone = new_page("phone")
    login(phone, "secretary")
    phone.goto(minutes)
    screenshot(phone, "meeting-approved")
    assert not page_scrolls_sideways(phone)
    phone.goto(following)
    screenshot(phone, "meeting-next-month")
    assert not page_scrolls_sideways(phone)
    phone.goto(f"{following}/attendance")
    screenshot(phone, "meeting-attendance")
    assert not page_scrolls_sideways(phone)
    page.goto("/meetings")
    screenshot(page, "meeting-list")
