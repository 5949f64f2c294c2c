"""Roster import from .xlsx: a dry run that reports every row, then an all-or-nothing import.

A clean dry run keeps the checked file in ``UPLOAD_FOLDER/roster_imports/`` (under
``instance/``) with a random token bound to the user and unit, so the director imports it with
one click instead of choosing the file again. The import checks the file again before writing.
"""
from __future__ import annotations

import io
import os

from flask import current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import current_unit
from accounts.enums import Role
from core.errors import DomainError
from core.extensions import db
from core.forms import show_error
from core.models import utcnow
from core.permissions import require, roles_required
from lecturers import roster, services
from lecturers.forms import RosterImportForm
from lecturers.permissions import can_manage_unit
from lecturers.roster import RowAction
from lecturers.views import bp


@bp.route("/lecturers/import", methods=["GET", "POST"])
@roles_required(Role.DIRECTOR)
def roster_import():
    unit = current_unit()
    require(can_manage_unit(current_user, unit))
    form, report, token = RosterImportForm(), None, None
    if form.validate_on_submit():
        try:
            data = _submitted_file(form, unit)
            report = services.import_roster(data, unit=unit, dry_run=form.dry_run.data, actor=current_user,
                                            now=utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            if report.written:
                db.session.commit()
                flash(_imported_message(report), "success")
                return redirect(url_for("lecturers.lecturer_list"))
            token = roster.stage_upload(data, **_stage(unit)) if report.ok else None
    status = 422 if form.errors or (report is not None and not report.ok) else 200
    return render_template("lecturers/roster_import.html", form=form, report=report, token=token), status


@bp.get("/lecturers/import/template.xlsx")
@roles_required(Role.DIRECTOR)
def roster_template():
    require(can_manage_unit(current_user, current_unit()))
    return send_file(io.BytesIO(roster.template_workbook()), mimetype=roster.XLSX_MIMETYPE, as_attachment=True,
                     download_name="mau-danh-sach-giang-vien.xlsx")


def _stage(unit) -> dict[str, str]:
    return {"folder": os.path.join(current_app.config["UPLOAD_FOLDER"], "roster_imports"),
            "owner": f"u{current_user.id}-unit{unit.id}"}


def _submitted_file(form: RosterImportForm, unit) -> bytes:
    """The uploaded file, or the one a clean dry run kept (used once)."""
    if form.file.data:
        return form.file.data.read(roster.MAX_FILE_BYTES + 1)
    data = roster.read_staged(form.token.data, **_stage(unit))
    roster.discard_staged(form.token.data, **_stage(unit))
    return data


def _imported_message(report: roster.RosterReport) -> str:
    return _("Roster imported: %(create)s created, %(update)s updated, %(same)s unchanged.",
             create=report.count(RowAction.CREATE), update=report.count(RowAction.UPDATE),
             same=report.count(RowAction.UNCHANGED))
