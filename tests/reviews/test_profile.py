from __future__ import annotations

import pytest

from core.models import utcnow
from reviews import services
from tests import factories


@pytest.fixture
def world(world):
    """These tests count the sample observation, plan, meeting and contest of a world too."""
    return factories.complete(world)


def test_the_lecturer_sees_their_announced_and_final_observations_on_their_page(world, login):
    hidden = factories.make_observation(world, lecturer=world.lecturer, unannounced=True)
    client = login(world.lecturer_user)

    page = client.get(f"/lecturers/{world.lecturer.id}").get_data(as_text=True)

    assert f"/observations/{world.observation.id}" in page
    assert f"/observations/{hidden.id}" not in page


def test_the_director_sees_every_observation_of_a_lecturer_and_can_plan_one(world, login):
    observation = factories.make_observation(world, lecturer=world.lecturer, observers=[world.reviewer])
    factories.submit(observation.sheets[0], factories.full_scores(observation.rubric_version), world.reviewer)
    services.finalize_observation(observation, debrief="", action_points="", actor=world.director, now=utcnow())
    client = login(world.director)

    page = client.get(f"/lecturers/{world.lecturer.id}").get_data(as_text=True)

    assert f"/observations/{observation.id}" in page
    assert "20 (100 %)" in page
    assert f"/observations/new?lecturer_id={world.lecturer.id}" in page
