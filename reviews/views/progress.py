"""The lecturer's progress chart (PNG or SVG), its per-domain small charts and its CSV. The
filters (``months``, ``kind``) are in the URL, so a view can be shared; the same rules as the
lecturer page decide who sees it (another unit's lecturer is not found)."""
from __future__ import annotations

from flask import Response, abort, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from core import chart_cache, charts
from core.models import utcnow
from core.permissions import authenticated, require_visible
from lecturers.models import Lecturer
from lecturers.permissions import can_view_lecturer
from reviews import progress_charts
from reviews.progress import ProgressData, ProgressFilters, Stamp, lecturer_progress, lecturer_with_stamp
from reviews.views import bp


def _visible_lecturer(lecturer_id: int) -> tuple[Lecturer, Stamp]:
    """The lecturer and their progress stamp, in one query; 404 when the user may not see them."""
    found = lecturer_with_stamp(lecturer_id)
    if found is None:
        abort(404)
    require_visible(can_view_lecturer(current_user, found[0]))
    return found


def _progress(lecturer_id: int) -> tuple[Lecturer, ProgressData]:
    lecturer, _stamp = _visible_lecturer(lecturer_id)
    return lecturer, lecturer_progress(lecturer, ProgressFilters.from_args(request.args), today=utcnow().date())


def _image(kind: str, fmt: str, data: object, draw) -> Response:
    if fmt not in charts.FORMATS:
        abort(404)
    key = charts.data_key(kind, fmt, str(get_locale()), data)
    body, _hit = chart_cache.cached(key, lambda: charts.render(draw(), fmt))
    response = Response(body, mimetype=charts.FORMATS[fmt])
    response.set_etag(key)
    response.headers["Cache-Control"] = "private, no-cache"  # revalidate: a new result changes the key
    return response.make_conditional(request)


@bp.get("/reviews/lecturers/<int:lecturer_id>/progress.png", defaults={"fmt": "png"})
@bp.get("/reviews/lecturers/<int:lecturer_id>/progress.svg", defaults={"fmt": "svg"})
@authenticated
def progress_chart(lecturer_id: int, fmt: str):
    filters, today = ProgressFilters.from_args(request.args), utcnow().date()
    lecturer, stamp = _visible_lecturer(lecturer_id)
    # Keyed by what it is drawn from (see lecturer_with_stamp): a cached chart reads no result.
    drawn_from = [lecturer.id, lecturer.unit_id, lecturer.full_name, filters, filters.since(today), stamp]

    def draw():
        data = lecturer_progress(lecturer, filters, today=today, by_domain=False)  # the chart draws no domain
        return charts.progress_figure(progress_charts.progress_chart(data, lecturer.full_name))

    return _image("progress", fmt, drawn_from, draw)


@bp.get("/reviews/lecturers/<int:lecturer_id>/domains.png", defaults={"fmt": "png"})
@bp.get("/reviews/lecturers/<int:lecturer_id>/domains.svg", defaults={"fmt": "svg"})
@authenticated
def progress_domains(lecturer_id: int, fmt: str):
    _lecturer, data = _progress(lecturer_id)
    series = progress_charts.domain_series(data)
    labels = {"percent_label": _("Percent of the domain maximum"),
              "empty": _("No finalised result in this period.")}
    return _image("domains", fmt, [series, labels], lambda: charts.domain_figure(series, **labels))


@bp.get("/reviews/lecturers/<int:lecturer_id>/progress.csv")
@authenticated
def progress_csv(lecturer_id: int):
    lecturer, data = _progress(lecturer_id)
    response = Response(progress_charts.progress_csv(data), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="progress-{lecturer.id}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
