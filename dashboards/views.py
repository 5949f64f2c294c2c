"""The unit dashboard (director), the province dashboard (overseer), and the unit's Excel
exports. Every figure links to the list behind it."""
from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import current_unit
from accounts.enums import Role
from core import chart_cache, charts
from core.fragments import fragment_key
from core.models import utcnow
from core.permissions import require, roles_required
from dashboards import exports, presenters, queries
from dashboards.permissions import can_export_unit, can_view_dashboard, can_view_province

bp = Blueprint("dashboards", __name__)
PROVINCE_QUARTERS = 6


def _register_globals(state) -> None:
    from lecturers.enums import LecturerKind

    state.app.jinja_env.globals.update(LecturerKind=LecturerKind)


bp.record_once(_register_globals)


@bp.get("/dashboard")
@roles_required(Role.DIRECTOR)
def unit_dashboard():
    unit = current_unit()
    require(can_view_dashboard(current_user, unit))
    today = utcnow().date()
    return render_template("dashboards/unit.html", unit=unit, today=today, figures_key=fragment_key(units=[unit.id]),
                           load_figures=lambda: queries.unit_figures([unit], today=today)[unit.id],
                           periods=queries.periods(today), ratings=queries.RATINGS)


def _province_units():
    unit = current_unit()
    require(can_view_province(current_user, unit))
    units = queries.province_units(unit.province_id)  # with their province: naming it reads nothing more
    return unit.province, units


def _province_figures(today: date) -> tuple[list, dict]:
    _province, units = _province_units()
    return units, queries.unit_figures(units, today=today)


@bp.get("/province")
@roles_required(Role.OVERSEER)
def province_dashboard():
    unit = current_unit()
    require(can_view_province(current_user, unit))
    today = utcnow().date()
    return render_template("dashboards/province.html", province=unit.province,
                           figures_key=fragment_key(province=unit.province_id),
                           load_figures=lambda: _province_figures(today),
                           today=today, periods=queries.periods(today), ratings=queries.RATINGS)


@bp.get("/province/ratings.png", defaults={"fmt": "png"})
@bp.get("/province/ratings.svg", defaults={"fmt": "svg"})
@roles_required(Role.OVERSEER)
def province_chart(fmt: str):
    _province, units = _province_units()
    today = utcnow().date()
    quarters = queries.quarters_since(_quarters_ago(today, PROVINCE_QUARTERS - 1), today)
    table = queries.quarterly_ratings([u.id for u in units], since=date(quarters[0][0], 3 * quarters[0][1] - 2, 1))
    panels = presenters.rating_panels(units, table, quarters)
    names = presenters.rating_names()
    title = _("Ratings of observed lessons per quarter")
    key = charts.data_key("province", fmt, str(get_locale()), panels, names, title)
    body, _hit = chart_cache.cached(key, lambda: charts.render(
        charts.distribution_figure(panels, names, title=title, percent_label=_("Percent of the quarter's results"),
                                   empty=_("No unit in this province yet.")), fmt))
    response = Response(body, mimetype=charts.FORMATS[fmt])
    response.set_etag(key)
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


def _quarters_ago(today: date, n: int) -> date:
    index = today.year * 4 + (today.month - 1) // 3 - n
    return date(index // 4, 3 * (index % 4) + 1, 1)


# --- exports --------------------------------------------------------------------------------------


def _export_unit():
    unit = current_unit()
    require(can_export_unit(current_user, unit))
    return unit


def _send(content: bytes, filename: str):
    response = send_file(io.BytesIO(content), mimetype=exports.MIMETYPE, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _workbook(sheets) -> bytes:
    from tempfile import TemporaryDirectory

    with TemporaryDirectory() as folder:
        path = f"{folder}/export.xlsx"
        exports.write_workbook(path, sheets)
        with open(path, "rb") as handle:
            return handle.read()


@bp.get("/exports/observations.xlsx")
@roles_required(Role.DIRECTOR, Role.OVERSEER)
def export_observations():
    """Small exports download at once; larger ones are prepared in the background."""
    unit = _export_unit()
    total = exports.observation_count(unit.id)
    filename = presenters.export_name("observations", unit.id, utcnow().date())
    codes, labels = exports.criterion_codes(unit.id), presenters.labels()
    title, header = _("Observations"), presenters.observation_header(codes)

    def build(_progress=None):
        return [exports.Sheet(title, header, exports.observation_rows(unit.id, codes, labels))]

    if total <= current_app.config["EXPORT_STREAM_ROWS"]:
        return _send(_workbook(build()), filename)
    job_id = exports.start_job(unit_id=unit.id, user_id=current_user.id, total=total, filename=filename, build=build)
    return redirect(url_for("dashboards.export_status", job_id=job_id))


@bp.get("/exports/roster.xlsx")
@roles_required(Role.DIRECTOR, Role.OVERSEER)
def export_roster():
    unit = _export_unit()
    sheet = exports.Sheet(_("Lecturers"), presenters.roster_header(), exports.roster_rows(unit.id, presenters.labels()))
    return _send(_workbook([sheet]), presenters.export_name("roster", unit.id, utcnow().date()))


@bp.get("/exports/quarterly.xlsx")
@roles_required(Role.DIRECTOR, Role.OVERSEER)
def export_quarterly():
    unit = _export_unit()
    today = utcnow().date()
    year = min(max(request.args.get("year", type=int) or today.year, 2000), 2100)
    quarter = request.args.get("quarter", type=int) or (today.month - 1) // 3 + 1
    if quarter not in (1, 2, 3, 4):
        abort(404)
    titles, headers = presenters.quarterly_titles()
    sheets = exports.quarterly_sheets(unit, year, quarter, titles, headers, presenters.labels())
    return _send(_workbook(sheets), f"lectern-report-unit{unit.id}-{year}-Q{quarter}.xlsx")


def _own_job(job_id: str) -> dict:
    status = exports.job_status(job_id)
    if status is None or status["user_id"] != current_user.id:
        abort(404)
    unit = current_unit()
    if status["unit_id"] != unit.id or not can_export_unit(current_user, unit):
        abort(404)
    return status


@bp.get("/exports/jobs/<job_id>")
@roles_required(Role.DIRECTOR, Role.OVERSEER)
def export_status(job_id: str):
    status = _own_job(job_id)
    return render_template("dashboards/export_status.html", job_id=job_id, status=status)


@bp.get("/exports/jobs/<job_id>/download")
@roles_required(Role.DIRECTOR, Role.OVERSEER)
def export_download(job_id: str):
    status = _own_job(job_id)
    if status["state"] != "ready":
        return redirect(url_for("dashboards.export_status", job_id=job_id))
    response = send_file(exports.job_file(job_id), mimetype=exports.MIMETYPE, as_attachment=True,
                         download_name=status["filename"])
    response.headers["Cache-Control"] = "private, no-store"
    return response
