"""Lists: the unit's minutes, its action items; the director's report of attendance rates and
months without minutes."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from accounts.auth import current_unit
from accounts.enums import Role
from core.extensions import db
from core.models import utcnow
from core.permissions import require, roles_required
from core.pages import paginate
from meetings import queries
from meetings.permissions import can_list_meetings, can_view_meeting_report
from meetings.views import bp
from meetings.views.common import STAFF

ACTION_FILTERS = ("open", "overdue", "closed", "all")


@bp.get("/meetings")
@roles_required(*STAFF)
def meeting_list():
    unit = current_unit()
    require(can_list_meetings(current_user, unit))
    page = paginate(queries.meeting_query(unit.id), per_page=24)
    return render_template("meetings/meeting_list.html", unit=unit, page=page,
                           missing=queries.missing_months(unit.id, utcnow().year, today=utcnow().date()))


@bp.get("/meetings/actions")
@roles_required(*STAFF)
def action_list():
    unit = current_unit()
    require(can_list_meetings(current_user, unit))
    today = utcnow().date()
    status = request.args.get("status", "open")
    status = status if status in ACTION_FILTERS else "open"
    filters = queries.ActionFilters(status=None if status == "all" else status)
    page = paginate(queries.action_item_query(unit.id, filters, today=today), per_page=50)
    return render_template("meetings/action_list.html", unit=unit, page=page, today=today, status=status,
                           statuses=ACTION_FILTERS)


@bp.get("/meetings/report")
@roles_required(Role.DIRECTOR, Role.OVERSEER)
def report():
    unit = current_unit()
    require(can_view_meeting_report(current_user, unit))
    today = utcnow().date()
    year = min(max(request.args.get("year", type=int) or today.year, 2000), 2100)
    return render_template("meetings/report.html", unit=unit, year=year,
                           rates=queries.attendance_rates(unit.id, year),
                           months=queries.months_of_year(unit.id, year, today=today))
