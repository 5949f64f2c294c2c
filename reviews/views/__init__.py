"""Pages of the reviews blueprint: rubrics, observations, scoresheets."""
from flask import Blueprint

bp = Blueprint("reviews", __name__)

from reviews.enums import ConflictKind, ObservationKind, ObservationState, Rating, ResponseKind, SheetState  # noqa: E402
from reviews.forms import score_field_name  # noqa: E402
from reviews.views import observations, results, sheets  # noqa: E402,F401  (routes)


def _register_globals(state) -> None:
    """Enums and helpers templates (and the macros they import) use."""
    state.app.jinja_env.globals.update(
        Rating=Rating, ObservationState=ObservationState, ObservationKind=ObservationKind, SheetState=SheetState,
        ResponseKind=ResponseKind, ConflictKind=ConflictKind, score_field_name=score_field_name)


bp.record_once(_register_globals)
