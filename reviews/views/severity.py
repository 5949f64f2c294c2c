"""Reviewers' severity and agreement (SPEC §3.5), for the unit's director. The contest
candidate page built on the same evidence lives in the contests package."""
from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request
from flask_login import current_user

from accounts.auth import current_unit
from accounts.enums import Role
from accounts.models import User
from core.extensions import db
from core.models import utcnow
from core.permissions import require, roles_required
from reviews import evidence
from reviews.permissions import can_view_severity
from reviews.views import bp


def _users_by_id(ids) -> dict[int, User]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


@bp.get("/candidates/severity")
@roles_required(Role.DIRECTOR)
def severity():
    unit = current_unit()
    require(can_view_severity(current_user, unit))
    months = evidence.parse_months(request.args.get("months")) or evidence.DEFAULT_MONTHS
    win = evidence.window(months, today=utcnow().date())
    sheets = evidence.submitted_sheets([unit.id], win)
    report = evidence.severity_report(sheets)
    reviewers = _users_by_id(row.reviewer_id for row in report.reviewers)
    lecturers = evidence.lecturers_by_id(sheet.lecturer_id for sheet in sheets)
    abilities = []
    if report.fit is not None:
        abilities = sorted(((lecturers[key], estimate, report.fit.raw_means[key])
                            for key, estimate in report.fit.abilities.items() if key in lecturers),
                           key=lambda item: (-item[1].value, item[0].sort_key))
    return render_template("reviews/severity.html", unit=unit, window=win, months=months, report=report,
                           reviewers=reviewers, abilities=abilities)
