"""Finalised observations made through the real services, for the progress and dashboard tests."""
from __future__ import annotations

from datetime import date

from core.models import utcnow
from reviews import services
from reviews.enums import ObservationKind
from tests import factories


def finalized(world, *, on: date, value: str | None = None, lecturer=None, kind=ObservationKind.OBSERVED_LESSON,
              unit=None):
    """An observation of ``lecturer`` (default world.lecturer) on ``on``, scored by the director and
    the reviewer (every criterion at ``value``, capped at its maximum) and finalised."""
    version = factories.shipped_version()
    observation = services.plan_observation(
        unit=unit or world.unit, lecturer=lecturer or world.lecturer, version=version,
        observers=[world.director, world.reviewer], on=on, actor=world.director, now=utcnow(), kind=kind,
        topic=world.topic)
    for sheet in observation.sheets:
        factories.submit(sheet, factories.full_scores(version, value), sheet.observer)
    services.finalize_observation(observation, debrief="", action_points="", actor=world.director, now=utcnow())
    return observation
