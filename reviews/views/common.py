"""Loading helpers shared by the reviews pages."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from core.permissions import require_visible
from reviews import queries
from reviews.models import Observation, Sheet
from reviews.permissions import can_view_observation


def load_observation(observation_id: int) -> Observation:
    """The observation with everything its pages show, or 404 when it does not exist or the
    user may not know it exists (another unit's, or an unannounced one for its lecturer)."""
    observation = queries.observation_detail(observation_id)
    if observation is None:
        abort(404)
    require_visible(can_view_observation(current_user, observation))
    return observation


def own_sheet(observation: Observation) -> Sheet:
    sheet = next((s for s in observation.sheets if s.observer_id == current_user.id), None)
    if sheet is None:
        abort(404)
    return sheet
