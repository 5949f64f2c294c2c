"""Screenshots of the main pages at desktop and phone width, for people to look at
(tests/e2e/screenshots/, git-ignored). Each page must also fit the screen's width."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import login, logout, page_scrolls_sideways, screenshot

pytestmark = pytest.mark.e2e


def _shoot(page, name: str) -> None:
    screenshot(page, name)
    assert not page_scrolls_sideways(page), f"{name}: the whole page scrolls sideways"
    assert page.locator("header .brand").is_visible(), name


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_main_pages(new_page, viewport):
    page = new_page(viewport)
    page.goto("/login")
    _shoot(page, "login")

    login(page, "director")
    _shoot(page, "home-director")

    page.goto("/lecturers")
    _shoot(page, "lecturer-list")

    page.locator("main table tbody a[href^='/lecturers/']").first.click()
    page.wait_for_load_state()
    _shoot(page, "lecturer-page")

    page.goto("/lecturers/new")
    page.fill("#home_body", "Ban Tổ chức Huyện ủy")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator(".has-error").count() >= 1
    _shoot(page, "lecturer-form-error")

    page.goto("/classes")  # the demo's classes run up to today
    page.locator("main table tbody a[href^='/classes/']").first.click()
    page.wait_for_load_state()
    _shoot(page, "class-detail")

    page.goto("/workload")
    _shoot(page, "workload")

    page.goto("/lecturers/import")
    _shoot(page, "roster-import")

    logout(page)
    login(page, "admin")
    page.goto("/admin/users")
    _shoot(page, "admin-users")
