"""What the observation page (and the API, which uses the same presenter) shows to whom."""
from __future__ import annotations

from decimal import Decimal

from core.extensions import db
from reviews.presenters import observation_page
from tests import factories


def _sheet(observation, user):
    return next(s for s in observation.sheets if s.observer_id == user.id)


def _director_submitted(world):
    observation = world.observation
    factories.submit(_sheet(observation, world.director), factories.full_scores(observation.rubric_version, "1"),
                     world.director)
    return observation


def test_an_observer_who_has_not_submitted_gets_no_consolidation_of_the_others(world):
    observation = _director_submitted(world)

    page = observation_page(observation, world.reviewer)

    assert [sheet.observer_id for sheet in page.sheets] == [world.reviewer.id]
    assert page.consolidation is None  # with one other sheet it would be that sheet's scores
    assert (page.has_submitted, page.hidden_until_submitted) == (True, True)


def test_the_consolidation_shows_once_every_submitted_sheet_is_visible(world):
    observation = _director_submitted(world)
    factories.submit(_sheet(observation, world.reviewer), factories.full_scores(observation.rubric_version),
                     world.reviewer)

    for viewer in (world.reviewer, world.director, world.secretary, world.overseer):
        page = observation_page(observation, viewer)
        assert page.consolidation is not None and page.consolidation.total == Decimal("15.50")


def test_unit_staff_who_do_not_observe_see_the_provisional_consolidation(world):
    observation = _director_submitted(world)

    page = observation_page(observation, world.secretary)

    assert page.consolidation is not None and page.consolidation.sheet_count == 1
    assert observation_page(observation, world.lecturer_user).consolidation is None  # not final yet


def test_the_page_hides_the_provisional_result_from_a_drafting_observer(world, login):
    observation = _director_submitted(world)
    world.reviewer.locale = "en"
    db.session.flush()
    client = login(world.reviewer)

    before = client.get(f"/observations/{observation.id}").get_data(as_text=True)
    factories.submit(_sheet(observation, world.reviewer), factories.full_scores(observation.rubric_version),
                     world.reviewer)
    after = client.get(f"/observations/{observation.id}").get_data(as_text=True)

    assert "Provisional consolidated result" not in before and ">Consolidated<" not in before
    assert "Provisional consolidated result" in after


def test_a_chair_who_has_not_submitted_may_still_finalise_the_submitted_sheets(world, login):
    observation = world.observation
    factories.submit(_sheet(observation, world.reviewer), factories.full_scores(observation.rubric_version),
                     world.reviewer)
    client = login(world.director)  # the chair, whose own sheet is still a draft

    page = client.get(f"/observations/{observation.id}").get_data(as_text=True)

    assert f'action="/observations/{observation.id}/finalize"' in page
