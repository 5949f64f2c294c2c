"""The director's lecturer pages in a real browser: add, search, form errors, phone width."""
from __future__ import annotations

import unicodedata

import pytest

from tests.e2e.conftest import LECTURER_PATH, lecturer_count, login, page_scrolls_sideways, path_of, ui

pytestmark = pytest.mark.e2e

NEW_NAME = "Nguyễn Thị Hương Giang"
HOME_BODY = "Ban Tổ chức Huyện ủy"


def test_director_adds_an_adjunct_and_finds_them_without_diacritics(page):
    login(page, "director")
    page.goto("/lecturers")
    with page.expect_navigation():
        page.click("main a[href='/lecturers/new']")
    page.fill("#full_name", NEW_NAME)
    page.fill("#birth_year", "1979")
    page.select_option("#gender", "female")
    page.select_option("#kind", "adjunct")
    page.select_option("#workload_role", "adjunct")
    page.fill("#home_body", HOME_BODY)
    page.fill("#position", "Phó Trưởng ban")
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    assert LECTURER_PATH.match(path_of(page.url)), page.url
    profile = path_of(page.url)
    assert page.locator("main h1").inner_text().strip() == NEW_NAME
    assert page.locator(".alert-success").count() == 1
    assert HOME_BODY in page.locator("main dl.facts").first.inner_text()

    page.goto("/lecturers")
    page.fill("#q", "huong giang")
    with page.expect_navigation():
        page.click("form.search-bar button[type=submit]")
    assert "q=huong+giang" in page.url
    found = page.locator("main table tbody a[href^='/lecturers/']")
    assert NEW_NAME in found.all_inner_texts()
    assert all("huong giang" in _fold(name) for name in found.all_inner_texts())
    assert page.locator(f"main table tbody a[href='{profile}']").count() == 1
    assert HOME_BODY in page.locator("main table tbody").inner_text()


def _fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def test_form_with_an_empty_name_shows_the_error_and_keeps_what_was_typed(page):
    login(page, "director")
    page.goto("/lecturers")
    before = lecturer_count(page)
    page.goto("/lecturers/new")
    page.fill("#birth_year", "1985")
    page.select_option("#kind", "adjunct")
    page.select_option("#workload_role", "adjunct")
    page.fill("#home_body", HOME_BODY)
    page.fill("#position", "Chánh Văn phòng")
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    assert path_of(page.url) == "/lecturers/new"
    alert = page.locator("main .alert-error[role=alert]")
    assert alert.is_visible()
    assert alert.inner_text().strip() == ui("Please correct the highlighted fields.")
    name = page.locator("#full_name")
    assert name.get_attribute("aria-invalid") == "true"
    errors = page.locator("#full_name-errors")
    assert errors.is_visible() and errors.inner_text().strip()
    assert name.get_attribute("aria-describedby") == "full_name-errors"
    # Everything else the director typed is still there.
    assert page.input_value("#birth_year") == "1985"
    assert page.input_value("#kind") == "adjunct"
    assert page.input_value("#workload_role") == "adjunct"
    assert page.input_value("#home_body") == HOME_BODY
    assert page.input_value("#position") == "Chánh Văn phòng"
    # Only the name is marked wrong.
    assert page.locator(".has-error").count() == 1

    page.goto("/lecturers")
    assert lecturer_count(page) == before


def test_phone_lecturer_list_and_form_fit_the_screen(phone):
    login(phone, "director")
    phone.goto("/lecturers")
    assert not page_scrolls_sideways(phone)
    assert phone.locator("main .table-wrap table").is_visible()
    search = phone.locator("#q").bounding_box()
    assert search["x"] >= 0 and search["x"] + search["width"] <= 390

    phone.goto("/lecturers/new")
    assert not page_scrolls_sideways(phone)
    for field in ("#full_name", "#kind", "#home_body", "#topic_ids", "main form button[type=submit]"):
        box = phone.locator(field).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, field
        assert box["height"] >= 40, f"{field} is too small to tap ({box['height']} px)"
    phone.fill("#full_name", "Lê Văn Thử")
    phone.fill("#full_name", "")
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    assert phone.locator("#full_name").get_attribute("aria-invalid") == "true"
    assert not page_scrolls_sideways(phone)
