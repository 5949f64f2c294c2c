"""Downloads of an observation: the paper form as a Word document."""
from __future__ import annotations

import io

from flask import send_file
from flask_babel import get_locale
from flask_login import current_user

from core.permissions import authenticated
from reviews import exports, services
from reviews.presenters import observation_page
from reviews.views import bp
from reviews.views.common import load_observation


@bp.get("/observations/<int:observation_id>/export.docx")
@authenticated
def observation_export(observation_id: int):
    """Whoever may open the observation's page gets its form, with what that page shows them:
    the sheets they may read, and no running notes for the observed lecturer."""
    observation = load_observation(observation_id)
    page = observation_page(observation, current_user)
    content = exports.observation_docx(
        observation, page.sheets, locale=str(get_locale()),
        show_notes=observation.lecturer.user_id != current_user.id,
        method=services.consolidation_method(observation.unit_id))
    response = send_file(io.BytesIO(content), mimetype=exports.MIMETYPE, as_attachment=True,
                         download_name=exports.docx_filename(observation))
    response.headers["Cache-Control"] = "private, no-store"
    return response
