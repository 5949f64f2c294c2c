"""Loading helpers shared by the reviews pages."""
from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from core.fragments import fragment_key
from core.permissions import require_visible
from reviews import queries
from reviews.enums import ObservationKind
from reviews.models import Observation
from reviews.permissions import can_respond_to_observation, can_view_observation


def load_observation(observation_id: int, query=queries.observation_detail) -> Observation:
    """The observation with everything its pages show (or what ``query`` loads), or 404 when it
    does not exist or the user may not know it exists (another unit's, or an unannounced one
    for its lecturer)."""
    observation = query(observation_id)
    if observation is None:
        abort(404)
    require_visible(can_view_observation(current_user, observation))
    return observation


def detail_page(observation: Observation, *, status: int = 200, stamp: int | None = None, **forms):
    """The observation page; a form that failed is passed in so it shows the user's input. A
    finalised observation that offers the viewer no form (a result to read) is kept by content
    versions (``core.fragments``); the rest changes as people score, and is rendered each time."""
    from reviews.forms import FinalizeForm, ResponseForm, SelfAssessmentForm, VerdictForm
    from reviews.presenters import observation_page

    defaults = {"finalize_form": FinalizeForm, "response_form": ResponseForm,
                "self_assessment_form": SelfAssessmentForm, "verdict_form": VerdictForm}
    only_read = (not forms and observation.is_finalized and observation.kind != ObservationKind.PRACTICE_LECTURE
                 and (not can_respond_to_observation(current_user, observation) or observation.response is not None))
    # A page to read shows no form: none is built (each would sign a CSRF token)
    context = {name: None if only_read else forms.get(name) or form_class() for name, form_class in defaults.items()}
    if not only_read and observation.practice is not None and "self_assessment_form" not in forms:
        context["self_assessment_form"].self_assessment.data = observation.practice.self_assessment
    observation_id = observation.id
    return render_template("reviews/observation_detail.html", observation_heading=observation.lecturer.full_name,
                           page_key=fragment_key(units=[observation.unit_id], stamp=stamp) if only_read else None,
                           load_page=lambda: observation_page(queries.observation_detail(observation_id), current_user),
                           **context), status

