"""Lesson plans (giáo án): create, edit the draft, submit, comment, approve or request
changes, revise. Every version is kept.

``set_state`` is the only function that changes a version's state. Every function takes the
actor and ``now`` as keyword arguments, checks who may act (a view's check is not trusted
alone), never commits, and writes the audit log for each change of state or decision.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from accounts.models import User
from core import uploads
from core.errors import DomainError
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.models import log_action
from lecturers.enums import PLAN_TRANSITIONS, REVISABLE_STATES, PlanDecision, PlanSection, PlanState
from lecturers.models import Lecturer, LessonPlan, LessonPlanVersion, PlanComment, Programme, Topic
from lecturers.permissions import can_review_plan

PLAN_FIELDS = ("audience", "duration_periods", "aims_knowledge", "aims_skills", "aims_attitude", "outline", "methods",
               "aids", "readings")
MAX_TITLE = 300
MAX_AUDIENCE = 300
MAX_TEXT = 20_000
MAX_COMMENT = 5_000


def _conflict(message) -> DomainError:
    return DomainError(message, status=409, code="conflict")


def _forbidden(message) -> DomainError:
    return DomainError(message, status=403, code="forbidden")


def _flush() -> None:
    """Flush; a row changed meanwhile by another request (version counter) is a 409."""
    try:
        db.session.flush()
    except StaleDataError:
        raise _conflict(_l("Someone else changed this lesson plan at the same time. Reload the page and "
                           "try again.")) from None


# --- Checking what the user typed ---------------------------------------------------------------


def _title(value: Any) -> str:
    title = value.strip() if isinstance(value, str) else ""  # as typed (trimmed), like every text but names
    if not title:
        raise DomainError(_l("Give the lesson plan a title."), field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_TITLE), field="title")
    return title


def _field(name: str, value: Any) -> Any:
    if name == "duration_periods":
        if value is None or value == "":
            return None
        if type(value) is not int or not 1 <= value <= 60:
            raise DomainError(_l("The duration is a number of periods from 1 to 60."), field=name)
        return value
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError(_l("This field must be text."), field=name)
    text = value.replace("\r\n", "\n").strip()
    limit = MAX_AUDIENCE if name == "audience" else MAX_TEXT
    if len(text) > limit:
        raise DomainError(_l("At most %(n)s characters.", n=limit), field=name)
    return text


def clean_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """The structured fields present in ``values``, checked; others are ignored."""
    return {name: _field(name, values[name]) for name in PLAN_FIELDS if name in values}


def _scope(lecturer: Lecturer, programme_id: int | None, topic_id: int | None) -> tuple[int | None, int | None]:
    """The programme and topic of a new plan, both of the lecturer's unit; a topic decides
    its programme."""
    topic = db.session.get(Topic, topic_id) if topic_id is not None else None
    if topic_id is not None and (topic is None or topic.unit_id != lecturer.unit_id):
        raise DomainError(_l("Unknown topic."), field="topic_id")
    programme = db.session.get(Programme, programme_id) if programme_id is not None else None
    if programme_id is not None and (programme is None or programme.unit_id != lecturer.unit_id):
        raise DomainError(_l("Unknown programme."), field="programme_id")
    if topic is not None and programme is not None and topic.programme_id != programme.id:
        raise DomainError(_l("Choose a topic of the chosen programme."), field="topic_id")
    return (topic.programme_id if topic is not None else programme_id), topic_id


def _attach(upload: uploads.Upload | None, *, unit_id: int, actor: User, now: datetime) -> uploads.StoredFile | None:
    if upload is None:
        return None
    kind = uploads.inspect(upload.data, upload.filename, uploads.limits_from_config())
    stored = uploads.store(upload, kind=kind, unit_id=unit_id, uploaded_by_id=actor.id, now=now)
    db.session.flush()
    return stored


def _own(plan_or_lecturer: LessonPlan | Lecturer, actor: User) -> None:
    lecturer = plan_or_lecturer.lecturer if isinstance(plan_or_lecturer, LessonPlan) else plan_or_lecturer
    if lecturer.user_id != actor.id:
        raise _forbidden(_l("Only the lecturer writes and submits their lesson plan."))


# --- The lecturer's side ------------------------------------------------------------------------


def create_plan(*, lecturer: Lecturer, title: str, values: Mapping[str, Any], upload: uploads.Upload | None,
                actor: User, now: datetime, programme_id: int | None = None,
                topic_id: int | None = None) -> LessonPlan:
    """A new plan of ``lecturer`` (who must be the actor) with its first version, a draft.
    Everything typed is checked before the file, and the file before anything is written."""
    _own(lecturer, actor)
    if not lecturer.is_active:
        raise _forbidden(_l("An inactive lecturer cannot add lesson plans."))
    title = _title(title)
    fields = clean_fields(values)
    programme_id, topic_id = _scope(lecturer, programme_id, topic_id)
    stored = _attach(upload, unit_id=lecturer.unit_id, actor=actor, now=now)
    plan = LessonPlan(unit_id=lecturer.unit_id, lecturer_id=lecturer.id, programme_id=programme_id, topic_id=topic_id,
                      title=title, created_at=now, updated_at=now)
    version = LessonPlanVersion(plan=plan, number=1, state=PlanState.DRAFT, created_by_id=actor.id,
                                file_id=stored.id if stored else None, created_at=now, updated_at=now, **fields)
    db.session.add_all([plan, version])
    _flush()
    log_action("plan_created", plan, actor_id=actor.id, now=now,
               after={"title": title, "topic_id": topic_id, "version": 1,
                      "file": stored.original_name if stored else None})
    return plan


def save_draft(plan: LessonPlan, *, values: Mapping[str, Any], upload: uploads.Upload | None, actor: User,
               now: datetime, title: str | None = None, expected_version: int | None = None) -> LessonPlanVersion:
    """Change the plan's draft (its latest version). ``expected_version`` is the draft's
    version counter when the editor loaded it: a save from another window in between is a
    409, and the caller shows the user's input again."""
    _own(plan, actor)
    draft = plan.latest
    if not draft.is_draft:
        raise _conflict(_l("This version has been submitted and can no longer change. Start a new version "
                           "to revise it."))
    if expected_version is not None and draft.version != expected_version:
        raise _conflict(_l("This draft was saved from another window while you were editing. Your changes "
                           "are below: check them and save again."))
    new_title = _title(title) if title is not None else plan.title
    fields = clean_fields(values)
    stored = _attach(upload, unit_id=plan.unit_id, actor=actor, now=now)
    changed = sorted(name for name, value in fields.items() if getattr(draft, name) != value)
    for name in changed:
        setattr(draft, name, fields[name])
    if stored is not None:
        draft.file_id = stored.id
        changed.append("file")
    if new_title != plan.title:
        plan.title = new_title
        changed.append("title")
    if changed:
        draft.updated_at = plan.updated_at = now
        _flush()
        log_action("plan_draft_saved", plan, actor_id=actor.id, now=now,
                   after={"version": draft.number, "fields": ",".join(changed)})
    return draft


def submit(plan: LessonPlan, *, actor: User, now: datetime) -> LessonPlanVersion:
    """Send the draft for review. Submitting a version that is already waiting for review
    changes nothing (a double click is harmless)."""
    _own(plan, actor)
    version = plan.latest
    if version.state == PlanState.SUBMITTED:
        return version
    if not version.is_draft:
        raise _conflict(_l("Only a draft can be submitted; this version is “%(state)s”.",
                           state=version.state_enum.label))
    if version.file_id is None and not version.outline:
        raise DomainError(_l("Attach the plan's file or write its content outline before submitting."),
                          field="file")
    set_state(version, PlanState.SUBMITTED, actor=actor, now=now)
    _flush()
    return version


def start_revision(plan: LessonPlan, *, actor: User, now: datetime) -> LessonPlanVersion:
    """A new draft version copying the latest one (fields and file), after changes were
    requested or to replace the approved version. Asking again while the draft exists returns
    that draft."""
    _own(plan, actor)
    latest = plan.latest
    if latest.is_draft:
        return latest
    if latest.state_enum not in REVISABLE_STATES:
        raise _conflict(_l("This plan is waiting for review; it can be revised after the decision."))
    draft = LessonPlanVersion(plan_id=plan.id, number=latest.number + 1, state=PlanState.DRAFT,
                              created_by_id=actor.id, file_id=latest.file_id, created_at=now, updated_at=now,
                              **{name: getattr(latest, name) for name in PLAN_FIELDS})
    try:
        with db.session.begin_nested():
            db.session.add(draft)
    except IntegrityError:  # another request started the same revision a moment ago
        raise _conflict(_l("A new version of this plan was started at the same time. Reload the page.")) from None
    db.session.expire(plan, ["versions"])
    plan.updated_at = now
    log_action("plan_revision_started", plan, actor_id=actor.id, now=now, after={"version": draft.number})
    return draft


# --- The reviewer's side ------------------------------------------------------------------------


def _check_reviewer(plan: LessonPlan, actor: User) -> None:
    if plan.lecturer.user_id == actor.id:
        raise _forbidden(_l("Nobody reviews their own lesson plan."))
    if not can_review_plan(actor, plan):
        raise _forbidden(_l("Only the unit's director and reviewers review lesson plans."))


def comment(version: LessonPlanVersion, *, section: str, text: str, actor: User, now: datetime) -> PlanComment:
    """A reviewer's comment on a version under review, on the whole plan or one section."""
    _check_reviewer(version.plan, actor)
    if version.state != PlanState.SUBMITTED:
        raise _conflict(_l("Comments are given while a version is waiting for review."))
    if section not in {member.value for member in PlanSection}:
        raise DomainError(_l("Unknown section."), field="section")
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise DomainError(_l("Write the comment."), field=section)
    if len(text) > MAX_COMMENT:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_COMMENT), field=section)
    entry = PlanComment(plan_version=version, author_id=actor.id, section=section, text=text, created_at=now)
    db.session.add(entry)
    log_action("plan_commented", version.plan, actor_id=actor.id, now=now,
               after={"version": version.number, "section": section})
    return entry


def add_comments(version: LessonPlanVersion, comments: Mapping[str, str], *, actor: User, now: datetime,
                 required: bool = False) -> list[PlanComment]:
    """One comment per section with text (blank sections are skipped); with ``required``, at
    least one must be written."""
    added = [comment(version, section=section, text=text, actor=actor, now=now)
             for section, text in comments.items() if text and text.strip()]
    if required and not added:
        _check_reviewer(version.plan, actor)
        raise DomainError(_l("Write at least one comment."), field=PlanSection.GENERAL.value)
    return added


def decide(plan: LessonPlan, decision: str, *, comments: Mapping[str, str], actor: User,
           now: datetime) -> LessonPlanVersion:
    """Approve the version under review, or request changes (which needs at least one
    comment, so that the lecturer knows why), with the reviewer's comments. Taking the same
    decision again changes nothing; a different one after the first is a 409."""
    _check_reviewer(plan, actor)
    if decision not in {member.value for member in PlanDecision}:
        raise DomainError(_l("Choose a decision."), field="decision")
    version = plan.latest
    target = PlanState.APPROVED if decision == PlanDecision.APPROVE else PlanState.CHANGES_REQUESTED
    if version.state == target:
        return version
    if version.state != PlanState.SUBMITTED:
        raise _conflict(_l("This plan is not waiting for review: it is “%(state)s”.", state=version.state_enum.label))
    if target == PlanState.CHANGES_REQUESTED and not any(text and text.strip() for text in comments.values()):
        raise DomainError(_l("Say what should change: write at least one comment."), field=PlanSection.GENERAL.value)
    add_comments(version, comments, actor=actor, now=now)
    set_state(version, target, actor=actor, now=now)
    _flush()
    return version


def approve(plan: LessonPlan, *, actor: User, now: datetime, comments: Mapping[str, str] | None = None):
    return decide(plan, PlanDecision.APPROVE, comments=comments or {}, actor=actor, now=now)


def request_changes(plan: LessonPlan, *, actor: User, now: datetime, comments: Mapping[str, str]):
    return decide(plan, PlanDecision.REQUEST_CHANGES, comments=comments, actor=actor, now=now)


# --- The one place where a version's state changes ----------------------------------------------


def set_state(version: LessonPlanVersion, new: PlanState, *, actor: User, now: datetime) -> None:
    """Move ``version`` to ``new`` along ``PLAN_TRANSITIONS`` (anything else is a 409).

    Side effects:
    - ``submitted`` stamps ``submitted_at``;
    - ``approved`` and ``changes_requested`` stamp ``decided_at`` and ``decided_by``;
    - ``approved`` first supersedes the version of the plan approved before (a move of its own);
    - the plan's ``updated_at`` is set, so lists show it as recently changed;
    - every move is written to the audit log (``plan_state``: version and state, old → new).
    """
    old = PlanState(version.state)
    if new == old:
        return
    if new not in PLAN_TRANSITIONS[old]:
        raise _conflict(_l("A lesson plan cannot go from “%(old)s” to “%(new)s”.", old=old.label, new=new.label))
    if new == PlanState.APPROVED:
        previous = version.plan.approved_version
        if previous is not None and previous is not version:
            set_state(previous, PlanState.SUPERSEDED, actor=actor, now=now)
            _flush()  # one approved version per plan, also in the database
    version.state = new
    version.plan.updated_at = now
    if new == PlanState.SUBMITTED:
        version.submitted_at = now
    elif new in (PlanState.APPROVED, PlanState.CHANGES_REQUESTED):
        version.decided_at = now
        version.decided_by_id = actor.id
    log_action("plan_state", version.plan, actor_id=actor.id, now=now,
               before={"version": version.number, "state": old.value},
               after={"version": version.number, "state": new.value})
