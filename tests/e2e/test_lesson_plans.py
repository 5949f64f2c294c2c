"""A lesson plan from upload to approval, in a real browser (SPEC §3.2): the demo lecturer
uploads a .docx with the structured fields and submits; a reviewer requests changes with a
comment on a section; the lecturer reads it, starts a new version, changes a field and
resubmits; the reviewer approves; the versions compare; the file downloads under its
Vietnamese name.

The tests run in file order and share the plan the first one creates (the demo has other
plans: everything here works on that plan's id, taken from the URL)."""
from __future__ import annotations

import re
import unicodedata
import uuid

import docx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, page_scrolls_sideways, path_of, screenshot, ui

pytestmark = pytest.mark.e2e

TITLE = f"Giáo án B2: Nhiệm vụ của đảng viên (thử {uuid.uuid4().hex[:6]})"
FILE_NAME = "Giáo án B2 - Nhiệm vụ, quyền hạn của đảng viên.docx"
FIELDS = {
    "#audience": "Đảng viên mới kết nạp trong năm",
    "#duration_periods": "4",
    "#aims_knowledge": "Nắm được nhiệm vụ, quyền hạn của đảng viên theo Điều lệ Đảng.",
    "#aims_skills": "Vận dụng để tự kiểm điểm, rèn luyện ở chi bộ.",
    "#aims_attitude": "Có ý thức nêu gương, giữ gìn tư cách đảng viên.",
    "#outline": "Ổn định lớp, giới thiệu bài — 10 phút\nI. Nhiệm vụ của đảng viên — 70 phút\n"
                "II. Quyền của đảng viên — 60 phút\nIII. Liên hệ thực tiễn huyện Nam Đàn — 30 phút\n"
                "Kết luận — 10 phút",
    "#methods": "Thuyết trình, hỏi - đáp.",
    "#aids": "Máy chiếu, bài trình chiếu.",
    "#readings": "Điều lệ Đảng Cộng sản Việt Nam.\nVăn kiện Đại hội XIV của Đảng.",
}
NEW_METHODS = "Thuyết trình kết hợp nêu vấn đề; thảo luận nhóm 15 phút về một tình huống ở chi bộ."
COMMENT = "Phương pháp còn đơn điệu: đề nghị bổ sung thảo luận nhóm và một tình huống ở chi bộ."
PLAN_PATH = re.compile(r"^/lesson-plans/(\d+)$")


@pytest.fixture(scope="module")
def story() -> dict:
    return {}


def _needs(story: dict, *keys: str) -> None:
    missing = [key for key in keys if key not in story]
    if missing:
        pytest.skip(f"an earlier step did not finish ({', '.join(missing)})")


def _flash(page) -> str:
    return page.locator(".alert-success").inner_text().strip()


def _state(page) -> str:
    """The plan's state badge in the page head."""
    return page.locator(".page-head .actions .badge").first.inner_text().strip()


def _shoot(page, name: str) -> None:
    screenshot(page, name)
    assert not page_scrolls_sideways(page), f"{name}: the whole page scrolls sideways"


def _docx(path) -> None:
    document = docx.Document()
    document.add_heading("GIÁO ÁN", level=0)
    document.add_paragraph("Tên bài: Nhiệm vụ, quyền hạn của đảng viên")
    document.add_heading("II. KẾT CẤU NỘI DUNG VÀ PHÂN BỔ THỜI GIAN", level=1)
    for line in FIELDS["#outline"].splitlines():
        document.add_paragraph(line)
    document.save(path)


def test_lecturer_uploads_a_plan_and_submits_it(page, story, tmp_path):
    upload = tmp_path / FILE_NAME
    _docx(upload)
    login(page, "lecturer")
    page.goto("/lesson-plans")
    with page.expect_navigation():
        page.click("main a[href='/lesson-plans/new']")
    page.fill("#title", TITLE)
    page.select_option("#topic_id", index=1)
    for selector, value in FIELDS.items():
        page.fill(selector, value)
    page.set_input_files("#file", str(upload))
    with page.expect_navigation():
        page.click("main form button[type=submit].primary")

    match = PLAN_PATH.match(path_of(page.url))
    assert match, f"saving failed: {page.url}\n{page.locator('main').inner_text()}"
    story["id"] = plan_id = int(match.group(1))
    assert _flash(page) == ui("Lesson plan saved as a draft. Submit it when it is ready for review.")
    assert _state(page) == ui("Draft")
    expect(page.locator("main h1")).to_contain_text(TITLE)
    # The outline's time split adds up to the duration (4 periods = 180 minutes).
    expect(page.locator("table.outline tfoot")).to_contain_text("180")
    expect(page.locator("main section.plan-version")).to_contain_text(FIELDS["#aims_skills"])

    with page.expect_navigation():
        page.click(f"form[action='/lesson-plans/{plan_id}/submit'] button")
    assert _flash(page) == ui("Lesson plan submitted for review.")
    assert _state(page) == ui("Submitted for review")
    assert page.locator(f"form[action='/lesson-plans/{plan_id}/submit']").count() == 0  # nothing to edit now


def test_reviewer_requests_changes_with_a_comment_on_a_section(new_page, story):
    _needs(story, "id")
    plan_id = story["id"]
    page = new_page("desktop")
    login(page, "reviewer")
    page.goto("/lesson-plans/review")
    link = page.locator(f"main table a[href='/lesson-plans/{plan_id}']")
    expect(link).to_have_text(TITLE)
    with page.expect_navigation():
        link.click()
    expect(page.locator("form.plan-review")).to_be_visible()
    page.fill("form.plan-review #methods", COMMENT)
    _shoot(page, "plan-review")
    phone = new_page("phone")
    login(phone, "reviewer")
    phone.goto(f"/lesson-plans/{plan_id}")
    _shoot(phone, "plan-review")

    with page.expect_navigation():
        page.click("form.plan-review input[name=request_changes]")
    assert _flash(page) == ui("Changes requested. The lecturer sees your comments.")
    assert _state(page) == ui("Changes requested")
    assert page.locator("form.plan-review").count() == 0


def test_lecturer_reads_the_comment_revises_and_resubmits(page, story):
    _needs(story, "id")
    plan_id = story["id"]
    login(page, "lecturer")
    page.goto("/lesson-plans")
    row = page.locator("main table tbody tr").filter(has=page.locator(f"a[href='/lesson-plans/{plan_id}']"))
    expect(row).to_contain_text(ui("Changes requested"))
    with page.expect_navigation():
        row.locator("a").first.click()
    # The comment sits under the section it is about, with its author.
    methods = page.locator("section.plan-version h3").filter(has_text=ui("Teaching methods"))
    comment = methods.locator("xpath=following-sibling::ul[contains(@class, 'plan-comments')][1]")
    expect(comment).to_contain_text(COMMENT)

    with page.expect_navigation():
        page.click(f"form[action='/lesson-plans/{plan_id}/revise'] button")
    assert path_of(page.url) == f"/lesson-plans/{plan_id}/edit"
    assert page.input_value("#methods") == FIELDS["#methods"]  # copied from version 1
    page.fill("#methods", NEW_METHODS)
    with page.expect_navigation():
        page.click("main form button[type=submit].primary")
    assert _flash(page) == ui("Draft saved.")
    assert _state(page) == ui("Draft")
    expect(page.locator("section.plan-version")).to_contain_text(NEW_METHODS)
    with page.expect_navigation():
        page.click(f"form[action='/lesson-plans/{plan_id}/submit'] button")
    assert _state(page) == ui("Submitted for review")
    expect(page.locator("#shown-version")).to_contain_text(ui("Version %(n)s").replace("%(n)s", "2"))


def test_reviewer_approves_and_the_plan_shows_approved(new_page, story):
    _needs(story, "id")
    plan_id = story["id"]
    page = new_page("desktop")
    login(page, "reviewer")
    page.goto(f"/lesson-plans/{plan_id}")
    with page.expect_navigation():
        page.click("form.plan-review input[name=approve]")
    assert _flash(page) == ui("Lesson plan approved.")

    lecturer = new_page("desktop")
    login(lecturer, "lecturer")
    lecturer.goto(f"/lesson-plans/{plan_id}")
    assert _state(lecturer) == ui("Approved")
    facts = dict(lecturer.eval_on_selector_all(
        "main > dl.facts > dt", "dts => dts.map(dt => [dt.textContent.trim(), dt.nextElementSibling.innerText.trim()])"))
    assert facts[ui("Approved version")].startswith(ui("version %(n)s, approved on %(date)s by %(name)s")
                                                   .split("%(n)s")[0] + "2")
    # Version 1 stays as it was, with its decision.
    versions = lecturer.locator("section[aria-labelledby=versions-title] tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.nth(1)).to_contain_text(ui("Changes requested"))
    story["approved"] = True
    _shoot(lecturer, "plan")
    phone = new_page("phone")
    login(phone, "lecturer")
    phone.goto(f"/lesson-plans/{plan_id}")
    _shoot(phone, "plan")


def test_comparing_the_versions_shows_the_changed_field(page, story):
    _needs(story, "approved")
    plan_id = story["id"]
    login(page, "lecturer")
    page.goto(f"/lesson-plans/{plan_id}")
    page.select_option("form[action$='/compare'] #compare-a", "1")
    page.select_option("form[action$='/compare'] #compare-b", "2")
    with page.expect_navigation():
        page.click("form[action$='/compare'] button[type=submit]")
    assert path_of(page.url) == f"/lesson-plans/{plan_id}/compare"

    changed = page.locator("table.compare tbody tr.changed")
    expect(changed).to_have_count(1)
    expect(changed.locator("th")).to_contain_text(ui("Teaching methods"))
    cells = changed.locator("td")
    expect(cells.nth(0)).to_contain_text(FIELDS["#methods"])
    expect(cells.nth(1)).to_contain_text(NEW_METHODS)
    unchanged = page.locator("table.compare tbody tr").filter(has_text=ui("Readings"))
    expect(unchanged).not_to_have_class(re.compile("changed"))


def test_the_file_downloads_under_its_vietnamese_name(page, story):
    _needs(story, "approved")
    plan_id = story["id"]
    login(page, "lecturer")
    page.goto(f"/lesson-plans/{plan_id}")
    link = page.locator(f"main a[href='/lesson-plans/{plan_id}/versions/2/file']").first
    expect(link).to_have_text(FILE_NAME)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert unicodedata.normalize("NFC", download.suggested_filename) == unicodedata.normalize("NFC", FILE_NAME)
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"PK\x03\x04"  # the .docx itself
