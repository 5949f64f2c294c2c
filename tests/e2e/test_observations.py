"""An observed lesson from plan to the lecturer's response, in a real browser (SPEC §3.3):
the director plans it, two reviewers fill their sheets (one on a phone, with autosave, a
reload and a lost connection), the chair finalises, the lecturer reads and answers.

The tests run in file order and share the observation planned by the first one (other demo
observations may exist: everything here works on that observation's id)."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (LECTURER_PATH, SCREENSHOTS, login, page_scrolls_sideways, path_of, screenshot,
                                ui)

pytestmark = pytest.mark.e2e

RATING_LABELS = {"excellent": "Excellent", "good": "Good", "satisfactory": "Satisfactory",
                 "unsatisfactory": "Unsatisfactory"}
OFFLINE = "Not saved: no connection. Your input is kept on this device and will be sent again."

NOTES = "08:05 Vào bài đúng giờ, nêu mục tiêu rõ ràng.\n08:20 Liên hệ thực tiễn xã Nam Giang."
STRENGTHS = "Nắm vững nội dung Nghị quyết; ngôn ngữ trong sáng, mạch lạc."
SHORTCOMINGS_OFFLINE = "Phân bổ thời gian phần cuối còn gấp (ghi khi mất mạng)."
NOTES2 = "Giảng viên đọc nhiều, ít tương tác với học viên."
STRENGTHS2 = "Tài liệu chuẩn bị đầy đủ."
SHORTCOMINGS2 = "Chưa liên hệ thực tiễn địa phương; slide nhiều chữ."
DEBRIEF = "Hai người dự giờ chấm lệch nhau; thống nhất lấy điểm trung bình."
ACTION_POINTS = "1. Tăng liên hệ thực tiễn địa phương.\n2. Rút gọn chữ trên slide."
RESPONSE = "Tôi chưa đồng ý với điểm tiêu chí 3.1: học viên đã thảo luận nhóm sôi nổi."


@pytest.fixture(scope="module")
def story() -> dict:
    """What the earlier steps leave for the later ones: ids, names, the scores given."""
    return {}


def _needs(story: dict, *keys: str) -> None:
    missing = [key for key in keys if key not in story]
    if missing:
        pytest.skip(f"an earlier step did not finish ({', '.join(missing)})")


# -- helpers ----------------------------------------------------------------------------------


def _number(text: str) -> Decimal:
    """The first number in ``text``, written either way ("17,5" in Vietnamese, "17.5")."""
    match = re.search(r"\d+(?:[.,]\d+)?", text)
    assert match, f"no number in {text!r}"
    return Decimal(match.group().replace(",", "."))


def _numbers(text: str) -> list[Decimal]:
    return [Decimal(n.replace(",", ".")) for n in re.findall(r"\d+(?:[.,]\d+)?", text)]


def _view(page, name: str) -> None:
    """A screenshot of what the screen shows now (not the full page): the sticky bars too."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{page.viewport_name}.png"))


def _scroll_to_middle(page) -> None:
    page.evaluate("window.scrollTo(0, (document.documentElement.scrollHeight - window.innerHeight) / 2)")


def _shoot(page, name: str) -> None:
    screenshot(page, name)
    assert not page_scrolls_sideways(page), f"{name}: the whole page scrolls sideways"


def _choices(page) -> dict[str, list[str]]:
    """Each score select's name → the values it offers, in the page's order."""
    return dict(page.eval_on_selector_all(
        "form.sheet select.score", "ss => ss.map(s => [s.name, Array.from(s.options, o => o.value)])"))


def _form_values(page) -> dict[str, str]:
    return page.eval_on_selector_all(
        "form.sheet select.score, form.sheet textarea", "els => Object.fromEntries(els.map(e => [e.name, e.value]))")


def _storage_key(page) -> str:
    return page.get_attribute("form.sheet", "data-storage-key")


def _wait_saved(page) -> None:
    """Autosave finished with everything typed: the device copy is cleared only then."""
    page.wait_for_function("key => localStorage.getItem(key) === null", arg=_storage_key(page))
    expect(page.locator("[data-save-state]")).to_have_text(re.compile("^" + re.escape(ui("Saved"))))


def _status(page) -> tuple[Decimal, Decimal, str]:
    bar = page.locator(".sheet-status")
    return (_number(bar.locator("[data-total]").inner_text()), _number(bar.locator("[data-percent]").inner_text()),
            bar.locator("[data-rating]").inner_text().strip())


def _rating(page, total: Decimal) -> str:
    """The label of the band ``total`` falls in, from the bands the sheet form carries."""
    bands = page.get_attribute("form.sheet", "data-bands")
    pairs = sorted(((Decimal(minimum), code) for code, minimum in (part.split(":") for part in bands.split(";"))),
                   reverse=True)
    code = next((code for minimum, code in pairs if total >= minimum), "unsatisfactory")
    return ui(RATING_LABELS[code])


def _percent(total: Decimal, maximum: Decimal) -> Decimal:
    return (total * 100 / maximum).quantize(Decimal("0.01")).normalize()


def _fill_scores(page, scores: dict[str, str]) -> None:
    for name, value in scores.items():
        page.select_option(f"form.sheet select[name={name}]", value)


def _field(code: str) -> str:
    """The sheet form's field name for a criterion code ("2.1" → "score_2_1")."""
    return "score_" + code.replace(".", "_").replace("-", "_")


def _facts(page) -> dict[str, str]:
    """The page's first fact list as label → value."""
    return dict(page.eval_on_selector_all(
        "main dl.facts:first-of-type > dt",
        "dts => dts.map(dt => [dt.textContent.trim(), dt.nextElementSibling.innerText.trim()])"))


# -- 1. planning ------------------------------------------------------------------------------


def test_director_plans_an_observation_with_two_observers(new_page, story):
    # Who the demo accounts are, by name: the administrator's user list.
    admin = new_page("desktop")
    login(admin, "admin")
    admin.goto("/admin/users")
    users = dict(admin.eval_on_selector_all(
        "main table tbody tr", "trs => trs.filter(tr => tr.cells.length > 1)"
                               ".map(tr => [tr.cells[1].innerText.trim(), tr.cells[0].innerText.trim()])"))
    names = {username: users[username] for username in ("reviewer", "reviewer2")}
    story["names"] = names
    story["lecturer_name"] = lecturer_name = users["lecturer"]

    # The director finds the lecturer in the list and plans from their profile.
    page = new_page("desktop")
    login(page, "director")
    page.goto("/lecturers")
    page.fill("#q", lecturer_name)
    with page.expect_navigation():
        page.click("form.search-bar button[type=submit]")
    with page.expect_navigation():
        page.locator("main table tbody a[href^='/lecturers/']").filter(has_text=lecturer_name).first.click()
    assert LECTURER_PATH.match(path_of(page.url)), page.url
    lecturer_id = path_of(page.url).rsplit("/", 1)[1]
    with page.expect_navigation():
        page.click(f"main a[href^='/observations/new?lecturer_id={lecturer_id}']")
    assert path_of(page.url) == "/observations/new"
    assert page.input_value("#lecturer_id") == lecturer_id  # preselected
    assert page.locator("#lecturer_id option:checked").inner_text().strip() == lecturer_name
    default_rubric = page.input_value("#version_id")
    assert default_rubric, "the unit's default rubric is preselected"
    today = datetime.now(timezone.utc).date()  # the server's "today" is UTC
    page.fill("#date", today.isoformat())
    page.select_option("#observer_ids", label=[names["reviewer"], names["reviewer2"]])
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    match = re.fullmatch(r"/observations/(\d+)", path_of(page.url))
    assert match, f"planning failed: {page.url}\n{page.locator('main').inner_text()}"
    story["id"] = int(match.group(1))
    assert page.locator(".alert-success").inner_text().strip() == ui("Observation planned.")
    assert page.locator("main h1").inner_text().startswith(lecturer_name)
    facts = _facts(page)
    assert today.strftime("%d/%m/%Y") in facts[ui("Date")]
    observers = facts[ui("Observers")]
    assert names["reviewer"] in observers and names["reviewer2"] in observers
    # Nobody has scored yet, so nothing to finalise: the director is told why.
    assert page.locator("form[action$='/finalize']").count() == 0
    story["chair"] = facts[ui("Chair")]
    assert story["chair"] in (names["reviewer"], names["reviewer2"], page.locator("details.account-menu > summary")
                              .get_attribute("title"))


# -- 2. the first sheet, on a phone -----------------------------------------------------------


def test_reviewer_fills_the_sheet_on_a_phone_and_nothing_is_lost(phone, story):
    _needs(story, "id")
    oid = story["id"]
    sheet_path = f"/observations/{oid}/sheet"
    login(phone, "reviewer")
    phone.goto("/observations/mine")
    task = phone.locator(f"main .task-list a[href='{sheet_path}']")
    expect(task).to_be_visible()
    assert story["lecturer_name"] in task.inner_text()
    assert "today" in (phone.locator(f"main .task-list li:has(a[href='{sheet_path}'])").get_attribute("class") or "")
    _shoot(phone, "my-observations")
    with phone.expect_navigation():
        task.click()
    assert path_of(phone.url) == sheet_path

    # Only the rubric's steps are offered: 0, 0.25 … the criterion's maximum.
    choices = _choices(phone)
    first, offered = next(iter(choices.items()))
    maximum = _number(phone.locator(f".criterion:has(select[name={first}]) .max").inner_text())
    steps = int(maximum / Decimal("0.25"))
    assert offered == [""] + [format((Decimal("0.25") * k).normalize(), "f") for k in range(steps + 1)]
    for values in choices.values():
        assert values[0] == "" and all(Decimal(v) % Decimal("0.25") == 0 for v in values[1:])
    labels = phone.locator(f"select[name={first}] option").all_inner_texts()
    assert [label.replace(",", ".") for label in labels[1:]] == offered[1:]  # "0,25" in Vietnamese
    _view(phone, "sheet-top")
    assert not page_scrolls_sideways(phone)
    for select in phone.locator("form.sheet select.score").all()[:3]:
        box = select.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 88, f"a score select is too small for a thumb: {box}"

    max_total = Decimal(phone.get_attribute("form.sheet", "data-max-total"))
    # High marks: every criterion's maximum, half a point less on two of them.
    scores = {name: values[-1] for name, values in choices.items()}
    names = list(scores)
    for name in (names[2], names[5]):
        scores[name] = format(Decimal(scores[name]) - Decimal("0.5"), "f")

    _fill_scores(phone, {names[0]: scores[names[0]]})
    total, percent, rating = _status(phone)
    assert total == Decimal(scores[names[0]]) and percent == _percent(total, max_total)
    assert rating == "—"  # no rating until every criterion is scored
    _fill_scores(phone, scores)
    expected = sum(Decimal(v) for v in scores.values())
    assert _status(phone) == (expected, _percent(expected, max_total), _rating(phone, expected))
    phone.fill("#notes", NOTES)
    phone.fill("#strengths", STRENGTHS)
    _wait_saved(phone)

    # Saved on the server: a reload shows every value (and there is no device copy to restore).
    phone.reload()
    values = _form_values(phone)
    assert {name: values[name] for name in scores} == scores
    assert values["notes"] == NOTES and values["strengths"] == STRENGTHS
    assert _status(phone) == (expected, _percent(expected, max_total), _rating(phone, expected))
    assert phone.locator("[data-save-state]").inner_text().strip() == ""

    # The scroll position mid-sheet: the running total stays in view.
    _scroll_to_middle(phone)
    _view(phone, "sheet-middle")
    bar = phone.locator(".sheet-status").bounding_box()
    assert 0 <= bar["y"] <= 1, "the running total sticks to the top of the screen"

    # The connection drops: the change is kept on the device and sent once the sheet is reopened.
    context = phone.context
    context.set_offline(True)
    scores[names[0]] = format(Decimal(scores[names[0]]) - Decimal("0.5"), "f")
    _fill_scores(phone, {names[0]: scores[names[0]]})
    phone.fill("#shortcomings", SHORTCOMINGS_OFFLINE)
    expect(phone.locator("[data-save-state]")).to_have_text(ui(OFFLINE))
    _view(phone, "sheet-offline")
    kept = phone.evaluate("key => JSON.parse(localStorage.getItem(key)).data", _storage_key(phone))
    assert kept[names[0]] == scores[names[0]] and kept["shortcomings"] == SHORTCOMINGS_OFFLINE
    phone.close()  # no reload while offline: the tab is closed instead
    context.set_offline(False)

    sheet = context.new_page()
    sheet.viewport_name = "phone"
    sheet.goto(sheet_path)
    values = _form_values(sheet)  # restored from the device before any save
    assert values[names[0]] == scores[names[0]] and values["shortcomings"] == SHORTCOMINGS_OFFLINE
    expected = sum(Decimal(v) for v in scores.values())
    assert _status(sheet)[0] == expected
    _wait_saved(sheet)
    sheet.reload()  # and now on the server
    values = _form_values(sheet)
    assert {name: values[name] for name in scores} == scores
    assert values["shortcomings"] == SHORTCOMINGS_OFFLINE and values["notes"] == NOTES

    with sheet.expect_navigation():
        sheet.click("form.sheet button[name=action][value=submit]")
    assert path_of(sheet.url) == f"/observations/{oid}"
    assert sheet.locator(".alert-success").inner_text().strip() == ui("Sheet submitted. It is now locked.")
    assert sheet.locator(f"main a[href='{sheet_path}']").count() == 0
    observers = sheet.locator("main dl.facts").first.inner_text()
    assert f"{story['names']['reviewer']} {ui('Submitted')}" in observers
    sheet.goto(sheet_path)  # the sheet is locked: its address leads to the observation
    assert path_of(sheet.url) == f"/observations/{oid}"
    story["scores"] = {"reviewer": scores}
    story["totals"] = {"reviewer": expected}
    story["max_total"] = max_total


# -- 3. the second sheet, on a desktop --------------------------------------------------------


def test_second_reviewer_sees_the_others_comments_only_after_submitting(page, story):
    _needs(story, "scores")
    oid = story["id"]
    login(page, "reviewer2")
    page.goto("/observations/mine")
    _shoot(page, "my-observations")
    first_name = story["names"]["reviewer"]

    page.goto(f"/observations/{oid}")
    assert page.locator("main p.hint").filter(
        has_text=ui("The other observers' sheets show here once you have submitted yours.")).count() == 1
    assert STRENGTHS not in page.locator("main").inner_text()
    assert page.locator("details.comments").filter(has_text=first_name).count() == 0
    assert page.locator("table.sheets th").filter(has_text=first_name).count() == 0
    with page.expect_navigation():
        page.click(f"main a[href='/observations/{oid}/sheet']")

    _typing_during_a_save_is_kept_on_the_device(page)

    # Clearly lower marks: half of each maximum, so the observers disagree.
    choices = _choices(page)
    scores = {name: format((Decimal(values[-1]) / 2).normalize(), "f") for name, values in choices.items()}
    _fill_scores(page, scores)
    page.fill("#notes", NOTES2)
    page.fill("#strengths", STRENGTHS2)
    page.fill("#shortcomings", SHORTCOMINGS2)
    total = sum(Decimal(v) for v in scores.values())
    assert _status(page) == (total, _percent(total, story["max_total"]), _rating(page, total))
    _wait_saved(page)
    page.evaluate("window.scrollTo(0, 0)")
    _view(page, "sheet-top")
    _scroll_to_middle(page)
    _view(page, "sheet-middle")
    with page.expect_navigation():
        page.click("form.sheet button[name=action][value=submit]")
    assert path_of(page.url) == f"/observations/{oid}"

    comments = page.locator("details.comments").filter(has_text=first_name)
    expect(comments).to_have_count(1)
    if comments.get_attribute("open") is None:
        comments.locator("summary").click()
    expect(comments.get_by_text(STRENGTHS)).to_be_visible()
    assert page.locator("table.sheets thead th").filter(has_text=first_name).count() == 1
    story["scores"]["reviewer2"] = scores
    story["totals"]["reviewer2"] = total


def _typing_during_a_save_is_kept_on_the_device(page) -> None:
    """Input typed while an autosave is on its way stays on the device when that save succeeds
    and the next one fails (the device copy used to be dropped by the first save's answer)."""
    held = []

    def hold_the_first_fail_the_rest(route):
        if held:
            route.abort()
        else:
            held.append(route)

    page.route("**/sheet/autosave", hold_the_first_fail_the_rest)
    first = next(iter(_choices(page)))
    page.select_option(f"form.sheet select[name={first}]", "0")
    for _ in range(100):  # the first save goes out after the typing pause
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "no autosave was sent"
    page.fill("#recommendations", "typed while saving")
    held[0].continue_()  # the first save now succeeds; the second one (with the new text) fails
    expect(page.locator("[data-save-state]")).to_have_text(ui(OFFLINE))
    kept = page.evaluate("key => JSON.parse(localStorage.getItem(key) || 'null')", _storage_key(page))
    assert kept and kept["data"]["recommendations"] == "typed while saving"
    page.unroute("**/sheet/autosave")
    page.fill("#recommendations", "")


# -- 4. the chair finalises -------------------------------------------------------------------


def _chair_username(story: dict) -> str:
    by_name = {name: username for username, name in story["names"].items()}
    return by_name.get(story["chair"], "director")


def _side_by_side(page) -> tuple[list[str], dict[str, list[str]]]:
    """The side-by-side table: its column heads, and each criterion row's cells (without the code)."""
    heads = [h.strip() for h in page.locator("table.sheets thead th").all_inner_texts()]
    rows = page.eval_on_selector_all(
        "table.sheets tbody tr:not(.total-row)",
        "trs => trs.map(tr => [tr.querySelector('abbr').textContent.trim(),"
        "                      ...Array.from(tr.cells).slice(1).map(td => td.innerText.trim())])")
    return heads, {row[0]: row[1:] for row in rows}


def test_chair_compares_the_sheets_and_finalises(new_page, story):
    _needs(story, "scores", "totals")
    if "reviewer2" not in story["scores"]:
        pytest.skip("the second sheet was not submitted")
    oid = story["id"]
    chair = _chair_username(story)
    phone = new_page("phone")
    login(phone, chair)
    phone.goto(f"/observations/{oid}")
    _shoot(phone, "observation-chair")
    assert phone.eval_on_selector("section:has(table.sheets) .table-wrap", "w => w.scrollWidth <= w.clientWidth + 1"), \
        "the side-by-side table fits a phone without scrolling sideways"

    page = new_page("desktop")
    login(page, chair)
    page.goto(f"/observations/{oid}")
    _shoot(page, "observation-chair")
    heads, rows = _side_by_side(page)
    names = story["names"]
    columns = {username: heads.index(next(h for h in heads if h.startswith(name))) - 1
               for username, name in names.items()}
    first, second = story["scores"]["reviewer"], story["scores"]["reviewer2"]
    assert sorted(_field(code) for code in rows) == sorted(first)
    for code, cells in rows.items():
        name = _field(code)
        assert _number(cells[columns["reviewer"]]) == Decimal(first[name]), code
        assert _number(cells[columns["reviewer2"]]) == Decimal(second[name]), code
        mean = (Decimal(first[name]) + Decimal(second[name])) / 2
        assert _number(cells[len(names)]) == mean, code  # consolidated: the mean of the two
    consolidated = (story["totals"]["reviewer"] + story["totals"]["reviewer2"]) / 2
    provisional = page.locator("section:has(table.sheets) > p").filter(has=page.locator(".rating")).first
    assert _number(provisional.locator("strong").inner_text()) == consolidated
    if abs(story["totals"]["reviewer"] - story["totals"]["reviewer2"]) > story["max_total"] * Decimal("0.15"):
        expect(provisional.locator(".badge.warn")).to_be_visible()

    page.fill("#debrief", DEBRIEF)
    page.fill("#action_points", ACTION_POINTS)
    with page.expect_navigation():
        page.click("form[action$='/finalize'] button[type=submit]")
    assert path_of(page.url) == f"/observations/{oid}"
    assert page.locator(".alert-success").count() == 1
    result = page.locator("section.result")
    total, maximum, percent = _numbers(result.locator(".big-number").inner_text())[:3]
    assert (total, maximum, percent) == (consolidated, story["max_total"], _percent(consolidated, story["max_total"]))
    story["rating"] = result.locator(".big-number .rating").inner_text().strip()
    assert story["rating"] in {ui(label) for label in RATING_LABELS.values()}
    assert ACTION_POINTS in result.inner_text() and DEBRIEF in result.inner_text()
    assert page.locator("form[action$='/finalize']").count() == 0  # final: nothing left to finalise
    story["consolidated"] = consolidated


# -- 5. the lecturer reads and answers --------------------------------------------------------


def test_lecturer_reads_the_result_and_disagrees(new_page, story):
    _needs(story, "consolidated")
    oid = story["id"]
    desktop = new_page("desktop")
    login(desktop, "lecturer")
    desktop.goto(f"/observations/{oid}")
    _shoot(desktop, "observation-lecturer")

    phone = new_page("phone")
    login(phone, "lecturer")
    phone.click("header details.menu > summary")  # the lecturer finds it on their profile
    with phone.expect_navigation():
        phone.click("header .menu nav a[href^='/lecturers/']")
    with phone.expect_navigation():
        phone.locator(f"main a[href='/observations/{oid}']:visible").first.click()
    _shoot(phone, "observation-lecturer")
    result = phone.locator("section.result")
    assert _number(result.locator(".big-number").inner_text()) == story["consolidated"]
    assert result.locator(".big-number .rating").inner_text().strip() == story["rating"]
    breakdown = phone.eval_on_selector_all(
        "table.breakdown tbody tr:not(.domain-row)", "trs => trs.map(tr => tr.cells[1].innerText)")
    first, second = story["scores"]["reviewer"], story["scores"]["reviewer2"]
    assert [_number(cell) for cell in breakdown] == [(Decimal(first[name]) + Decimal(second[name])) / 2
                                                    for name in first]
    assert ACTION_POINTS in result.inner_text()
    for name, strengths in ((story["names"]["reviewer"], STRENGTHS), (story["names"]["reviewer2"], STRENGTHS2)):
        comments = phone.locator("details.comments").filter(has_text=name)
        if comments.get_attribute("open") is None:
            comments.locator("summary").click()
        expect(comments.get_by_text(strengths)).to_be_visible()
    assert NOTES not in phone.locator("main").inner_text()  # running notes are the observers' own

    phone.check("input[name=kind][value=disagree]")
    phone.fill("#text", RESPONSE)
    with phone.expect_navigation():
        phone.click("form[action$='/respond'] button[type=submit]")
    assert phone.locator(".alert-success").inner_text().strip() == ui("Your response was recorded.")
    response = phone.locator("section.panel").filter(has_text=RESPONSE)
    expect(response).to_have_count(1)
    assert ui("I disagree") in response.inner_text()
    assert story["lecturer_name"] in response.inner_text()
    assert phone.locator("form[action$='/respond']").count() == 0
    _shoot(phone, "observation-response")
