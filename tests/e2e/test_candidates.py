"""Choosing contest candidates in a real browser: the director reads the evidence, shortlists
two lecturers with a rationale each and records the decision for the planned contest; the
decision and its entries appear. The reviewers' severity page is read too. Screenshots at
desktop and phone width."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import login, page_scrolls_sideways, screenshot

pytestmark = pytest.mark.e2e


def test_director_shortlists_two_candidates_with_a_rationale_each(page):
    login(page, "director")
    page.goto("/candidates")
    rows = page.locator("table.candidates tbody tr.candidate")
    assert rows.count() >= 2
    assert page.locator("section.method").is_visible()  # the method is explained on the page
    screenshot(page, "candidates")

    # Leaving out the overall rationale is refused, and the ticks and reasons stay.
    chosen = [rows.nth(i).get_attribute("data-lecturer") for i in range(2)]
    names = [rows.nth(i).locator("td a").first.inner_text() for i in range(2)]
    for lecturer_id in chosen:
        page.check(f"#nominee-{lecturer_id}")
        page.fill(f"#rationale-{lecturer_id}", f"Kết quả dự giờ ổn định, tiến bộ rõ ({lecturer_id})")
    page.select_option("#contest_id", index=1)
    page.eval_on_selector("#rationale", "element => element.removeAttribute('required')")
    with page.expect_navigation():
        page.click("form.nominate button[type=submit]")
    assert page.locator(".alert-error").count() == 1
    for lecturer_id in chosen:
        assert page.is_checked(f"#nominee-{lecturer_id}")
        assert page.input_value(f"#rationale-{lecturer_id}").endswith(f"({lecturer_id})")

    page.fill("#rationale", "Hai giảng viên có kết quả đã hiệu chỉnh cao nhất và xu hướng đi lên.")
    with page.expect_navigation():
        page.click("form.nominate button[type=submit]")
    assert page.url.endswith("/candidates/decisions")
    decision = page.locator("main").inner_text()
    for name in names:
        assert name in decision
    assert "Hai giảng viên có kết quả đã hiệu chỉnh cao nhất" in decision
    screenshot(page, "candidate-decisions")


def test_director_reads_the_reviewers_severity(page):
    login(page, "director")
    response = page.goto("/candidates/severity")
    assert response.status == 200
    assert page.locator("main table tbody tr").count() >= 2
    screenshot(page, "severity")


def test_candidates_and_severity_fit_a_phone(phone):
    login(phone, "director")
    for path, name in (("/candidates", "candidates"), ("/candidates/severity", "severity")):
        phone.goto(path)
        screenshot(phone, name)
        assert not page_scrolls_sideways(phone)
