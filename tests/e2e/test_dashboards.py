"""Progress chart on the lecturer page, the unit dashboard and the province dashboard in a real
browser, for the roles that may see them and one that may not; screenshots at both widths."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import LECTURER_PATH, login, page_scrolls_sideways, path_of, screenshot

pytestmark = pytest.mark.e2e


def _chart_loaded(page, selector: str) -> dict:
    """The image's natural size once loaded (0 × 0 when it failed)."""
    page.wait_for_function(f"document.querySelector({selector!r}).complete")
    return page.eval_on_selector(selector, "img => ({w: img.naturalWidth, h: img.naturalHeight, alt: img.alt})")


def _own_profile(page) -> str:
    link = page.locator("header .menu nav a").nth(1).get_attribute("href")
    assert LECTURER_PATH.match(path_of(link)), link
    return link


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_lecturer_sees_their_progress_chart(new_page, viewport):
    page = new_page(viewport)
    login(page, "director")  # also a lecturer of the centre, with observed lessons in the demo year
    page.goto(_own_profile(page))

    image = _chart_loaded(page, "#progress figure img")
    assert (image["w"], image["h"]) == (800, 420)
    assert image["alt"].strip()
    assert page.locator("#progress a[href*='progress.csv']").count() == 1
    response = page.request.get(page.locator("#progress figure img").first.get_attribute("src"))
    assert response.headers["content-type"] == "image/png"
    screenshot(page, "lecturer-progress")
    assert not page_scrolls_sideways(page)


def test_chart_filters_are_in_the_url(page):
    login(page, "director")
    page.goto(_own_profile(page))
    page.select_option("#progress-months", "12")
    page.uncheck("#progress input[value=practice_lecture]")
    with page.expect_navigation():
        page.click("#progress form button[type=submit]")

    assert "months=12" in page.url and "kind=observed_lesson" in page.url
    src = page.locator("#progress figure img").first.get_attribute("src")
    assert "months=12" in src and "kind=observed_lesson" in src
    _chart_loaded(page, "#progress figure img")


def test_overseer_reads_a_lecturers_chart_in_a_unit_of_the_province(page):
    login(page, "overseer")
    options = page.eval_on_selector_all("#unit-switch option", "os => os.map(o => [o.value, o.textContent])")
    centre = next(value for value, name in options if "Nam Đàn" in name)
    with page.expect_navigation():
        page.select_option("#unit-switch", centre)
    page.goto("/lecturers")
    page.locator("main table tbody a[href^='/lecturers/']").first.click()
    page.wait_for_url(lambda url: LECTURER_PATH.match(path_of(url)) is not None)

    assert _chart_loaded(page, "#progress figure img")["w"] == 800


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_director_opens_the_unit_dashboard_and_follows_a_figure(new_page, viewport):
    page = new_page(viewport)
    login(page, "director")
    response = page.goto("/dashboard")

    assert response.status == 200
    assert page.locator("main .figure").count() == 9
    screenshot(page, "unit-dashboard")
    assert not page_scrolls_sideways(page)
    with page.expect_navigation():
        page.locator("main .figure a[href*='/observations/coverage']").click()
    assert path_of(page.url) == "/observations/coverage"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_overseer_opens_the_province_dashboard(new_page, viewport):
    page = new_page(viewport)
    login(page, "overseer")
    response = page.goto("/province")

    assert response.status == 200
    assert page.locator("main table.province-table thead th").count() >= 3  # the label column and two units
    chart = _chart_loaded(page, "main figure.chart img")
    assert chart["w"] > 0 and chart["alt"].strip()
    screenshot(page, "province-dashboard")
    assert not page_scrolls_sideways(page)


@pytest.mark.parametrize("username", ["reviewer", "lecturer"])
def test_roles_without_a_dashboard_are_refused(page, username):
    login(page, username)
    assert page.goto("/dashboard").status == 403
    assert page.goto("/province").status == 403
    assert page.goto("/province/ratings.png").status == 403


def test_director_downloads_the_observation_export(page):
    login(page, "director")
    page.goto("/dashboard")
    with page.expect_download() as info:
        page.click("main a[href='/exports/observations.xlsx']")
    assert info.value.suggested_filename.endswith(".xlsx")
