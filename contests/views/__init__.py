"""Pages of the contests blueprint: contests, their setup, judging, results and exports."""
from flask import Blueprint

bp = Blueprint("contests", __name__)

from contests.enums import ConflictReason, ContestLevel, ContestPhase, Prize  # noqa: E402
from contests.forms import mark_field_name  # noqa: E402
from contests.views import candidates, judging, results, setup  # noqa: E402,F401  (routes)


def contest_results_of(lecturer):
    """For the lecturer page: published contest results and outside results, or None when the
    signed-in user may not see the lecturer."""
    from flask_login import current_user

    from contests.queries import lecturer_past_results
    from lecturers.permissions import can_view_lecturer

    if not current_user.is_authenticated or not can_view_lecturer(current_user, lecturer):
        return None
    return lecturer_past_results(lecturer.id)


def contests_to_judge():
    """For the home page: the contests the signed-in user judges that are being judged now."""
    from flask_login import current_user

    from contests.queries import judged_by

    return judged_by(current_user) if current_user.is_authenticated else []


def _register_globals(state) -> None:
    from contests.queries import contest_marks, contest_marks_stamp
    from reviews.progress import register_contest_source

    register_contest_source(contest_marks, contest_marks_stamp)  # published and outside results annotate the progress chart
    state.app.jinja_env.globals.update(
        ContestPhase=ContestPhase, ContestLevel=ContestLevel, Prize=Prize, ConflictReason=ConflictReason,
        mark_field_name=mark_field_name, contest_results_of=contest_results_of,
        contests_to_judge=contests_to_judge)


bp.record_once(_register_globals)
