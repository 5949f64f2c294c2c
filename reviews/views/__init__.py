"""Pages of the reviews blueprint: rubrics, observations, scoresheets."""
from flask import Blueprint

bp = Blueprint("reviews", __name__)

from reviews.enums import (ConflictKind, ConsolidationMethod, ObservationKind, ObservationState,  # noqa: E402
                           PracticePurpose, PracticeVerdict, Rating, ResponseKind, RubricVersionState, SheetState)
from reviews.forms import score_field_name  # noqa: E402
from reviews.views import exports, observations, practice, results, rubrics, sheets  # noqa: E402,F401  (routes)


def visible_observations_of(lecturer) -> list:
    """For the lecturer page: the lecturer's observations the signed-in user may see."""
    from flask_login import current_user

    from reviews.permissions import can_view_observation
    from reviews.queries import lecturer_observations

    return [o for o in lecturer_observations(lecturer.id) if can_view_observation(current_user, o)]


def _register_globals(state) -> None:
    """Enums and helpers templates (and the macros they import) use."""
    state.app.jinja_env.globals.update(
        Rating=Rating, ObservationState=ObservationState, ObservationKind=ObservationKind, SheetState=SheetState,
        ResponseKind=ResponseKind, ConflictKind=ConflictKind, PracticePurpose=PracticePurpose,
        PracticeVerdict=PracticeVerdict, RubricVersionState=RubricVersionState,
        ConsolidationMethod=ConsolidationMethod, score_field_name=score_field_name,
        visible_observations_of=visible_observations_of)


bp.record_once(_register_globals)
