"""Roster import from .xlsx (to be completed: dry run and all-or-nothing import)."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from accounts.auth import current_unit
from accounts.enums import Role
from core.permissions import require, roles_required
from lecturers.forms import RosterImportForm
from lecturers.permissions import can_manage_unit
from lecturers.views import bp


@bp.route("/lecturers/import", methods=["GET", "POST"])
@roles_required(Role.DIRECTOR)
def roster_import():
    require(can_manage_unit(current_user, current_unit()))
    return render_template("lecturers/roster_import.html", form=RosterImportForm(), report=None)
