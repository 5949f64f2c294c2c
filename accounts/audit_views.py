"""The audit log viewer and its Excel export (directors: their unit; administrators: everything)."""
from __future__ import annotations

import io

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts import audit
from accounts.audit_forms import AuditFilterForm
from accounts.enums import Role
from accounts.permissions import audit_scope, can_view_audit_log
from core.i18n import _datetime
from core.permissions import require, roles_required

bp = Blueprint("audit", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 20_000


def _filters() -> tuple[int | None, AuditFilterForm, audit.AuditFilters | None]:
    unit = current_user.active_unit
    require(can_view_audit_log(current_user, unit))
    scope = audit_scope(current_user, unit)
    form = AuditFilterForm(formdata=request.args)
    form.fill(audit.known_actors(scope), audit.known_actions(scope), audit.known_object_types(scope))
    if not form.validate():
        return scope, form, None
    return scope, form, audit.AuditFilters(date_from=form.date_from.data, date_to=form.date_to.data,
                                           actor_id=form.actor_id.data, action=form.action.data or None,
                                           object_type=form.object_type.data or None)


@bp.get("/audit")
@roles_required(Role.DIRECTOR, Role.ADMIN)
def audit_log():
    scope, form, filters = _filters()
    page = audit.page_of(audit.audit_query(scope, filters), request.args.get("page", 1, type=int)) \
        if filters else None
    args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("accounts/audit_log.html", form=form, page=page, args=args,
                           all_units=scope is None), 200 if filters else 422


@bp.get("/audit.xlsx")
@roles_required(Role.DIRECTOR, Role.ADMIN)
def audit_xlsx():
    scope, form, filters = _filters()
    if filters is None:
        return render_template("accounts/audit_log.html", form=form, page=None, args={},
                               all_units=scope is None), 422
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Audit log")[:31]
    sheet.append([_("When"), _("Who"), _("Action"), _("Object"), _("Object id"), _("Field"), _("Old value"),
                  _("New value")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in audit.rows(audit.audit_query(scope, filters), limit=EXPORT_LIMIT):
        who = row.actor_name or ""
        base = [_datetime(row.entry.at), who, row.entry.action, row.entry.object_type, row.entry.object_id]
        for field, old, new in row.changes or [("", None, None)]:
            sheet.append([*base, field, _cell(old), _cell(new)])
    for column, width in zip("ABCDEFGH", (18, 28, 26, 18, 10, 20, 24, 24)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Response(buffer.getvalue(), mimetype=XLSX,
                    headers={"Content-Disposition": "attachment; filename=audit-log.xlsx"})


def _cell(value):
    """Spreadsheet cells never start a formula (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
