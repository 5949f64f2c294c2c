"""What each demo role sees in the navigation, the language switch, and the phone menu."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import (LECTURER_PATH, login, logout, nav_paths, page_scrolls_sideways, path_of, screenshot,
                                set_language, ui)

pytestmark = pytest.mark.e2e

HOME = "/home"
PROFILE = "<my profile>"  # /lecturers/<id of the user's own lecturer record>
UNIT_RECORDS = ["/lecturers", "/programmes", "/classes"]
WORKLOAD = "/workload"
CANDIDATES = "/candidates"
CONTESTS = "/contests"
IMPORT = "/lecturers/import"
ADMIN = ["/admin/units", "/admin/users"]
AUDIT = "/audit"

MINE, OBSERVATIONS, RUBRICS = "/observations/mine", "/observations", "/rubrics"
MEETINGS = "/meetings"
PLANS, PLANS_TO_REVIEW = "/lesson-plans", "/lesson-plans/review"
DASHBOARD, PROVINCE = "/dashboard", "/province"
EXPECTED_NAV = {
    "admin": [HOME, AUDIT, *ADMIN],
    "director": [HOME, PROFILE, PLANS, MINE, PLANS_TO_REVIEW, *UNIT_RECORDS, OBSERVATIONS, MEETINGS, RUBRICS,
                 WORKLOAD, CANDIDATES, CONTESTS, DASHBOARD, IMPORT, AUDIT],
    "director2": [HOME, PROFILE, PLANS, MINE, PLANS_TO_REVIEW, *UNIT_RECORDS, OBSERVATIONS, MEETINGS, RUBRICS,
                  WORKLOAD, CANDIDATES, CONTESTS, DASHBOARD, IMPORT, AUDIT],
    "reviewer": [HOME, PROFILE, PLANS, MINE, PLANS_TO_REVIEW, *UNIT_RECORDS, OBSERVATIONS, MEETINGS],
    "reviewer2": [HOME, PROFILE, PLANS, MINE, PLANS_TO_REVIEW, *UNIT_RECORDS, OBSERVATIONS, MEETINGS],
    "lecturer": [HOME, PROFILE, PLANS],
    "secretary": [HOME, *UNIT_RECORDS, OBSERVATIONS, MEETINGS],
    "overseer": [HOME, *UNIT_RECORDS, OBSERVATIONS, MEETINGS, WORKLOAD, CANDIDATES, CONTESTS, PROVINCE],
}


def _normalised(paths: list[str]) -> list[str]:
    return [PROFILE if LECTURER_PATH.match(path) else path for path in paths]


# Places a role may or may not use; those outside its navigation must be refused.
PLACES = [*UNIT_RECORDS, MINE, OBSERVATIONS, MEETINGS, RUBRICS, WORKLOAD, IMPORT, *ADMIN, "/lecturers/new",
          "/classes/new", PLANS, PLANS_TO_REVIEW, CANDIDATES, "/candidates/severity", CONTESTS, "/contests/new",
          DASHBOARD, PROVINCE, AUDIT]


@pytest.mark.parametrize("username", sorted(EXPECTED_NAV))
def test_navigation_shows_exactly_what_the_role_may_use(page, username):
    login(page, username)
    assert page.get_attribute("html", "lang") == "vi"  # Vietnamese is the default
    paths = nav_paths(page)
    assert _normalised(paths) == EXPECTED_NAV[username]
    # The home page's cards offer the same places (less Home itself).
    cards = page.eval_on_selector_all("main .cards a.card", "cards => cards.map(a => a.getAttribute('href'))")
    assert set(_normalised([path_of(href) for href in cards])) == set(EXPECTED_NAV[username]) - {HOME}

    for path in paths:  # every link works...
        response = page.goto(path)
        assert response.status == 200, path
        assert page.locator("main h1").inner_text().strip(), path
    managing = {"/lecturers/new", "/classes/new", "/candidates/severity"} if IMPORT in paths else set()  # director
    if CONTESTS in paths:  # directors and overseers organise contests
        managing.add("/contests/new")
    for path in PLACES:  # ...and what is not offered is refused
        if path not in paths and path not in managing:
            assert page.goto(path).status in (403, 404), path


def test_overseer_reads_lecturers_and_workload_without_changing_them(page):
    login(page, "overseer")
    # The overseer starts in the provincial board; the unit switcher offers the province's units.
    options = page.eval_on_selector_all("#unit-switch option", "os => os.map(o => [o.value, o.textContent])")
    centre = next(value for value, name in options if "Nam Đàn" in name)
    with page.expect_navigation():
        page.select_option("#unit-switch", centre)  # app.js submits the form on change
    assert page.locator("#unit-switch").input_value() == centre

    page.goto("/lecturers")
    assert page.locator("main table tbody a[href^='/lecturers/']").count() > 0
    assert page.locator("main a[href='/lecturers/new']").count() == 0
    assert page.locator("main a[href='/lecturers/import']").count() == 0

    page.locator("main table tbody a[href^='/lecturers/']").first.click()
    page.wait_for_url(lambda url: LECTURER_PATH.match(path_of(url)) is not None)
    assert page.locator("main a[href$='/edit']").count() == 0
    assert page.locator("main form[action$='/active']").count() == 0

    page.goto("/workload")
    assert page.locator("main table tbody tr").count() > 0
    assert page.locator("main form[method=post]").count() == 0

    page.goto("/classes")
    assert page.locator("main a[href='/classes/new']").count() == 0


def test_language_switch_is_remembered_across_sign_in(page):
    login(page, "reviewer2")
    assert page.get_attribute("html", "lang") == "vi"
    try:
        set_language(page, "en")
        assert path_of(page.url) == "/home"  # back on the page where the button was pressed
        assert page.locator("form.lang-switch button[value=vi]").get_attribute("lang") == "vi"
        page.goto("/lecturers")
        assert page.get_attribute("html", "lang") == "en"

        logout(page)
        assert page.get_attribute("html", "lang") == "en"  # the signed-out session keeps it
        page.context.clear_cookies()
        page.goto("/login")
        assert page.get_attribute("html", "lang") == "vi"  # a new browser starts in Vietnamese...
        login(page, "reviewer2")
        assert page.get_attribute("html", "lang") == "en"  # ...and the user's choice comes back

        set_language(page, "vi")
        assert page.get_attribute("html", "lang") == "vi"
        logout(page)
        page.context.clear_cookies()
        login(page, "reviewer2")
        assert page.get_attribute("html", "lang") == "vi"
    finally:  # leave the shared demo user as found
        if page.get_attribute("html", "lang") != "vi":
            set_language(page, "vi")


def test_desktop_navigation_is_shown_without_opening_a_menu(page):
    login(page, "director")
    page.goto("/workload")
    assert not page.locator("header details.menu > summary").is_visible()
    links = page.locator("header .menu nav a")
    assert links.count() == len(EXPECTED_NAV["director"])
    for index in range(links.count()):
        assert links.nth(index).is_visible()
    current = page.locator("header .menu nav a[aria-current=page]")
    assert current.get_attribute("href") == "/workload"
    assert current.inner_text().strip() == ui("Workload")  # the catalogue's word, in the default language
    # One row for the brand and tools, one for the navigation: nothing overlaps.
    nav_top = links.first.bounding_box()["y"]
    for selector in (".brand", "form.lang-switch button", "details.account-menu > summary"):
        box = page.locator(f"header {selector}").bounding_box()
        assert box["y"] + box["height"] <= nav_top, selector
    assert not page_scrolls_sideways(page)


def test_phone_menu_opens_and_leads_to_the_lecturers(phone):
    login(phone, "director")
    menu = phone.locator("header details.menu")
    nav_link = menu.locator("nav a[href='/lecturers']")
    assert not nav_link.is_visible()
    menu.locator("summary").click()
    assert menu.get_attribute("open") is not None
    assert nav_link.is_visible()
    screenshot(phone, "menu-open")
    box = nav_link.bounding_box()
    assert box["height"] >= 40, "menu entries must be easy to tap"
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    with phone.expect_navigation():
        nav_link.click()
    assert path_of(phone.url) == "/lecturers"
    assert not page_scrolls_sideways(phone)


def test_phone_header_tools_fit_and_can_be_tapped(phone):
    login(phone, "overseer")  # has the unit switcher, the longest header
    screenshot(phone, "home-overseer")
    assert not page_scrolls_sideways(phone)
    for selector in ("header details.menu > summary", "form.lang-switch button", "details.account-menu > summary",
                     "#unit-switch"):
        box = phone.locator(selector).bounding_box()
        assert box is not None, selector
        assert box["height"] >= 40, f"{selector} is too small to tap ({box['height']} px)"
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
