"""Results: the ranking page and its exports, entry documents, outside results."""
from __future__ import annotations

import io

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contests import exports, presenters, queries, services
from contests.forms import OutsideResultForm
from contests.models import EntryDocument
from contests.permissions import can_record_outside_result, can_view_document, can_view_ranking
from contests.views import bp
from contests.views.common import load_contest
from core import uploads
from core.errors import DomainError
from core.extensions import db
from core.forms import show_error
from core.fragments import fragment_key
from core.models import utcnow
from core.permissions import authenticated, require, require_visible
from lecturers.models import Lecturer
from lecturers.permissions import can_view_lecturer


def _ranked_contest(contest_id: int, query=queries.contest_detail):
    """The contest (with what ``query`` loads), when the user may see its ranking."""
    contest = load_contest(contest_id, query=query)
    require(can_view_ranking(current_user, contest))
    return contest


def _ranking(contest_id: int):
    return presenters.ranking_page(_ranked_contest(contest_id))


@bp.get("/contests/<int:contest_id>/ranking")
@authenticated
def ranking(contest_id: int):
    contest = _ranked_contest(contest_id, query=queries.contest_heading)
    return render_template("contests/ranking.html", contest=contest,
                           ranking_key=fragment_key(province=contest.unit.province_id),
                           load_page=lambda: presenters.ranking_page(queries.contest_detail(contest_id)))


def _download(content: bytes, mimetype: str, name: str):
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.get("/contests/<int:contest_id>/ranking.xlsx")
@authenticated
def ranking_xlsx(contest_id: int):
    page = _ranking(contest_id)
    return _download(exports.results_xlsx(page), exports.XLSX, exports.filename(page, "xlsx"))


@bp.get("/contests/<int:contest_id>/ranking.docx")
@authenticated
def ranking_docx(contest_id: int):
    page = _ranking(contest_id)
    return _download(exports.results_docx(page), exports.DOCX, exports.filename(page, "docx"))


@bp.get("/contests/<int:contest_id>/documents/<int:document_id>")
@authenticated
def document_file(contest_id: int, document_id: int):
    contest = load_contest(contest_id)
    document = db.session.get(EntryDocument, document_id)
    require_visible(document is not None and document.entry.contest_id == contest.id
                    and can_view_document(current_user, document))
    return uploads.send(document.file)


@bp.route("/lecturers/<int:lecturer_id>/contest-results/new", methods=["GET", "POST"])
@authenticated
def outside_result(lecturer_id: int):
    lecturer = db.session.get(Lecturer, lecturer_id)
    require_visible(lecturer is not None and can_view_lecturer(current_user, lecturer))
    require(can_record_outside_result(current_user, lecturer))
    form = OutsideResultForm()
    if form.validate_on_submit():
        try:
            services.record_outside_result(lecturer, level=form.level.data, year=form.year.data,
                                           contest_name=form.contest_name.data, prize=form.prize.data or None,
                                           actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            return render_template("contests/outside_form.html", form=form, lecturer=lecturer), error.status
        db.session.commit()
        flash(_("Contest result recorded."), "success")
        return redirect(url_for("lecturers.lecturer_detail", lecturer_id=lecturer.id, _anchor="contests"))
    status = 422 if form.is_submitted() else 200
    return render_template("contests/outside_form.html", form=form, lecturer=lecturer), status
