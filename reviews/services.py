"""Observation workflow: plan → sheets saved and submitted → finalised → amended.

Every function takes the actor and ``now`` as keyword arguments, never commits, and writes
the audit log for each change of score or state. ``finalize_observation`` is the only
function that moves an observation to ``finalized``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from accounts.enums import Role
from accounts.models import Unit, User
from core.db import begin_writing, lock_rows
from core.errors import DomainError
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.models import log_action
from lecturers.models import Lecturer, TeachingSession, Topic
from reviews import scoring
from reviews.enums import (OBSERVATION_TRANSITIONS, SHEET_TEXTS, ConsolidationMethod, ObservationKind,
                           ObservationState, ResponseKind, RubricVersionState, SheetState)
from reviews.models import (Amendment, Observation, ObservationResponse, ObservationScore, ObserverConflict,
                            ReviewSettings, Sheet, SheetScore)
from reviews.queries import frozen_version, own_sheet
from reviews.rubrics import FrozenVersion, RubricVersion

SCORER_ROLES = {Role.DIRECTOR, Role.REVIEWER}
MAX_TEXT = 20_000


def _move(observation: Observation, new: ObservationState, *, actor: User, now: datetime) -> None:
    old = ObservationState(observation.state)
    if new == old:
        return
    if new not in OBSERVATION_TRANSITIONS[old]:
        raise DomainError(_l("This observation cannot go from %(old)s to %(new)s.", old=old.label, new=new.label),
                          status=409, code="conflict")
    observation.state = new
    log_action("observation_state", observation, actor_id=actor.id, before={"state": old.value},
               after={"state": new.value}, now=now)


# --- planning ---------------------------------------------------------------------------------


def _check_observers(unit: Unit, lecturer: Lecturer, observers: list[User], *, kind: str) -> None:
    """Observed lessons are scored by the unit's reviewers and directors; a practice lecture is
    also attended by colleagues (lecturers of the unit)."""
    allowed = SCORER_ROLES | ({Role.LECTURER} if kind == ObservationKind.PRACTICE_LECTURE else set())
    if not observers:
        raise DomainError(_l("Choose at least one observer."), field="observer_ids")
    conflicted = set(db.session.scalars(sa.select(ObserverConflict.observer_id).where(
        ObserverConflict.lecturer_id == lecturer.id, ObserverConflict.observer_id.in_([u.id for u in observers]))))
    for observer in observers:
        if lecturer.user_id == observer.id:
            raise DomainError(_l("Nobody can observe their own lesson."), field="observer_ids")
        if observer.id in conflicted:
            raise DomainError(_l("%(name)s has declared a conflict with this lecturer.", name=observer.full_name),
                              field="observer_ids")
        if not observer.is_enabled or not observer.roles_in(unit.id) & allowed:
            raise DomainError(_l("%(name)s is not a reviewer of this unit.", name=observer.full_name),
                              field="observer_ids")


def usable_version(version: RubricVersion | None, unit: Unit) -> RubricVersion:
    if version is None or version.state != RubricVersionState.PUBLISHED or \
            version.rubric.unit_id not in (None, unit.id):
        raise DomainError(_l("Choose a published rubric of this unit."), field="rubric_id")
    return version


def plan_observation(*, unit: Unit, lecturer: Lecturer, version: RubricVersion | None, observers: list[User],
                     on: date | None, actor: User, now: datetime, chair: User | None = None,
                     kind: str = ObservationKind.OBSERVED_LESSON, session: TeachingSession | None = None,
                     topic: Topic | None = None, topic_text: str = "", unannounced: bool = False) -> Observation:
    """Plan an observation of ``lecturer`` (of a teaching session, or ad hoc) with one sheet
    per observer. The chair defaults to the planner when they observe, else the first observer."""
    if lecturer.unit_id != unit.id or not lecturer.is_active:
        raise DomainError(_l("Choose an active lecturer of this unit."), field="lecturer_id")
    if session is not None and (session.unit_id != unit.id or session.lecturer_id != lecturer.id):
        raise DomainError(_l("That teaching session is not this lecturer's."), field="session_id")
    if topic is not None and topic.unit_id != unit.id:
        raise DomainError(_l("Unknown topic."), field="topic_id")
    topic = topic or (session.topic if session else None)
    observers = list(dict.fromkeys(observers))
    _check_observers(unit, lecturer, observers, kind=kind)
    on = on or (session.date if session else None)
    if on is None:
        raise DomainError(_l("Give the date of the lesson."), field="date")
    # Compared by id, which does not depend on how User defines equality.
    observer_ids = {observer.id for observer in observers}
    chair = chair or (actor if actor.id in observer_ids else observers[0])
    if chair.id not in observer_ids and Role.DIRECTOR not in chair.roles_in(unit.id):
        raise DomainError(_l("The chair must be an observer or the director."), field="chair_id")
    observation = Observation(
        unit_id=unit.id, kind=ObservationKind(kind), lecturer_id=lecturer.id,
        session_id=session.id if session else None, topic_id=topic.id if topic else None,
        topic_text=topic_text.strip()[:300], date=on, rubric_version_id=usable_version(version, unit).id,
        is_unannounced=unannounced, chair_id=chair.id, planned_by_id=actor.id,
        sheets=[Sheet(observer_id=observer.id, updated_at=now) for observer in observers])
    db.session.add(observation)
    db.session.flush()
    log_action("observation_planned", observation, actor_id=actor.id,
               after={"lecturer_id": lecturer.id, "date": on, "observers": ",".join(str(u.id) for u in observers),
                      "unannounced": unannounced}, now=now)
    return observation


def declare_conflict(*, unit: Unit, observer: User, lecturer: Lecturer, kind: str, note: str, actor: User,
                     now: datetime) -> ObserverConflict:
    if lecturer.unit_id != unit.id:
        raise DomainError(_l("Choose a lecturer of this unit."), field="lecturer_id")
    existing = db.session.scalar(sa.select(ObserverConflict).where(
        ObserverConflict.observer_id == observer.id, ObserverConflict.lecturer_id == lecturer.id))
    if existing is not None:
        return existing
    conflict = ObserverConflict(unit_id=unit.id, observer_id=observer.id, lecturer_id=lecturer.id, kind=kind,
                                note=note.strip()[:500], declared_by_id=actor.id, created_at=now)
    db.session.add(conflict)
    db.session.flush()
    log_action("conflict_declared", conflict, actor_id=actor.id,
               after={"observer_id": observer.id, "lecturer_id": lecturer.id, "kind": kind}, now=now)
    return conflict


# --- sheets -----------------------------------------------------------------------------------


_LOCK_OBSERVATION = sa.select(Observation.id).where(Observation.id == sa.bindparam("id")).with_for_update()


def lock_observation(observation: Observation) -> Observation:
    """Take the observation's row lock and re-read it and its sheets, before changing either.

    Concurrent writers of one observation (observers submitting at the same moment, the chair
    finalising, a double-clicked button) then run one after another on current data, instead
    of failing on a version that moved meanwhile: a sheet submitted twice is seen as submitted,
    a finalised observation as finalised. PostgreSQL waits for the row lock here; SQLite's
    write transactions are serialised already (``BEGIN IMMEDIATE``, see core.db)."""
    begin_writing()
    lock_rows(_LOCK_OBSERVATION, {"id": observation.id})
    db.session.scalars(sa.select(Observation).where(Observation.id == observation.id)
                       .execution_options(populate_existing=True)).all()
    db.session.scalars(sa.select(Sheet).where(Sheet.observation_id == observation.id)
                       .execution_options(populate_existing=True)).all()
    return observation


def _stale(sheet: Sheet, expected_version: int | None) -> bool:
    return expected_version is not None and expected_version != sheet.version


def save_sheet(sheet: Sheet, *, scores: Mapping[str, object], texts: Mapping[str, str], actor: User,
               now: datetime, expected_version: int | None = None) -> Sheet:
    """Save a draft: any subset of scores (each validated) and the free texts. A save from a
    stale page (another tab saved in between) is refused with 409; nothing is lost because
    the page keeps what was typed.

    The caller holds the observation's lock (``sheet_to_change`` or ``lock_observation``). The draft
    is written with plain statements, not the ORM's unit of work: an open sheet page saves
    every few seconds, and the unit of work cost more than the rest of a save."""
    if sheet.observer_id != actor.id:
        raise DomainError(_l("Only the observer can change this sheet."), status=403, code="forbidden")
    if sheet.is_submitted:
        raise DomainError(_l("This sheet has been submitted and can no longer change."), status=409,
                          code="conflict")
    if sheet.observation.is_finalized:
        raise DomainError(_l("This observation is already finalised."), status=409, code="conflict")
    if _stale(sheet, expected_version):
        raise _saved_meanwhile()
    rubric = frozen_version(sheet.observation.rubric_version_id)
    valid = validated_scores(rubric.spec, scores, complete=False)
    stored = {rubric.codes[criterion_id]: value for criterion_id, value
              in db.session.connection().execute(_STORED_SCORES, {"sheet_id": sheet.id})}
    before = {code: stored.get(code) for code, value in valid.items() if stored.get(code) != value}
    after = {code: valid[code] for code in before}  # an autosave sends every score each time
    values = {field: (texts[field] or "")[:MAX_TEXT] for field in SHEET_TEXTS if field in texts}
    values.update(_totals(rubric, stored | after, provisional=True), updated_at=now)
    _write_draft(sheet, values)  # first: it is refused before anything is written if the sheet moved
    if after:
        _write_scores(sheet, rubric, stored, after)
        log_action("sheet_scores_saved", sheet, actor_id=actor.id, unit_id=sheet.observation.unit_id,
                   before=before, after=after, now=now)
    _move(sheet.observation, ObservationState.IN_PROGRESS, actor=actor, now=now)
    db.session.flush()
    return sheet


_SCORES, _SHEETS = SheetScore.__table__, Sheet.__table__
_STORED_SCORES = (sa.select(_SCORES.c.criterion_id, _SCORES.c.value)
                  .where(_SCORES.c.sheet_id == sa.bindparam("sheet_id")))
_UPDATE_SCORE = _SCORES.update().where(_SCORES.c.sheet_id == sa.bindparam("b_sheet_id"),
                                       _SCORES.c.criterion_id == sa.bindparam("b_criterion_id"))
_UPDATE_DRAFT = (_SHEETS.update().where(_SHEETS.c.id == sa.bindparam("b_id"),
                                        _SHEETS.c.version == sa.bindparam("b_version"))
                 .values(version=_SHEETS.c.version + 1))


def _write_scores(sheet: Sheet, rubric: FrozenVersion, stored: Mapping[str, Decimal],
                  changed: Mapping[str, Decimal]) -> None:
    """Store the changed scores by code (``stored`` holds the others); the session reads the
    sheet's scores again when next used."""
    updates = [{"b_sheet_id": sheet.id, "b_criterion_id": rubric.ids[code], "value": value}
               for code, value in changed.items() if code in stored]
    inserts = [{"sheet_id": sheet.id, "criterion_id": rubric.ids[code], "value": value}
               for code, value in changed.items() if code not in stored]
    connection = db.session.connection()
    if updates:
        connection.execute(_UPDATE_SCORE, updates)
    if inserts:
        connection.execute(_SCORES.insert(), inserts)
    _forget_scores(sheet, rubric)


def _forget_scores(sheet: Sheet, rubric: FrozenVersion) -> None:
    """The sheet's scores are read again when next used: its list, and each score the session
    holds, looked up by key (one read again with the sheet's list emptied stays in the session,
    with its old value, for as long as anything refers to it)."""
    for criterion_id in rubric.codes:
        score = db.session.identity_map.get(db.session.identity_key(SheetScore, (sheet.id, criterion_id)))
        if score is not None:
            db.session.expire(score)
    db.session.expire(sheet, ["scores"])


def _saved_meanwhile() -> DomainError:
    return DomainError(_l("This sheet was saved from another window after you opened it. "
                          "Your input is kept below: check it and save again."), status=409, code="conflict")


def _write_draft(sheet: Sheet, values: dict) -> None:
    """Write the sheet's own columns and raise its version (as its mapper's ``version_id_col``
    would), and tell the session what they now hold."""
    written = db.session.connection().execute(_UPDATE_DRAFT,
                                              {"b_id": sheet.id, "b_version": sheet.version, **values})
    if written.rowcount != 1:  # saved meanwhile by a writer that did not hold the observation's lock
        raise _saved_meanwhile()
    for key, value in {**values, "version": sheet.version + 1}.items():
        set_committed_value(sheet, key, value)


def validated_scores(spec: scoring.RubricSpec, scores: Mapping[str, object], *, complete: bool) -> dict[str, Decimal]:
    """The scores parsed on the rubric, or a DomainError whose ``details`` give each refused
    criterion's reason in words (blank values are "not scored")."""
    cleaned = {code: value for code, value in scores.items() if value not in (None, "")}
    try:
        return scoring.validate_sheet(spec, cleaned, complete=complete)
    except scoring.SheetError as error:
        details = {code: str(_REASONS.get(reason, reason)) for code, reason in error.errors.items()}
        listing = "; ".join(f"{code}: {reason}" for code, reason in sorted(details.items()))
        raise DomainError(_l("Check these scores — %(list)s.", list=listing), field="scores",
                          code="invalid_scores", details=details) from error


_REASONS = {"not_a_number": _l("not a number"), "out_of_range": _l("outside 0 to the maximum"),
            "not_a_step": _l("not a multiple of the step"), "missing": _l("missing"),
            "unknown_criterion": _l("unknown criterion")}


def sheet_to_change(observation_id: int, observer_id: int) -> Sheet | None:
    """An observer's own sheet of the observation, read to be changed: ``lock_observation`` for
    one sheet. The observation's row lock is taken before the sheet is read, so what is read is
    current: another window's save, or the chair's finalising, waits for it or it for them.
    Reads nothing of the other sheets, nor the sheet's scores (``save_sheet`` reads them): any
    the session held are read again when next used."""
    begin_writing()
    lock_rows(_LOCK_OBSERVATION, {"id": observation_id})
    sheet = own_sheet(observation_id, observer_id, refresh=True)
    if sheet is not None:
        _forget_scores(sheet, frozen_version(sheet.observation.rubric_version_id))
    return sheet


def _totals(rubric: FrozenVersion, values: Mapping[str, Decimal], *, provisional: bool) -> dict:
    """The sheet's total, percent and rating from its scores by code (a draft missing a score
    has no rating yet)."""
    total = scoring.sheet_total(values)
    rating = None if provisional and len(values) < len(rubric.spec.criteria) else \
        scoring.rating(rubric.spec, total, values)
    return {"total": total, "percent": scoring.percent(total, rubric.spec.max_total), "rating": rating}


def submit_sheet(sheet: Sheet, *, actor: User, now: datetime) -> Sheet:
    """Submit and lock a complete sheet. Submitting twice is harmless."""
    if sheet.observer_id != actor.id:
        raise DomainError(_l("Only the observer can submit this sheet."), status=403, code="forbidden")
    if sheet.is_submitted:
        return sheet
    if sheet.observation.is_finalized:
        raise DomainError(_l("This observation is already finalised."), status=409, code="conflict")
    rubric = frozen_version(sheet.observation.rubric_version_id)
    if sheet.observation.kind == ObservationKind.PRACTICE_LECTURE:
        _check_practice_sheet(sheet)
    if sheet.scores or sheet.observation.kind != ObservationKind.PRACTICE_LECTURE:
        validated_scores(rubric.spec, rubric.score_map(sheet.scores), complete=True)
        for key, value in _totals(rubric, rubric.score_map(sheet.scores), provisional=False).items():
            setattr(sheet, key, value)
    else:  # comments only: no score, so no figures (a draft saved without scores carries zeros)
        sheet.total = sheet.percent = sheet.rating = None
    sheet.state = SheetState.SUBMITTED
    sheet.submitted_at = now
    _move(sheet.observation, ObservationState.IN_PROGRESS, actor=actor, now=now)
    db.session.flush()
    log_action("sheet_submitted", sheet, actor_id=actor.id, unit_id=sheet.observation.unit_id,
               after={"total": sheet.total, "percent": sheet.percent, "rating": sheet.rating}, now=now)
    return sheet


def _check_practice_sheet(sheet: Sheet) -> None:
    """At a practice lecture the lecturer assesses themselves first; an attendee's sheet needs
    comments or a complete rubric score (the score is optional)."""
    practice = sheet.observation.practice
    if practice is not None and practice.self_assessed_at is None:
        raise DomainError(_l("The lecturer gives their self-assessment first; submit your comments after it."),
                          status=409, code="conflict")
    comment = sheet.practice_comment
    has_text = (comment is not None and comment.any_text()) or any(
        (getattr(sheet, name) or "").strip() for name in ("strengths", "shortcomings", "recommendations"))
    if not sheet.scores and not has_text:
        raise DomainError(_l("Write your comments, or score the rubric, before submitting."), field="scores")


# --- consolidation, finalisation, amendments ----------------------------------------------------


def consolidation_method(unit_id: int) -> str:
    settings = db.session.get(ReviewSettings, unit_id)
    return settings.consolidation_method if settings else ConsolidationMethod.MEAN


def consolidate(observation: Observation) -> scoring.Consolidation | None:
    """The consolidated result of the submitted, scored sheets, or None when there is none
    (practice lectures may be commented without a rubric score)."""
    criteria = len(observation.rubric_version.criteria)
    submitted = [scores for scores in (sheet.score_map() for sheet in observation.sheets if sheet.is_submitted)
                 if len(scores) == criteria]
    if not submitted:
        return None
    return scoring.consolidate(observation.rubric_version.spec(), submitted,
                               method=consolidation_method(observation.unit_id))


def finalize_observation(observation: Observation, *, debrief: str, action_points: str, actor: User,
                         now: datetime) -> Observation:
    """Store the consolidated result of the submitted sheets and lock the observation.
    Draft sheets that were never submitted are left out of the result. A practice lecture
    whose attendees only commented is finalised without a score."""
    result = consolidate(observation)
    unscored = observation.kind == ObservationKind.PRACTICE_LECTURE and any(s.is_submitted for s in observation.sheets)
    if result is None and not unscored:
        raise DomainError(_l("At least one observer must submit a sheet before finalising."), status=409,
                          code="conflict")
    if result is not None:
        _store_result(observation, result)
    observation.debrief = (debrief or "")[:MAX_TEXT]
    observation.action_points = (action_points or "")[:MAX_TEXT]
    observation.finalized_at, observation.finalized_by_id = now, actor.id
    _move(observation, ObservationState.FINALIZED, actor=actor, now=now)
    db.session.flush()
    log_action("observation_finalized", observation, actor_id=actor.id,
               after={"total": observation.total, "percent": observation.percent, "rating": observation.rating},
               now=now)
    return observation


def _store_result(observation: Observation, result: scoring.Consolidation) -> None:
    criteria = {criterion.code: criterion.id for criterion in observation.rubric_version.criteria}
    observation.scores = [ObservationScore(criterion_id=criteria[code], value=value)
                          for code, value in result.per_criterion.items()]
    observation.total, observation.percent, observation.rating = result.total, result.percent, result.rating
    observation.method, observation.sheet_count = result.method, result.sheet_count
    observation.spread_stdev, observation.spread_range = result.spread.stdev, result.spread.range
    observation.disagreement = result.disagreement


def _jsonable_result(values: dict) -> dict:
    return {"total": str(values["total"]), "percent": str(values["percent"]), "rating": values["rating"],
            "action_points": values["action_points"],
            "per_criterion": {str(key): str(value) for key, value in values["per_criterion"].items()}}


def amend_observation(observation: Observation, *, reason: str, scores: Mapping[str, object] | None,
                      action_points: str | None, actor: User, now: datetime) -> Amendment:
    """Correct a finalised result. The reason is required; the old values stay in history."""
    if not observation.is_finalized:
        raise DomainError(_l("Only a finalised observation can be amended."), status=409, code="conflict")
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for the amendment."), field="reason")
    version = observation.rubric_version
    spec = version.spec()
    by_id = {criterion.id: criterion.code for criterion in version.criteria}
    before = observation.result()
    per_code = {by_id[key]: value for key, value in before["per_criterion"].items()}
    if scores:
        per_code.update(validated_scores(spec, scores, complete=False))
    total = scoring.sheet_total(per_code)
    after = {"total": total, "percent": scoring.percent(total, spec.max_total),
             "rating": scoring.rating(spec, total, per_code),
             "action_points": before["action_points"] if action_points is None else action_points[:MAX_TEXT],
             "per_criterion": {criterion.id: per_code[criterion.code] for criterion in version.criteria}}
    amendment = Amendment(at=now, by_id=actor.id, reason=reason.strip()[:MAX_TEXT],
                          before=_jsonable_result(before), after=_jsonable_result(after))
    observation.amendments.append(amendment)
    db.session.flush()
    log_action("observation_amended", observation, actor_id=actor.id,
               before={"total": before["total"], "rating": before["rating"]},
               after={"total": after["total"], "rating": after["rating"], "reason": amendment.reason}, now=now)
    return amendment


def respond(observation: Observation, *, kind: str, text: str, actor: User, now: datetime) -> ObservationResponse:
    """The observed lecturer acknowledges or disputes a finalised result (once)."""
    if not observation.is_finalized or observation.lecturer.user_id != actor.id:
        raise DomainError(_l("Only the observed lecturer can respond, once the result is final."), status=403,
                          code="forbidden")
    if observation.response is not None:
        raise DomainError(_l("You have already responded to this observation."), status=409, code="conflict")
    response = ObservationResponse(author_id=actor.id, kind=ResponseKind(kind), text=(text or "")[:MAX_TEXT],
                                   created_at=now)
    observation.response = response
    db.session.flush()
    log_action("observation_response", observation, actor_id=actor.id, after={"kind": kind}, now=now)
    return response


def observers_of(user_ids: Iterable[int]) -> list[User]:
    ids = list(dict.fromkeys(int(i) for i in user_ids))
    users = {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
    if len(users) != len(ids):
        raise DomainError(_l("Unknown observer."), field="observer_ids")
    return [users[i] for i in ids]
