"""Pages of the reviews blueprint: rubrics, observations, scoresheets."""
from flask import Blueprint

bp = Blueprint("reviews", __name__)

from reviews.enums import (ConflictKind, ConsolidationMethod, ObservationKind, ObservationState,  # noqa: E402
                           PracticePurpose, PracticeVerdict, Rating, ResponseKind, RubricVersionState, SheetState)
from reviews.forms import score_field_name  # noqa: E402
from reviews.views import (exports, observations, practice, progress, results, rubrics,  # noqa: E402,F401
                           severity, sheets)


def visible_observations_of(lecturer) -> list:
    """For the lecturer page: the lecturer's observations the signed-in user may see."""
    from flask_login import current_user

    from reviews.permissions import can_view_observation
    from reviews.queries import lecturer_observations

    return [o for o in lecturer_observations(lecturer.id) if can_view_observation(current_user, o)]


def progress_of(lecturer) -> dict | None:
    """For the lecturer page: the progress chart's filters, data, table and alt text, or None
    when the signed-in user may not see the lecturer."""
    from flask import request
    from flask_login import current_user

    from core.models import utcnow
    from lecturers.permissions import can_view_lecturer
    from reviews import progress_charts
    from reviews.progress import PERIODS, ProgressFilters, lecturer_progress

    if not current_user.is_authenticated or not can_view_lecturer(current_user, lecturer):
        return None
    filters = ProgressFilters.from_args(request.args)
    data = lecturer_progress(lecturer, filters, today=utcnow().date())
    return {"filters": filters, "args": filters.as_args(), "data": data, "periods": PERIODS,
            "alt": progress_charts.alt_text(data, lecturer.full_name), "trend": progress_charts.trend_text(data),
            "rating_label": progress_charts.rating_label}


def _register_globals(state) -> None:
    """Enums and helpers templates (and the macros they import) use."""
    state.app.jinja_env.globals.update(
        Rating=Rating, ObservationState=ObservationState, ObservationKind=ObservationKind, SheetState=SheetState,
        ResponseKind=ResponseKind, ConflictKind=ConflictKind, PracticePurpose=PracticePurpose,
        PracticeVerdict=PracticeVerdict, RubricVersionState=RubricVersionState,
        ConsolidationMethod=ConsolidationMethod, score_field_name=score_field_name,
        visible_observations_of=visible_observations_of, progress_of=progress_of)


bp.record_once(_register_globals)
