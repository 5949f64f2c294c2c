"""A contest component scored on a rubric (issue 6): judges score the rubric's criteria (only
its steps offered), the component's mark is the rubric total scaled to the component's maximum,
the breakdown is kept with the mark, and the same through the pages and the API."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from accounts import services as account_services
from contests import queries, services
from core.errors import DomainError
from core.models import utcnow
from reviews import authoring
from tests import factories
from tests.contests.helpers import make_judges

LLCT_CODES = ["1.1", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "4.1", "4.2", "5.1"]


def _contest_with_a_rubric_lecture(world, judges: int = 2):
    version = factories.shipped_version()  # Phiếu đánh giá giờ giảng LLCT, 20 points
    contest = services.create_contest(
        unit=world.unit, actor=world.director, now=utcnow(),
        components=[{"code": "plan", "name": "Soạn giáo án", "max_points": "20", "weight": "1"},
                    {"code": "lecture", "name": "Giảng trực tiếp", "max_points": "100", "weight": "3",
                     "rubric_version_id": version.id}],
        values={"name": "Hội thi có phiếu chấm", "level": "unit", "year": 2026, "aggregation": "mean",
                "prize_quotas": {"first": 1, "second": 1, "third": 1, "consolation": None}})
    panel = make_judges(world, judges)
    for judge in panel:
        services.add_judge(contest, user=judge, actor=world.director, now=utcnow())
    entries = [services.add_entry(contest, lecturer=lecturer, topic="Điều lệ Đảng", actor=world.director,
                                  now=utcnow()) for lecturer in (world.lecturer, world.colleague)]
    services.set_contest_phase(contest, "judging", actor=world.director, now=utcnow())
    return contest, panel, entries, version


def _scores(version, value: str | None = None, **overrides) -> dict[str, str]:
    return {**factories.full_scores(version, value), **overrides}


def test_the_rubric_total_is_scaled_to_the_components_maximum_and_kept_by_criterion(world):
    contest, panel, entries, version = _contest_with_a_rubric_lecture(world)
    scores = _scores(version, "1")  # every criterion 1 (capped at its maximum): 11 of 20

    (lecture,) = services.save_marks(entries[0], judge=panel[0], marks={"lecture": scores}, now=utcnow())

    assert lecture.points == Decimal("55.00")  # 11 / 20 × 100
    assert lecture.scores == {code: "1.00" for code in LLCT_CODES}


def test_rubric_marks_combine_and_rank_like_single_marks(world):
    contest, panel, entries, version = _contest_with_a_rubric_lecture(world)
    for judge, value in zip(panel, (None, "1")):  # every maximum (20 of 20), then 11 of 20
        services.save_marks(entries[0], judge=judge, marks={"plan": "18", "lecture": _scores(version, value)},
                            now=utcnow())
        services.save_marks(entries[1], judge=judge, marks={"plan": "20", "lecture": _scores(version, "0.5")},
                            now=utcnow())

    ranking = queries.contest_ranking(contest).entries

    first = next(row for row in ranking if row.entry_id == entries[0].id)
    assert first.components["lecture"] == Decimal("77.50")  # mean of 100 (all maxima) and 55
    assert [row.entry_id for row in ranking] == [entries[0].id, entries[1].id]


@pytest.mark.parametrize("bad, reason", [({"2.1": "1.1"}, "2.1"), ({"1.1": "2.5"}, "1.1"), ({"5.1": ""}, "5.1")])
def test_a_score_off_the_rubric_is_refused_on_its_criterion(world, bad, reason):
    contest, panel, entries, version = _contest_with_a_rubric_lecture(world)

    with pytest.raises(DomainError) as refused:
        services.save_marks(entries[0], judge=panel[0], marks={"lecture": _scores(version, "1", **bad)},
                            now=utcnow())

    assert refused.value.field == "lecture" and list(refused.value.details) == [reason]
    assert entries[0].marks == []


def test_a_single_number_is_refused_for_a_rubric_component_and_blanks_clear_the_mark(world):
    contest, panel, entries, version = _contest_with_a_rubric_lecture(world)
    with pytest.raises(DomainError):
        services.save_marks(entries[0], judge=panel[0], marks={"lecture": "80"}, now=utcnow())
    services.save_marks(entries[0], judge=panel[0], marks={"lecture": _scores(version)}, now=utcnow())

    services.save_marks(entries[0], judge=panel[0], marks={"lecture": {code: "" for code in LLCT_CODES}},
                        now=utcnow())

    assert entries[0].marks == []


def test_only_a_published_rubric_of_the_unit_or_a_template_may_score_a_component(world):
    draft = factories.make_rubric(world.unit, actor=world.director).versions[0]
    elsewhere = authoring.copy_rubric(factories.shipped_version(), unit=world.sibling, actor=world.director,
                                      now=utcnow()).versions[0]
    authoring.publish(elsewhere, actor=world.director, now=utcnow())
    contest = factories.make_contest(world)

    for version in (draft, elsewhere):
        with pytest.raises(DomainError) as refused:
            services.add_component(contest, values={"code": "qa", "name": "Trả lời câu hỏi", "max_points": "10",
                                                    "weight": "1", "rubric_version_id": version.id},
                                   actor=world.director, now=utcnow())
        assert refused.value.field == "rubric_version_id"


def test_a_judge_scores_the_rubric_on_the_marks_page(world, login):
    contest, panel, entries, version = _contest_with_a_rubric_lecture(world)
    client = login(panel[0])
    url = f"/contests/{contest.id}/entries/{entries[0].id}/marks"

    page = client.get(url).get_data(as_text=True)
    assert 'name="mark_lecture__2_1"' in page
    offered = page.split('name="mark_lecture__2_1"')[1].split("</select>")[0]
    assert ">0.25<" in offered and ">2<" in offered and ">2.25<" not in offered  # the rubric's steps only
    form = {"mark_plan": "15", **{f"mark_lecture__{code.replace('.', '_')}": "1.00" for code in LLCT_CODES}}
    refused = client.post(url, data={**form, "mark_lecture__2_1": ""})
    saved = client.post(url, data=form)

    assert refused.status_code == 422
    refused_page = refused.get_data(as_text=True)
    assert 'value="15"' in refused_page  # what was typed is kept
    assert "chưa chấm" in refused_page.split('name="mark_lecture__2_1"')[1].split("</div>")[0]  # on the criterion
    assert saved.status_code == 302
    marks = {mark.component.code: mark for mark in entries[0].marks}
    assert (marks["plan"].points, marks["lecture"].points) == (Decimal("15.00"), Decimal("55.00"))
    again = client.get(url).get_data(as_text=True)  # the breakdown comes back into the form
    assert '<option selected value="1.00">1</option>' in again.split('name="mark_lecture__2_1"')[1]


def test_the_organiser_picks_a_rubric_for_a_component(world, login):
    contest = factories.make_contest(world)
    client = login(world.director)
    version = factories.shipped_version()

    assert f'<option value="{version.id}">' in client.get(f"/contests/{contest.id}").get_data(as_text=True)
    response = client.post(f"/contests/{contest.id}/components", data={
        "component-code": "qa", "component-name": "Trả lời câu hỏi", "component-max_points": "100",
        "component-weight": "3", "component-rubric_version_id": str(version.id)})

    assert response.status_code == 302
    assert {c.code: c.rubric_version_id for c in contest.components}["qa"] == version.id


def test_the_api_takes_a_rubric_mark_by_criterion(world, client):
    contest, panel, entries, version = _contest_with_a_rubric_lecture(world)
    token = account_services.create_api_token(panel[0], name="test", now=utcnow(), lifetime=timedelta(days=1))

    answer = client.put(f"/api/v1/contests/{contest.id}/entries/{entries[0].id}/my-marks",
                        json={"marks": {"lecture": {code: 1 for code in LLCT_CODES}, "plan": 12}},
                        headers={"Authorization": f"Bearer {token}"})

    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["marks"] == {"lecture": 55.0, "plan": 12.0}
    assert body["scores"]["lecture"]["2.1"] == 1.0
    detail = client.get(f"/api/v1/contests/{contest.id}", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert {c["code"]: c["rubric_version_id"] for c in detail["components"]}["lecture"] == version.id


def test_the_contest_page_says_which_components_are_scored_on_a_rubric(world, login):
    contest, panel, entries, version = _contest_with_a_rubric_lecture(world)

    page = login(world.director).get(f"/contests/{contest.id}").get_data(as_text=True)

    components = page.split('id="components"')[1].split("</table>")[0]
    assert "Chấm theo phiếu đánh giá: " + version.rubric.name in components
