"""Loading and rendering helpers shared by the contest pages."""
from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user

from contests import presenters, queries, services
from contests.forms import ComponentForm, ConflictForm, DocumentForm, EntryForm, JudgeForm
from contests.models import Contest, ContestEntry
from contests.permissions import can_view_all_marks, can_view_contest
from core.forms import EmptyForm, options
from core.permissions import require_visible
from reviews import queries as rubric_queries


def load_contest(contest_id: int, query=queries.contest_detail) -> Contest:
    """The contest with everything its pages show (or what ``query`` loads); 404 when it does
    not exist or the user may not know it exists."""
    contest = query(contest_id)
    if contest is None:
        abort(404)
    require_visible(can_view_contest(current_user, contest))
    return contest


def load_entry(contest: Contest, entry_id: int) -> ContestEntry:
    entry = next((entry for entry in contest.entries if entry.id == entry_id), None)
    require_visible(entry is not None)
    return entry


def back_to(contest: Contest, anchor: str | None = None):
    return redirect(url_for("contests.contest_detail", contest_id=contest.id, _anchor=anchor))


def detail_forms(contest: Contest, **given):
    built = {"component_form": given.get("component_form") or ComponentForm(formdata=None),
             "judge_form": given.get("judge_form") or JudgeForm(formdata=None),
             "entry_form": given.get("entry_form") or EntryForm(formdata=None),
             "document_form": DocumentForm(formdata=None), "conflict_form": ConflictForm(formdata=None),
             "button_form": EmptyForm(formdata=None)}
    if contest.is_setup:
        built["component_form"].rubric_version_id.choices = options(
            [("", "—")] + rubric_queries.published_rubric_choices(contest.unit_id, str(get_locale())))
        built["judge_form"].user_id.choices = options((u.id, u.full_name) for u in services.judge_candidates(contest))
        built["entry_form"].lecturer_id.choices = options(
            (lecturer.id, f"{lecturer.full_name} — {lecturer.unit.name}")
            for lecturer in queries.eligible_lecturers(contest))
    return built


def render_detail(contest: Contest, status: int = 200, **given):
    judge_id = current_user.id
    return render_template(
        "contests/contest_detail.html", contest=contest, progress=queries.judge_progress(contest),
        own_marks={entry.id: presenters.own_marks(entry, judge_id) for entry in contest.entries},
        show_all=can_view_all_marks(current_user, contest), **detail_forms(contest, **given)), status
