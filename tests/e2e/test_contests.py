"""A unit contest in a real browser: the director creates it and adds components, judges and
entries; two judges mark; the director closes and publishes; the ranking shows the prizes.
Screenshots at desktop and phone width."""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import login, logout, page_scrolls_sideways, path_of, screenshot

pytestmark = pytest.mark.e2e

CONTEST_PATH = re.compile(r"^/contests/(\d+)$")
NAME = "Hội thi giảng viên giỏi cấp cơ sở (kiểm thử e2e)"
JUDGES = ["Trần Văn Đức", "Phạm Quang Vinh"]  # the demo's director and provincial overseer
TOPICS = ["Nhiệm vụ của đảng viên ở chi bộ", "Xây dựng nông thôn mới ở huyện Nam Đàn"]


def _submit(page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def _create(page) -> str:
    page.goto("/contests")
    with page.expect_navigation():
        page.click("main a[href='/contests/new']")
    page.fill("#name", NAME)
    page.fill("#quota_first", "1")
    page.fill("#quota_second", "1")
    page.fill("#quota_third", "0")
    _submit(page, "main form")
    assert CONTEST_PATH.match(path_of(page.url)), page.url
    return path_of(page.url)


def _set_up(page) -> None:
    for code, name, weight in (("plan", "Soạn giáo án", "1"), ("lecture", "Giảng trực tiếp", "3")):
        page.fill("#component-code", code)
        page.fill("#component-name", name)
        page.fill("#component-weight", weight)
        _submit(page, "#components form")
    for judge in JUDGES:
        page.select_option("#judge-user_id", label=judge)
        _submit(page, "#judges form")
    for topic in TOPICS:
        page.select_option("#entry-lecturer_id", index=0)
        page.fill("#entry-topic", topic)
        _submit(page, "#entries form.form-row")
    assert page.locator("#entries tbody tr").count() == 2


def _mark(page, contest: str, marks: list[tuple[str, str]]) -> None:
    page.goto(contest)
    for index, (plan, lecture) in enumerate(marks):
        with page.expect_navigation():
            page.locator("#entries a[href$='/marks']").nth(index).click()
        page.fill("#mark_plan", plan)
        page.fill("#mark_lecture", lecture)
        _submit(page, "main form")


def _phase(page) -> None:
    _submit(page, "main .page-head form")


def test_a_contest_from_setup_to_published_prizes(page, new_page):
    login(page, "director")
    contest = _create(page)
    _set_up(page)
    screenshot(page, "contest-setup")
    _phase(page)  # judging
    _mark(page, contest, [("17.5", "18"), ("16", "15.25")])
    # A mark off the 0.25 step is refused with the input kept.
    with page.expect_navigation():
        page.locator("#entries a[href$='/marks']").first.click()
    page.fill("#mark_plan", "17.3")
    _submit(page, "main form")
    assert page.locator("#mark_plan").input_value() == "17.3"
    assert page.locator(".field-errors").count() == 1
    logout(page)

    login(page, "overseer")
    with page.expect_navigation():
        page.click(f"#my-judging a:has-text('{NAME}')")
    assert "19" not in page.locator("#entries").inner_text()  # the director's marks stay hidden
    _mark(page, contest, [("18.5", "18.75"), ("15", "16")])
    assert page.goto(contest + "/ranking").status == 403  # not before judging closes
    logout(page)

    login(page, "director")
    page.goto(contest)
    _phase(page)  # closed
    _phase(page)  # published
    page.goto(contest + "/ranking")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(2)] == ["1", "2"]
    assert rows.nth(0).locator(".prize-first").count() == 1
    assert rows.nth(1).locator(".prize-second").count() == 1
    screenshot(page, "contest-ranking")
    assert page.locator("main a[href$='ranking.xlsx']").count() == 1

    phone = new_page("phone")
    login(phone, "director")
    phone.goto(contest + "/ranking")
    screenshot(phone, "contest-ranking")
    assert not page_scrolls_sideways(phone)
    phone.goto(contest)
    screenshot(phone, "contest-detail")
    assert not page_scrolls_sideways(phone)
